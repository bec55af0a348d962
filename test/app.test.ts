import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createLogger, redactUrl } from '../src/logger.js'
import type { Database, Db } from '../src/db/client.js'
import * as schema from '../src/db/schema.js'
import { ADMIN_TOKEN, admin, openTestDatabase } from './helper.js'

const lines: Record<string, unknown>[] = []
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
    done()
  },
})
// The server's own logger, writing to the sink instead of stdout.
const config = loadConfig({ TRUST_PROXY: '10.0.0.0/8' })
const { logger } = createLogger(config, sink)
const database = await openTestDatabase(t)
const app = await buildApp({ config, database, logger, checkResponses: true })
t.teardown(() => app.close())
const { ensureAdminToken } = await import('../src/resources/tokens/tokens.service.js')
await ensureAdminToken(database.db, ADMIN_TOKEN)

t.test('GET /health and /ready answer 200', async (t) => {
  t.same((await app.inject('/health')).json(), { status: 'ok' })
  t.same((await app.inject('/ready')).json(), { status: 'ok' })
})

t.test('GET /metrics speaks Prometheus, by route pattern', async (t) => {
  await app.inject('/v1/articles/khong-co')
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.match(res.body, /bantin_http_requests_total\{method="GET",route="\/v1\/articles\/:idOrSlug",status="404"\} 1/)
  t.match(res.body, /bantin_process_resident_memory_bytes/)
})

t.test('GET / points to the docs, the OpenAPI document and the API', async (t) => {
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.json(), { name: 'bantin', docs: '/docs', openapi: '/openapi.json', api: '/v1', contract: 'docs/api.md' })
  for (const url of ['/docs', '/openapi.json']) t.ok((await app.inject(url)).statusCode < 400, `${url} answers`)
  t.equal((await app.inject('/v1/articles')).statusCode, 200, '/v1 is where the resources are')
})

t.test('unknown routes are a problem+json 404', async (t) => {
  const res = await app.inject('/v1/nothing-here?x=1')
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(res.json(), { type: 'urn:bantin:problem:not-found', title: 'Not found', status: 404, detail: 'No route GET /v1/nothing-here' })
  t.equal((await app.inject({ method: 'PUT', url: '/v1/articles' })).statusCode, 404)
})

t.test('/openapi.json is OpenAPI 3.1 from the zod schemas, with the roles routes need', async (t) => {
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  const spec = res.json()
  t.equal(spec.openapi, '3.1.0')
  for (const path of ['/v1/articles', '/v1/articles/{idOrSlug}', '/v1/categories', '/v1/people/{idOrSlug}', '/health', '/ready']) {
    t.ok(spec.paths[path], path)
  }
  t.ok(spec.components.schemas.Article && spec.components.schemas.Block && spec.components.schemas.Problem)
  t.same(spec.paths['/v1/articles'].post.security, [{ bearerAuth: [] }])
  t.match(spec.paths['/v1/articles'].post.description, /role `editor`/)
  t.same(spec.paths['/v1/articles'].get.security, [{}, { bearerAuth: [] }], 'reads are open, a token optional')
  const param = spec.paths['/v1/articles'].get.parameters.find((p: { name: string }) => p.name === 'limit')
  t.match(param, { in: 'query', schema: { maximum: 100 } })
  const docs = await app.inject('/docs/')
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
})

t.test('one JSON log line per request, with a request id, never the token', async (t) => {
  lines.length = 0
  const res = await app.inject({ url: '/v1/articles', headers: { ...admin, 'x-request-id': 'req-123' } })
  t.equal(res.headers['x-request-id'], 'req-123')
  const own = await app.inject('/v1/categories')
  t.match(own.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  const requests = lines.filter((l) => l.msg === 'request')
  t.equal(requests.length, 2)
  t.match(requests[0], { reqId: 'req-123', method: 'GET', url: '/v1/articles', status: 200, ms: Number, token: 'ADMIN_TOKEN' })
  t.notMatch(JSON.stringify(lines), ADMIN_TOKEN)
})

t.test('a token sent in the query string is refused, and its value never reaches the log', async (t) => {
  lines.length = 0
  for (const url of [`/v1/articles?token=${ADMIN_TOKEN}`, `/v1/articles?access_token=${ADMIN_TOKEN}&limit=5`]) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 400, 'refused')
    t.notMatch(res.body, ADMIN_TOKEN)
  }
  // Pasted into a search box: not refused, but what looks like a token is not logged either.
  t.equal((await app.inject(`/v1/people?q=bantin_${'a'.repeat(64)}`)).statusCode, 200)
  const logged = lines.filter((l) => l.msg === 'request').map((l) => l.url)
  t.same(logged, ['/v1/articles?token=[redacted]', '/v1/articles?access_token=[redacted]&limit=5', '/v1/people?q=[redacted]'])
  t.notMatch(JSON.stringify(lines), ADMIN_TOKEN)
  t.notMatch(JSON.stringify(lines), 'a'.repeat(64))
  t.equal(redactUrl('/v1/articles?tag=d%C3%A2n&key=s3cr3t'), '/v1/articles?tag=d%C3%A2n&key=[redacted]')
})

