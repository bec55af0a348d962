import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Webhook } from 'standardwebhooks'
import t, { type Test } from 'tap'
import { createServerDatabase } from './helper.js'
import { startReceiver } from './receiver.js'
import { startServer as startSpawned } from './spawn.js'

const ADMIN = 'crash-test-admin-token-0123456789'

/** The server as `npm start` runs it (test/spawn.ts), with a client for its API. */
async function startServer(t: Test, env: Record<string, string>) {
  const { child, port, exited, output } = await startSpawned(t, { ADMIN_TOKEN: ADMIN, SEED: 'never', ...env })
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    return { status: res.status, body: (await res.json()) as { data: Record<string, string> } }
  }
  return { child, exited, call, output }
}

const until = async (check: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end && !check(); ) await sleep(20)
  return check()
}

t.test('kill -9 right after a commit, before any delivery: after the restart the events are delivered', async (t) => {
  const receiver = await startReceiver(t)
  const dataDir = await mkdtemp(join(tmpdir(), 'bantin-crash-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const where: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: await createServerDatabase(t, process.env.DATABASE_URL) } : { DATA_DIR: dataDir }
  const env = { ...where, WEBHOOK_ALLOW_PRIVATE: 'true' }

  // This instance serves the API only, so nothing can be delivered before the kill.
  const first = await startServer(t, { ...env, WEBHOOK_DELIVERY: 'false' })
  const webhook = await first.call('POST', '/v1/webhooks', { url: receiver.url, events: ['article.*'] })
  t.equal(webhook.status, 201)
  const article = await first.call('POST', '/v1/articles', { title: 'Viết ngay trước khi sập', status: 'published' })
  t.equal(article.status, 201, 'the write committed')
  first.child.kill('SIGKILL')
  await first.exited
  t.equal(receiver.received.length, 0, 'nothing was delivered before the kill')

  const second = await startServer(t, env)
  if (!t.ok(await until(() => receiver.received.length >= 2, 20_000), 'delivered after the restart')) t.comment(second.output())
  t.same(receiver.types(), ['article.created', 'article.published'])
  const verifier = new Webhook(webhook.body.data.secret!)
  for (const r of receiver.received) t.doesNotThrow(() => verifier.verify(r.body, r.headers))
  t.equal(receiver.received[0]!.json.data.id, article.body.data.id)

  // A running server is woken by the commit itself (the bench measures how fast: well under a
  // second); 3 s leaves room for a machine busy with other test files.
  const started = Date.now()
  t.equal((await second.call('PATCH', `/v1/articles/${article.body.data.id}`, { title: 'Đã sửa' })).status, 200)
  t.ok(await until(() => receiver.received.length >= 3, 5_000))
  t.ok(Date.now() - started < 3_000, `article.updated after ${Date.now() - started} ms`)
  t.equal(receiver.types()[2], 'article.updated')
  second.child.kill('SIGTERM')
  t.equal(await second.exited, 0)
  t.equal(receiver.received.length, 3, 'each event once')
})
