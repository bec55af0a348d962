import t from 'tap'
import { loadConfig } from '../src/config.js'

t.test('defaults serve on 127.0.0.1:3000 with the embedded database under ./data', async (t) => {
  t.match(loadConfig({}), { port: 3000, host: '127.0.0.1', databaseUrl: undefined, dataDir: './data', logLevel: 'info', seed: 'auto' })
})

t.test('settings come from the environment, empty values count as unset', async (t) => {
  const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db:5432/bantin', LOG_LEVEL: 'debug', ADMIN_TOKEN: '', DATA_DIR: '/srv/bantin' })
  t.match(config, { port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@db:5432/bantin', logLevel: 'debug', adminToken: undefined, dataDir: '/srv/bantin' })
})

t.test('bad settings fail at start with every problem named', async (t) => {
  t.throws(() => loadConfig({ PORT: 'http', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short', LOG_LEVEL: 'loud' }), {
    message: /PORT[\s\S]*DATABASE_URL[\s\S]*ADMIN_TOKEN[\s\S]*LOG_LEVEL/,
  })
})