t.test('every parameter named like a secret is redacted, however it is written; other URLs are logged as sent', async (t) => {
  const names = ['token', 'Access_Token', 'access-token', 'key', 'api_key', 'apikey', 'API-KEY', 'secret', 'password', 'passwd', 'auth', 'Authorization', 'signature', 'sig', 'code']
  for (const name of names) t.equal(redactUrl(`/v1/people?limit=5&${name}=x1`), `/v1/people?limit=5&${name}=[redacted]`, name)
  t.equal(redactUrl('/v1/people?%74oken=x1'), '/v1/people?%74oken=[redacted]', 'a percent-encoded name')
  t.equal(redactUrl(`/v1/articles/bantin_${'0'.repeat(16)}`), '/v1/articles/[redacted]', 'a token in the path')
  for (const url of ['/v1/articles', '/v1/articles/nhan-thinh-ra-mat?include=category,people', '/v1/articles?category=tin-tuc&limit=20&cursor=abc_-']) {
    t.equal(redactUrl(url), url, url)
  }
})

t.test('behind a trusted proxy the log has the client\'s address; X-Forwarded-For from others is ignored', async (t) => {
  lines.length = 0
  await app.inject({ url: '/health', remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': '203.0.113.7' } })
  await app.inject({ url: '/health', remoteAddress: '198.51.100.9', headers: { 'x-forwarded-for': '203.0.113.7' } })
  t.same(lines.filter((l) => l.msg === 'request').map((l) => l.ip), ['203.0.113.7', '198.51.100.9'])
})

t.test('a failure inside answers 500 without SQL, stack or internals', async (t) => {
  await database.db.execute(sql`alter table people rename to people_moved`)
  t.teardown(() => database.db.execute(sql`alter table people_moved rename to people`))
  lines.length = 0
  const res = await app.inject('/v1/people')
  t.equal(res.statusCode, 500)
  t.same(res.json(), { type: 'urn:bantin:problem:internal', title: 'Internal server error', status: 500 })
  t.ok(lines.some((l) => l.level === 50), 'the error is logged for the operator')
})

t.test('when the database does not answer: 503 with Retry-After, quickly, never a hang', async (t) => {
  const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1000 })
  pool.on('error', () => {})
  const down: Database = {
    db: drizzle(pool, { schema }) as unknown as Db,
    kind: 'postgres',
    created: false,
    ping: () => pool.query('select 1').then(() => {}),
    listen: async () => async () => {},
    close: () => pool.end(),
  }
  const broken = await buildApp({ config: loadConfig({}), database: down })
  t.teardown(async () => {
    await broken.close()
    await down.close()
  })
  const ready = await broken.inject('/ready')
  t.equal(ready.statusCode, 503)
  t.equal(ready.headers['retry-after'], '5')
  const list = await broken.inject('/v1/articles')
  t.equal(list.statusCode, 503)
  t.match(list.json(), { type: 'urn:bantin:problem:unavailable', status: 503 })
  t.notMatch(list.body, /127\.0\.0\.1|ECONNREFUSED|select/)
  const write = await broken.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'A' } })
  t.equal(write.statusCode, 503)
})

t.test('a NUL byte or a number out of range is a 400, never a 500', async (t) => {
  for (const url of ['/v1/articles/a%00b', '/v1/articles?tag=a%00b', '/v1/people?q=a%00', '/v1/categories/a%00', `/v1/articles/01900000-0000-7000-8000-000000000000/revisions/99999999999`]) {
    const res = await app.inject({ url, headers: admin })
    t.equal(res.statusCode, 400, url)
  }
  const write = await app.inject({ method: 'POST', url: '/v1/people', headers: admin, payload: { name: 'x\u0000y' } })
  t.equal(write.statusCode, 400)
  t.match(write.json(), { type: 'urn:bantin:problem:invalid-request' })
})

t.test('a body over the limit is a 413', async (t) => {
  const small = await buildApp({ config: loadConfig({ BODY_LIMIT_BYTES: '2048' }), database })
  t.teardown(() => small.close())
  const res = await small.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'A'.repeat(5000) } })
  t.equal(res.statusCode, 413)
  t.match(res.json(), { status: 413, title: 'Content too large' })
})

t.test('a malformed Authorization header or an unknown token is a 401, even on reads', async (t) => {
  for (const authorization of ['Basic abc', 'Bearer', 'Bearer wrong-token-000000000000', `Bearer ${ADMIN_TOKEN}x`]) {
    const res = await app.inject({ url: '/v1/articles', headers: { authorization } })
    t.equal(res.statusCode, 401, authorization)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="bantin"')
  }
  const unsupported = await app.inject({ method: 'POST', url: '/v1/articles', headers: { ...admin, 'content-type': 'text/plain' }, payload: 'title' })
  t.equal(unsupported.statusCode, 415)
})
