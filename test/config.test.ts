import t from 'tap'
import { loadConfig } from '../src/config.js'

t.test('defaults serve on 127.0.0.1:3000 with the embedded database under ./data', async (t) => {
  t.match(loadConfig({}), { port: 3000, host: '127.0.0.1', databaseUrl: undefined, dataDir: './data', logLevel: 'info', seed: 'auto' })
})

t.test('settings come from the environment, empty values count as unset', async (t) => {
  const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db:5432/bantin', LOG_LEVEL: 'debug', ADMIN_TOKEN: '', DATA_DIR: '/srv/bantin' })
  t.match(config, { port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@db:5432/bantin', logLevel: 'debug', adminToken: undefined, dataDir: '/srv/bantin' })
})

t.test('an ADMIN_TOKEN that is a placeholder is refused: it would be an admin token anyone can read', async (t) => {
  for (const placeholder of ['change-me-to-a-long-random-secret', 'CHANGEME-CHANGEME-1', 'replace_me_with_a_token', '<placeholder-for-the-token>', 'x'.repeat(32)]) {
    t.throws(() => loadConfig({ ADMIN_TOKEN: placeholder }), { message: /ADMIN_TOKEN: ADMIN_TOKEN looks like a placeholder: set a random secret/ }, placeholder)
  }
  t.equal(loadConfig({ ADMIN_TOKEN: '3f9c1d0e8b7a65f4e3d2c1b0a9f8e7d6' }).adminToken, '3f9c1d0e8b7a65f4e3d2c1b0a9f8e7d6')
  t.equal(loadConfig({ SEED: 'always' }).seed, 'always')
})

t.test('bad settings fail at start with every problem named', async (t) => {
  t.throws(() => loadConfig({ PORT: 'http', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short', LOG_LEVEL: 'loud' }), {
    message: /PORT[\s\S]*DATABASE_URL[\s\S]*ADMIN_TOKEN[\s\S]*LOG_LEVEL/,
  })
})
