import { randomBytes } from 'node:crypto'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { admin, buildTestApp } from './helper.js'

const ip = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]).join('.')}`

t.test('over the limit: 429 problem+json with Retry-After, counted per token or per IP', async (t) => {
  const { app } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' } })
  const caller = ip()
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) statuses.push((await app.inject({ url: '/v1/articles', remoteAddress: caller })).statusCode)
  t.same(statuses, [200, 200, 200, 429])
  const limited = await app.inject({ url: '/v1/articles', remoteAddress: caller })
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(limited.json(), { status: 429, type: 'urn:bantin:problem:rate-limited' })
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.equal((await app.inject({ url: '/v1/articles', remoteAddress: ip() })).statusCode, 200, 'another IP has its own count')
  t.equal((await app.inject({ url: '/v1/articles', remoteAddress: caller, headers: admin })).statusCode, 200, 'a token has its own count')
  t.equal((await app.inject({ url: '/health', remoteAddress: caller })).statusCode, 200, 'health checks are never limited')
  for (const scheme of ['bearer', 'BEARER']) {
    const variant = await app.inject({ url: '/v1/articles', remoteAddress: ip(), headers: { authorization: admin.authorization.replace('Bearer', scheme) } })
    t.equal(variant.statusCode, 200, 'the scheme is case-insensitive')
  }
  t.equal((await app.inject({ url: '/v1/articles', remoteAddress: caller, headers: admin })).statusCode, 429, 'spelling the scheme otherwise is the same token, the same count')
})

t.test('guessing tokens counts against the IP: wrong tokens are limited like anonymous calls', async (t) => {
  const { app } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '3' } })
  const caller = ip()
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) {
    const guess = { authorization: `Bearer bantin_${randomBytes(32).toString('hex')}` }
    statuses.push((await app.inject({ url: '/v1/articles', remoteAddress: caller, headers: guess })).statusCode)
  }
  t.same(statuses, [401, 401, 401, 429, 429])
})

t.test('with REDIS_URL, instances share one count', { skip: !process.env.REDIS_URL && 'needs REDIS_URL' }, async (t) => {
  const { app: first, database } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '4', REDIS_URL: process.env.REDIS_URL! } })
  const second = await buildApp({ config: loadConfig({ RATE_LIMIT_MAX: '4', REDIS_URL: process.env.REDIS_URL! }), database })
  t.teardown(() => second.close())
  const caller = ip()
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) {
    statuses.push((await first.inject({ url: '/v1/categories', remoteAddress: caller })).statusCode)
    statuses.push((await second.inject({ url: '/v1/categories', remoteAddress: caller })).statusCode)
  }
  t.same(statuses, [200, 200, 200, 200, 429, 429])
})

t.test('a Redis that does not answer lets requests through rather than failing them', async (t) => {
  const { app } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '2', REDIS_URL: 'redis://127.0.0.1:1' } })
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/v1/categories', remoteAddress: ip() })).statusCode, 200)
})

t.test('CORS answers the listed origins only; security headers on every answer', async (t) => {
  const { app } = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://lynhan.hanam.gov.vn, https://admin.example.vn' } })
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/articles',
    headers: { origin: 'https://admin.example.vn', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,if-match' },
  })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], 'https://admin.example.vn')
  t.match(preflight.headers['access-control-allow-headers'], /If-Match/)
  const read = await app.inject({ url: '/v1/articles', headers: { origin: 'https://lynhan.hanam.gov.vn' } })
  t.equal(read.headers['access-control-allow-origin'], 'https://lynhan.hanam.gov.vn')
  t.match(read.headers['access-control-expose-headers'], /ETag/)
  const stranger = await app.inject({ url: '/v1/articles', headers: { origin: 'https://evil.example' } })
  t.notOk(stranger.headers['access-control-allow-origin'])
  t.equal(read.headers['x-content-type-options'], 'nosniff')
  t.equal(read.headers['x-frame-options'], 'DENY')
  t.equal(read.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'")
  const any = await buildTestApp(t)
  t.equal((await any.app.inject({ url: '/v1/articles', headers: { origin: 'https://x.vn' } })).headers['access-control-allow-origin'], '*')
})

t.test('TRUST_PROXY: behind trusted proxies each client has its own rate limit; others cannot pick theirs', async (t) => {
  const { app } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '2', TRUST_PROXY: '10.0.0.0/8, 192.0.2.1' } })
  const proxy = ip()
  const via = (client: string, remoteAddress = proxy) =>
    app.inject({ url: '/v1/categories', remoteAddress, headers: { 'x-forwarded-for': client } }).then((r) => r.statusCode)
  t.same([await via('203.0.113.1'), await via('203.0.113.1'), await via('203.0.113.1')], [200, 200, 429])
  t.equal(await via('203.0.113.2'), 200, 'another client behind the same proxy has its own count')
  t.equal(await via('203.0.113.3', '192.0.2.1'), 200, 'a listed single address is trusted too')
  const direct = '198.51.100.4'
  t.same([await via('203.0.113.50', direct), await via('203.0.113.51', direct), await via('203.0.113.52', direct)], [200, 200, 429], 'X-Forwarded-For from an untrusted peer changes nothing')

  const { app: off } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '2' } })
  const statuses: number[] = []
  for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
    statuses.push((await off.inject({ url: '/v1/categories', remoteAddress: proxy, headers: { 'x-forwarded-for': client } })).statusCode)
  }
  t.same(statuses, [200, 200, 429], 'off by default: everyone behind the proxy shares its address')

  const { app: hops } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '1', TRUST_PROXY: '1' } })
  const hop = (chain: string) => hops.inject({ url: '/v1/categories', remoteAddress: proxy, headers: { 'x-forwarded-for': chain } }).then((r) => r.statusCode)
  t.same([await hop('203.0.113.9'), await hop('198.51.100.1, 203.0.113.9'), await hop('203.0.113.10')], [200, 429, 200], 'a hop count trusts that many proxies')
})

t.test('TRUST_PROXY is false, a hop count, or addresses and CIDRs', async (t) => {
  t.equal(loadConfig({}).trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
  t.same(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, ::1, loopback' }).trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1', 'loopback'])
  t.throws(() => loadConfig({ TRUST_PROXY: 'nginx' }), /TRUST_PROXY/)
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' }), /TRUST_PROXY/)
})
