import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { admin, buildTestApp, factories, tokenFor } from './helper.js'
import { flush, startReceiver, testWorker, webhookEnv } from './receiver.js'

// The README's examples work as written.

const run = promisify(execFile)

t.test('examples/sync-mirror.mjs mirrors everything into a file and resumes from its cursor', async (t) => {
  const { app } = await buildTestApp(t)
  const make = factories(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  const dir = await mkdtemp(join(tmpdir(), 'bantin-mirror-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'mirror.json')
  const { token } = await tokenFor(app, 'reader')
  const mirror = async () => {
    await run(process.execPath, ['examples/sync-mirror.mjs', file], {
      env: { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', BANTIN_URL: `http://127.0.0.1:${address.port}`, BANTIN_TOKEN: token },
    })
    return JSON.parse(await readFile(file, 'utf8')) as { cursor: string; resources: Record<string, { title?: string }> }
  }

  const category = await make.category()
  const article = await make.article({ categoryId: category.id })
  let copy = await mirror()
  t.same(Object.keys(copy.resources).sort(), [`article:${article.id}`, `category:${category.id}`].sort())
  const cursor = copy.cursor

  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Tiêu đề mới' } })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  const person = await make.person()
  copy = await mirror()
  t.not(copy.cursor, cursor, 'it went on from its cursor')
  t.same(Object.keys(copy.resources).sort(), [`category:${category.id}`, `person:${person.id}`].sort(), 'the trashed article is gone')
})

t.test('examples/webhook-receiver.mjs verifies signatures, purges the pages an article event changes, and skips a retry', async (t) => {
  const { app, database } = await buildTestApp(t, { env: webhookEnv })
  const make = factories(app)
  const cdn = await startReceiver(t, (_req, _r, res) => void res.writeHead(200).end())
  const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`
  const child = spawn(process.execPath, ['examples/webhook-receiver.mjs'], {
    env: { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', PORT: '0', WEBHOOK_SECRET: secret, PURGE_URL: `http://127.0.0.1:${cdn.port}/purge?path={path}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => void child.kill())
  const port = await new Promise<number>((resolve) => child.stdout!.on('data', (d) => resolve(Number(/:(\d+)/.exec(String(d))![1]))))
  const url = `http://127.0.0.1:${port}/bantin`
  const hook = (await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url, events: ['article.published'], secret } })).json().data
  const worker = testWorker(database.db)

  const article = await make.article({ status: 'published', title: 'Tin mới' })
  await flush(worker, database.db)
  const purged = () => cdn.received.map((r) => new URL(r.url, 'http://cdn').searchParams.get('path'))
  t.same(purged(), [`/tin-tuc/${article.slug}`, '/'], 'the article page and the front page are purged')
  const [delivery] = (await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries`, headers: admin })).json().data
  t.equal(delivery.status, 'succeeded')
  await app.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`, headers: admin })
  await worker.deliver()
  t.equal(cdn.received.length, 2, 'the same webhook-id again purges nothing')
  t.equal((await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries`, headers: admin })).json().data[0].status, 'succeeded', 'and answers 2xx')
  const forged = await fetch(url, { method: 'POST', body: '{}', headers: { 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' } })
  t.equal(forged.status, 401)
})

t.test('examples/client/latest-articles.ts lists the newest articles through the typed client and reads one by slug', async (t) => {
  const { app } = await buildTestApp(t)
  const make = factories(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  const category = await make.category()
  const person = await make.person()
  const article = await make.article({ status: 'published', categoryId: category.id, people: [{ personId: person.id, role: 'author' }] })
  await make.article({ title: 'Bản nháp' })
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/client/latest-articles.ts'], {
    env: { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', BANTIN_URL: `http://127.0.0.1:${address.port}` },
  })
  const lines = stdout.trim().split('\n')
  t.match(lines[0], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT.*Z  ${article.slug}$`), 'the published article, not the draft')
  t.equal(lines.length, 5)
  t.same(lines.slice(2), [article.title, `Tin tức, sự kiện, 1 min: ${article.excerpt}`, '  author: Phạm Thị Thủy'])
})
