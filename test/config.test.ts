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

t.test('the public site: off without SITE_URL; with it, its address, name, language and URL patterns', async (t) => {
  t.equal(loadConfig({}).site, undefined)
  t.equal(loadConfig({}).publicUrl, undefined)
  t.same(loadConfig({ SITE_URL: 'https://lynhan.hanam.gov.vn/' }).site, {
    url: 'https://lynhan.hanam.gov.vn',
    name: 'lynhan.hanam.gov.vn',
    language: 'vi',
    paths: { article: '/tin-tuc/{category}/{slug}', category: '/chuyen-muc/{slug}', page: '/{path}', document: '/van-ban/{slug}' },
    sitemapPageSize: 50000,
  })
  const config = loadConfig({
    SITE_URL: 'http://example.gov.vn/cong',
    SITE_NAME: 'Cổng thông tin điện tử huyện Lý Nhân',
    SITE_LANGUAGE: 'en',
    SITE_ARTICLE_PATH: '/{year}/{month}/{day}/{slug}-{id}',
    SITE_PAGE_PATH: '/trang/{path}',
    SITEMAP_PAGE_SIZE: '3',
    PUBLIC_URL: 'https://api.example.gov.vn/',
  })
  t.match(config.site, { url: 'http://example.gov.vn/cong', name: 'Cổng thông tin điện tử huyện Lý Nhân', language: 'en', paths: { article: '/{year}/{month}/{day}/{slug}-{id}', page: '/trang/{path}' }, sitemapPageSize: 3 })
  t.equal(config.publicUrl, 'https://api.example.gov.vn')
})

t.test('a bad site setting stops the start, naming the setting and what is wrong with it', async (t) => {
  t.throws(() => loadConfig({ SITE_URL: 'ftp://example.gov.vn' }), { message: /SITE_URL/ })
  t.throws(() => loadConfig({ SITE_URL: 'https://example.gov.vn/?a=1' }), { message: /SITE_URL: An address without \? or #/ })
  t.throws(() => loadConfig({ SITE_ARTICLE_PATH: '/tin/{title}/{slug}' }), { message: /SITE_ARTICLE_PATH: unknown placeholder \{title\}[\s\S]*\{id\} \{slug\} \{category\} \{year\} \{month\} \{day\}/ })
  t.throws(() => loadConfig({ SITE_CATEGORY_PATH: '/c/{category}' }), { message: /SITE_CATEGORY_PATH: unknown placeholder \{category\}/ })
  t.throws(() => loadConfig({ SITE_PAGE_PATH: 'trang/{path}' }), { message: /SITE_PAGE_PATH: "trang\/\{path\}" must start with \// })
  t.throws(() => loadConfig({ SITE_DOCUMENT_PATH: '/van ban/{slug}' }), { message: /SITE_DOCUMENT_PATH: .*characters a URL path cannot/ })
  t.throws(() => loadConfig({ SITE_ARTICLE_PATH: '/{slug', SITE_PAGE_PATH: '/{}' }), { message: /SITE_ARTICLE_PATH[\s\S]*SITE_PAGE_PATH: unknown placeholder \{\}/ })
  t.throws(() => loadConfig({ SITE_CATEGORY_PATH: '/chuyen-muc//{slug}' }), { message: /SITE_CATEGORY_PATH: .*has an empty segment/ })
  t.throws(() => loadConfig({ SITEMAP_PAGE_SIZE: '50001' }), { message: /SITEMAP_PAGE_SIZE/ })
  t.throws(() => loadConfig({ PUBLIC_URL: 'api.example.gov.vn' }), { message: /PUBLIC_URL/ })
})
