import { connect } from 'node:net'
import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase } from './helper.js'

// Every error in the contract's shape, including those that Fastify and Node's HTTP parser answer
// before a route runs.
const { app, database } = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://lynhan.hanam.gov.vn' } })
const make = factories(app)
const PROBLEM = 'application/problem+json; charset=utf-8'

t.beforeEach(() => resetDatabase(database))

/** The answer to raw bytes sent on a real socket: status line, headers, and the parsed body. */
async function rawRequest(port: number, bytes: string) {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (d) => (text += d))
  socket.on('error', () => {})
  socket.write(bytes)
  await new Promise((resolve) => socket.on('close', resolve))
  const [head = '', body = ''] = text.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), head, body: body ? (JSON.parse(body) as Record<string, unknown>) : undefined }
}

t.test('a path segment past its length is a 414 problem', async (t) => {
  const res = await app.inject(`/v1/articles/${'a'.repeat(600)}`)
  t.equal(res.statusCode, 414)
  t.equal(res.headers['content-type'], PROBLEM)
  t.match(res.json(), { type: 'urn:bantin:problem:uri-too-long', status: 414, title: 'URI too long' })
  t.notMatch(res.body, 'aaaaaaaaaa', 'the URL is not echoed')
})

t.test('a URL that is not valid percent-encoded UTF-8 is a 400 problem', async (t) => {
  for (const url of ['/v1/articles/%C0%AF', '/v1/categories/%E0%A4%A', '/v1/people/%FF']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 400, url)
    t.equal(res.headers['content-type'], PROBLEM)
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', status: 400 })
    t.equal(res.headers['cache-control'], 'no-store')
  }
})

t.test('what the HTTP parser refuses is problem+json too: 431 for huge headers, 400 for bytes that are not HTTP', async (t) => {
  const { app: listening } = await buildTestApp(t)
  await listening.listen({ port: 0, host: '127.0.0.1' })
  const { port } = listening.server.address() as { port: number }
  const big = await rawRequest(port, `GET /v1/articles HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(20_000)}\r\n\r\n`)
  t.equal(big.status, 431)
  t.match(big.head, /content-type: application\/problem\+json/i)
  t.match(big.body, { type: 'urn:bantin:problem:headers-too-large', status: 431 })
  const garbage = await rawRequest(port, 'GET /v1/articles HTTP/1.1\r\nHo st: x\r\n\r\n')
  t.equal(garbage.status, 400)
  t.match(garbage.body, { type: 'urn:bantin:problem:malformed-request', status: 400 })
})

t.test('refused CORS preflights are problems that say why', async (t) => {
  const preflight = (headers: Record<string, string>) => app.inject({ method: 'OPTIONS', url: '/v1/articles', headers })
  const stranger = await preflight({ origin: 'https://evil.example', 'access-control-request-method': 'GET' })
  t.equal(stranger.statusCode, 403)
  t.equal(stranger.headers['content-type'], PROBLEM)
  t.match(stranger.json(), { type: 'urn:bantin:problem:cors-refused', detail: /evil\.example/ })
  const put = await preflight({ origin: 'https://lynhan.hanam.gov.vn', 'access-control-request-method': 'PUT' })
  t.equal(put.statusCode, 403)
  t.match(put.json(), { type: 'urn:bantin:problem:cors-refused', detail: /PUT/ })
  const incomplete = await preflight({ origin: 'https://lynhan.hanam.gov.vn' })
  t.equal(incomplete.statusCode, 400)
  t.match(incomplete.json(), { errors: [{ path: 'Access-Control-Request-Method' }] })
  const fine = await preflight({ origin: 'https://lynhan.hanam.gov.vn', 'access-control-request-method': 'PATCH' })
  t.equal(fine.statusCode, 204)
})

t.test('a compressed body is a 415 that says so, not "not valid JSON"', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: { ...admin, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    payload: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
  })
  t.equal(res.statusCode, 415)
  t.match(res.json(), { type: 'urn:bantin:problem:unsupported-media-type', detail: /Content-Encoding gzip/ })
  t.equal(await countRows(database, 'articles'), 0)
})

t.test('a body with __proto__ or constructor.prototype is a 400 that names the key', async (t) => {
  for (const [payload, path] of [
    ['{"title":"A","__proto__":{"admin":true}}', '__proto__'],
    ['{"title":"A","constructor":{"prototype":{"admin":true}}}', 'constructor'],
  ]) {
    const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: { ...admin, 'content-type': 'application/json' }, payload })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', detail: /prototype/, errors: [{ path }] })
  }
  t.equal(await countRows(database, 'articles'), 0)
})

t.test('NUL bytes are a 400 naming the field, in paths, queries, bodies and upload fields', async (t) => {
  const article = await make.article()
  const cases = [
    { url: '/v1/articles/%00', path: 'idOrSlug' },
    { url: '/v1/articles?tag=a%00b', path: 'tag' },
    { url: '/v1/people?q=a%00', path: 'q' },
    { method: 'POST' as const, url: '/v1/people', payload: { name: 'x\u0000y' }, path: 'name' },
    { method: 'POST' as const, url: '/v1/articles', payload: { title: 'A', body: [{ type: 'paragraph', text: 'x\u0000' }] }, path: 'body.0.text' },
    { method: 'PATCH' as const, url: `/v1/articles/${article.id}`, payload: { tags: ['ok', 'x\u0000'] }, path: 'tags.1' },
  ]
  for (const { path, ...request } of cases) {
    const res = await app.inject({ ...request, headers: admin })
    t.equal(res.statusCode, 400, request.url)
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', errors: [{ path, message: /NUL/ }] }, request.url)
  }
  t.equal(await countRows(database, 'people'), 0)
  t.equal(await countRows(database, 'articles'), 1)
  t.equal((await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).json().data.version, 1, 'the PATCH wrote nothing')
})

t.test('out-of-range dates are a 400 naming the field', async (t) => {
  for (const publishedAt of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '2023-02-30T10:00:00Z']) {
    const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'A', publishedAt } })
    t.equal(res.statusCode, 400, publishedAt)
    t.match(res.json(), { errors: [{ path: 'publishedAt' }] }, publishedAt)
  }
  const query = await app.inject('/v1/articles?publishedBefore=0000-06-01T00:00:00Z')
  t.equal(query.statusCode, 400)
  t.match(query.json(), { errors: [{ path: 'publishedBefore', message: /years 0001 to 9999/ }] })
  t.equal(await countRows(database, 'articles'), 0)
})

t.test('unknown query parameters are named by errors[].path, numbers must be digits', async (t) => {
  const unknown = await app.inject('/v1/people?colour=red&size=2')
  t.equal(unknown.statusCode, 400)
  t.same(unknown.json().errors, [
    { path: 'colour', message: 'Unknown parameter' },
    { path: 'size', message: 'Unknown parameter' },
  ])
  for (const url of ['/v1/people?limit=1e2', '/v1/categories?offset=0x10', '/v1/media?limit=10.0', '/v1/tokens?limit=+5']) {
    const res = await app.inject({ url, headers: admin })
    t.equal(res.statusCode, 400, url)
    t.match(res.json(), { errors: [{ message: 'A whole number, in digits' }] }, url)
  }
})
