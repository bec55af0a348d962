import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { runTokenCommand } from '../../src/cli/token.js'
import { rawRows } from '../../src/db/client.js'
import { ADMIN_TOKEN, admin, buildTestApp, createServerDatabase, tokenFor } from '../helper.js'

const { app, database } = await buildTestApp(t)

t.test('POST /v1/tokens shows the secret once; it is stored only as a hash', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'Tòa soạn', role: 'editor' } })
  t.equal(res.statusCode, 201)
  const { data } = res.json()
  t.match(data, { id: String, name: 'Tòa soạn', role: 'editor', createdAt: String, lastUsedAt: null, token: /^bantin_[0-9a-f]{64}$/ })
  const stored = await rawRows<Record<string, unknown>>(database.db, sql`select * from tokens where id = ${data.id}`)
  t.notMatch(JSON.stringify(stored), data.token)
  const list = await app.inject({ url: '/v1/tokens', headers: admin })
  t.equal(list.statusCode, 200)
  t.notMatch(list.body, /bantin_[0-9a-f]{64}/, 'a list never shows a secret')
  t.ok(list.json().data.some((tok: { id: string }) => tok.id === data.id))
  const one = await app.inject({ url: res.headers.location as string, headers: admin })
  t.equal(one.statusCode, 200, 'Location points at the token')
  t.same(Object.keys(one.json().data).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'role'])
})

t.test('a token works at once, records its last use, and stops at once when revoked', async (t) => {
  const editor = await tokenFor(app, 'editor')
  const write = await app.inject({ method: 'POST', url: '/v1/categories', headers: editor.headers, payload: { name: 'Thời sự' } })
  t.equal(write.statusCode, 201)
  const listed = (await app.inject({ url: '/v1/tokens', headers: admin })).json().data.find((tok: { id: string }) => tok.id === editor.id)
  t.match(listed.lastUsedAt, /^\d{4}-/)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/tokens/${editor.id}`, headers: admin })).statusCode, 204)
  const after = await app.inject({ method: 'POST', url: '/v1/categories', headers: editor.headers, payload: { name: 'Khác' } })
  t.equal(after.statusCode, 401)
  t.equal((await app.inject({ url: '/v1/articles', headers: editor.headers })).statusCode, 401)
  t.notOk((await app.inject({ url: '/v1/tokens', headers: admin })).json().data.some((tok: { id: string }) => tok.id === editor.id))
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/tokens/${editor.id}`, headers: admin })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/tokens/not-an-id', headers: admin })).statusCode, 404)
})

t.test('roles nest: reader < editor < admin', async (t) => {
  const reader = await tokenFor(app, 'reader')
  const editor = await tokenFor(app, 'editor')
  t.equal((await app.inject({ method: 'POST', url: '/v1/people', headers: reader.headers, payload: { name: 'A' } })).statusCode, 403)
  const forbidden = await app.inject({ method: 'POST', url: '/v1/tokens', headers: editor.headers, payload: { name: 'x', role: 'admin' } })
  t.equal(forbidden.statusCode, 403)
  t.match(forbidden.json(), { type: 'urn:bantin:problem:forbidden', detail: /admin/ })
})

t.test('bad token input is a 400 and makes no token', async (t) => {
  const before = (await app.inject({ url: '/v1/tokens', headers: admin })).json().data.length
  for (const payload of [{ name: 'x', role: 'root' }, { role: 'editor' }, { name: '', role: 'editor' }, { name: 'x', role: 'editor', token: 'mine' }]) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload })).statusCode, 400)
  }
  t.equal((await app.inject({ url: '/v1/tokens', headers: admin })).json().data.length, before)
})

t.test('ADMIN_TOKEN works, and a restart with it revives it after a revocation', async (t) => {
  const { ensureAdminToken } = await import('../../src/resources/tokens/tokens.service.js')
  const [own] = (await app.inject({ url: '/v1/tokens', headers: admin })).json().data.filter((tok: { name: string }) => tok.name === 'ADMIN_TOKEN')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/tokens/${own.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ url: '/v1/tokens', headers: admin })).statusCode, 401)
  await ensureAdminToken(database.db, ADMIN_TOKEN)
  t.equal((await app.inject({ url: '/v1/tokens', headers: admin })).statusCode, 200)
})

t.test('npm run token makes, lists and revokes tokens without the API', async (t) => {
  const env = { ...process.env }
  t.teardown(() => {
    process.env = env
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'bantin-cli-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  if (process.env.DATABASE_URL) process.env.DATABASE_URL = await createServerDatabase(t, process.env.DATABASE_URL)
  else process.env.DATA_DIR = dataDir
  const run = async (...args: string[]) => {
    const lines: string[] = []
    const code = await runTokenCommand(args, (line) => lines.push(line))
    return { code, out: lines.join('\n') }
  }
  const created = await run('create', '--role', 'editor', '--name', 'Tòa soạn')
  t.equal(created.code, 0)
  const secret = /bantin_[0-9a-f]{64}/.exec(created.out)![0]
  const id = /\(([0-9a-f-]{36})\)/.exec(created.out)![1]!
  const listed = await run('list')
  t.match(listed.out, id)
  t.match(listed.out, 'Tòa soạn')
  t.notMatch(listed.out, secret)
  t.equal((await run('revoke', id)).code, 0)
  t.notMatch((await run('list')).out, id)
  t.equal((await run('revoke', id)).code, 1)
  t.equal((await run('create', '--role', 'boss', '--name', 'x')).code, 2)
  t.equal((await run('revoke')).code, 2)
  t.equal((await run()).code, 2)
  t.equal((await run('--help')).code, 0)
  process.env.PORT = 'http'
  t.match(await run('list'), { code: 1, out: /^invalid configuration:\n {2}PORT: / }, 'a bad setting is named, and nothing is opened')
})

t.test('GET /v1/tokens has meta like every list, and pages by offset', async (t) => {
  for (let i = 0; i < 3; i++) await tokenFor(app, 'reader', `page ${i}`)
  const all = (await app.inject({ url: '/v1/tokens', headers: admin })).json()
  const page = await app.inject({ url: '/v1/tokens?limit=2&offset=1', headers: admin })
  t.equal(page.statusCode, 200)
  t.same(page.json().meta, { limit: 2, offset: 1, total: all.meta.total, nextCursor: null })
  t.same(page.json().data.map((tok: { id: string }) => tok.id), all.data.slice(1, 3).map((tok: { id: string }) => tok.id))
  t.equal(all.meta.total, all.data.length)
  // Every list of the API, the same envelope.
  const article = (await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Tin' } })).json().data
  for (const url of ['/v1/articles', '/v1/categories', '/v1/people', '/v1/media', '/v1/tokens', `/v1/articles/${article.id}/revisions`]) {
    const res = await app.inject({ url, headers: admin })
    t.match(res.json(), { data: Array, meta: { limit: Number } }, url)
    t.ok('nextCursor' in res.json().meta, url)
  }
})
