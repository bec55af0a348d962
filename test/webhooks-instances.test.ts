import { setTimeout as sleep } from 'node:timers/promises'
import { fillPlaceholders, sql } from 'drizzle-orm'
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { type Database, openDatabase, rawRows } from '../src/db/client.js'
import { claimDue, claimStatement } from '../src/resources/webhooks/webhooks.queue.js'
import { createWebhook } from '../src/resources/webhooks/webhooks.service.js'
import { createServerDatabase, openTestDatabase, resetDatabase } from './helper.js'
import { genericPlanRowsRead } from './plans.js'
import { startReceiver, testWorker, undispatched, webhookEnv } from './receiver.js'

// Two instances on one database: on a server, two pools (as two processes would have); on the
// embedded database, which one process owns, two workers on it.
async function instances(): Promise<[Database, Database]> {
  if (!process.env.DATABASE_URL) {
    const database = await openTestDatabase(t)
    return [database, database]
  }
  const url = await createServerDatabase(t, process.env.DATABASE_URL)
  const pair = [await openDatabase({ url, poolMax: 10 }), await openDatabase({ url, poolMax: 10 })] as [Database, Database]
  t.teardown(() => Promise.all(pair.map((d) => d.close())))
  return pair
}
const [first, second] = await instances()

/** `events` changes spread over `resources` people, recorded straight into the log (as writes would). */
async function recordChanges(database: Database, resources: number, events: number) {
  const ids = Array.from({ length: resources }, () => randomUUID())
  const rows = Array.from({ length: events }, (_, i) => ({ id: ids[i % resources]!, version: Math.floor(i / resources) + 1 }))
  for (let i = 0; i < rows.length; i += 250) {
    const values = rows.slice(i, i + 250).map((r) => sql`('person', ${r.id}::uuid, 'upsert', '{person.updated}', ${r.version}, 'test')`)
    await database.db.execute(sql`insert into changes (type, resource_id, op, events, version, actor) values ${sql.join(values, sql`, `)}`)
  }
  return ids
}

t.test('two instances deliver 1,000 events once each, in order per resource', async (t) => {
  await resetDatabase(first)
  const receiver = await startReceiver(t)
  await createWebhook(first.db, { url: receiver.url, events: ['person.*'] }, { allowPrivate: true })
  await recordChanges(first, 100, 1000)
  const env = { ...webhookEnv, WEBHOOK_CONCURRENCY: '8' }
  const instances = [testWorker(first.db, env), testWorker(second.db, env)]
  const run = async (worker: (typeof instances)[number], db: Database) => {
    for (let i = 0; i < 2000; i++) {
      await worker.dispatch()
      const made = await worker.deliver()
      if (!made && !(await undispatched(db.db)) && receiver.received.length >= 1000) return
      if (!made) await sleep(5)
    }
  }
  await Promise.all([run(instances[0]!, first), run(instances[1]!, second)])
  const ids = receiver.received.map((r) => r.headers['webhook-id'])
  t.equal(receiver.received.length, 1000, 'every event arrived')
  t.equal(new Set(ids).size, 1000, 'none twice')
  const versions = new Map<string, number>()
  let outOfOrder = 0
  for (const r of receiver.received) {
    const { id, version } = r.json.data as { id: string; version: number }
    if ((versions.get(id) ?? 0) !== version - 1) outOfOrder++
    versions.set(id, version)
  }
  t.equal(outOfOrder, 0, 'each resource in commit order')
})

t.test('a message held by an instance that died is taken by another once its lease runs out', async (t) => {
  await resetDatabase(first)
  const receiver = await startReceiver(t)
  await createWebhook(first.db, { url: receiver.url, events: ['person.*'] }, { allowPrivate: true })
  await recordChanges(first, 1, 1)
  const worker = testWorker(second.db)
  while (await undispatched(first.db)) await worker.dispatch()
  const now = new Date()
  const [held] = await claimDue(first.db, { limit: 10, now, leaseMs: 60_000 })
  t.ok(held, 'the first instance claims it, then dies')
  t.equal(await worker.deliver(), 0, 'the other leaves it while the lease runs')
  const later = testWorker(second.db, webhookEnv, { clock: () => new Date(now.getTime() + 61_000) })
  t.equal(await later.deliver(), 1)
  t.equal(receiver.received[0]?.headers['webhook-id'], held!.id)
})

t.test('at shutdown an attempt in flight is aborted after the grace and given back untried', async (t) => {
  await resetDatabase(first)
  let hold = true
  const receiver = await startReceiver(t, async (_req, _r, res) => {
    while (hold) await sleep(10)
    res.writeHead(200).end()
  })
  await createWebhook(first.db, { url: receiver.url, events: ['person.*'] }, { allowPrivate: true })
  await recordChanges(first, 1, 1)
  const worker = testWorker(first.db, webhookEnv, { shutdownGraceMs: 50 })
  while (await undispatched(first.db)) await worker.dispatch()
  const stop = new AbortController()
  const running = worker.deliver(stop.signal)
  while (!receiver.received.length) await sleep(5)
  stop.abort()
  await running
  const rows = await rawRows(first.db, sql`select status, attempts, claim_token from webhook_messages`)
  t.same(rows, [{ status: 'pending', attempts: 0, claim_token: null }], 'released, no attempt counted')
  t.same(await rawRows(first.db, sql`select count(*)::int as n from webhook_attempts`), [{ n: 0 }])
  hold = false
  t.equal(await testWorker(second.db).deliver(), 1, 'another instance sends it')
  t.equal(receiver.received.length, 2, 'at least once: the receiver may see it twice')
})

// A dispatch writes its whole batch with one due time, so a claim that sorted the due messages
// read and sorted the backlog on every call. The plan a server keeps for the prepared claim (its
// generic plan) must walk the due index in claim order and stop at the limit.
t.test('a claim of 4 from a backlog of 2,000 reads 4 messages', { skip: !process.env.DATABASE_URL && 'plans: the server engine' }, async (t) => {
  await resetDatabase(first)
  await createWebhook(first.db, { url: 'http://127.0.0.1:9/', events: ['person.*'] }, { allowPrivate: true })
  await recordChanges(first, 2000, 2000)
  const worker = testWorker(first.db)
  while (await undispatched(first.db)) await worker.dispatch()
  await first.db.execute(sql`analyze webhook_messages`)
  const statement = claimStatement(4)
  const now = new Date(Date.now() + 60_000)
  const params = fillPlaceholders(statement.params, { now, token: randomUUID(), lease: new Date(now.getTime() + 60_000) })
  const read = await genericPlanRowsRead(first.db, { text: statement.text, params }, 'webhook_messages', ['e'])
  t.ok(read.length > 0, 'the plan scans the messages')
  t.ok(Math.max(...read) <= 8, `the scan of the due messages stops at the limit (read ${read.join(', ')})`)
})
