import { sql } from 'drizzle-orm'
import t from 'tap'
import { Webhook as Verifier } from 'standardwebhooks'
import { announceDuePublications } from '../../src/resources/articles/publications.js'
import { dispatchEvents } from '../../src/resources/webhooks/webhooks.dispatch.js'
import { admin, buildTestApp, countRows, factories, resetDatabase } from '../helper.js'
import { flush, startReceiver, testWorker, undispatched, webhookEnv } from '../receiver.js'

const { app, database } = await buildTestApp(t, { env: webhookEnv })
const make = factories(app)

const register = async (url: string, events: string[] = ['*'], extra: Record<string, unknown> = {}) => {
  const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url, events, ...extra } })
  if (res.statusCode !== 201) throw new Error(`POST /v1/webhooks answered ${res.statusCode}: ${res.body}`)
  return res.json().data as { id: string; secret: string }
}
const deliveries = async (id: string, query = '') => {
  const res = await app.inject({ url: `/v1/webhooks/${id}/deliveries${query}`, headers: admin })
  if (res.statusCode !== 200) throw new Error(`deliveries answered ${res.statusCode}: ${res.body}`)
  return res.json() as { data: { id: string; event: string; status: string; attempts: { httpStatus: number | null; error: string | null; responseBody: string | null; durationMs: number }[] }[]; meta: { nextCursor: string | null } }
}

t.beforeEach(() => resetDatabase(database))

/** Dispatches everything recorded so far, without delivering. */
async function dispatchAll(worker: ReturnType<typeof testWorker>) {
  while (await undispatched(database.db)) {
    await worker.dispatch()
    await new Promise((r) => setTimeout(r, 5))
  }
}

t.test('POST /v1/webhooks answers 201 with a whsec_ secret shown once; reads never show it', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: admin,
    payload: { url: 'http://127.0.0.1:9/hooks', events: ['article.published', 'media.*', 'article.published'], description: 'Cổng tỉnh' },
  })
  t.equal(res.statusCode, 201)
  const created = res.json().data
  t.equal(res.headers.location, `/v1/webhooks/${created.id}`)
  t.match(created, { url: 'http://127.0.0.1:9/hooks', events: ['article.published', 'media.*'], enabled: true, description: 'Cổng tỉnh', disabledReason: null })
  t.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/)
  t.ok(Buffer.from(created.secret.slice(6), 'base64').length >= 24, 'at least 24 random bytes')

  const one = await app.inject({ url: `/v1/webhooks/${created.id}`, headers: admin })
  t.equal(one.statusCode, 200)
  t.notOk('secret' in one.json().data)
  t.notMatch(one.body, created.secret.slice(6, 20))
  const list = await app.inject({ url: '/v1/webhooks', headers: admin })
  t.equal(list.json().data.length, 1)
  t.notMatch(list.body, created.secret.slice(6, 20))
})

t.test('POST /v1/webhooks with an unknown event, a bad URL or credentials in it is a 400 naming the field', async (t) => {
  const cases: [unknown, string][] = [
    [{ url: 'http://127.0.0.1:9/', events: ['article.exploded'] }, 'events.0'],
    [{ url: 'http://127.0.0.1:9/', events: [] }, 'events'],
    [{ url: 'ftp://127.0.0.1/', events: ['*'] }, 'url'],
    [{ url: 'http://user:pass@127.0.0.1:9/', events: ['*'] }, 'url'],
    [{ url: 'http://127.0.0.1:9/', events: ['*'], secret: 'plain' }, 'secret'],
    [{ url: 'http://127.0.0.1:9/', events: ['*'], colour: 'red' }, 'colour'],
  ]
  for (const [payload, path] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: payload as object })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `${JSON.stringify(payload)}: ${res.body}`)
  }
  t.equal(await countRows(database, 'webhooks'), 0)
})

t.test('PATCH changes a webhook, DELETE removes it with its log; unknown ids are 404', async (t) => {
  const { id } = await register('http://127.0.0.1:9/a')
  const res = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: admin, payload: { url: 'http://127.0.0.1:9/b', events: ['person.*'], description: '' } })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { url: 'http://127.0.0.1:9/b', events: ['person.*'], description: null })
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: admin, payload: { events: ['nope'] } })).statusCode, 400)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}`, headers: admin })).statusCode, 204)
  for (const [method, url] of [['GET', `/v1/webhooks/${id}`], ['DELETE', `/v1/webhooks/${id}`], ['POST', `/v1/webhooks/${id}/ping`], ['POST', `/v1/webhooks/${id}/rotate-secret`], ['GET', `/v1/webhooks/${id}/deliveries`]] as const) {
    t.equal((await app.inject({ method, url, headers: admin })).statusCode, 404, `${method} ${url}`)
  }
})

t.test('a published article reaches the receiver as article.created then article.published, signed per Standard Webhooks', async (t) => {
  const receiver = await startReceiver(t)
  const { id, secret } = await register(receiver.url)
  const worker = testWorker(database.db)
  const article = await make.article({ status: 'published', title: 'Hội nghị tổng kết công tác dân vận' })
  await flush(worker, database.db)
  t.same(receiver.types(), ['article.created', 'article.published'])
  const verifier = new Verifier(secret)
  for (const r of receiver.received) {
    t.doesNotThrow(() => verifier.verify(r.body, r.headers), 'the signature verifies with standardwebhooks')
    t.equal(r.headers['content-type'], 'application/json')
    t.match(r.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/)
    t.match(r.json, {
      timestamp: String,
      data: { type: 'article', id: article.id, op: 'upsert', slug: article.slug, version: 1, object: { id: article.id, title: 'Hội nghị tổng kết công tác dân vận', status: 'published' } },
    })
  }
  t.not(receiver.received[0]!.headers['webhook-id'], receiver.received[1]!.headers['webhook-id'], 'each event has its own id')
  t.throws(() => new Verifier(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(receiver.received[0]!.body, receiver.received[0]!.headers), 'another secret does not verify')

  const log = await deliveries(id)
  t.same(log.data.map((d) => [d.event, d.status]), [['article.published', 'succeeded'], ['article.created', 'succeeded']], 'newest first')
  t.match(log.data[0]!.attempts, [{ httpStatus: 204, error: null, durationMs: Number }])
  t.equal(log.data[0]!.id, receiver.received[1]!.headers['webhook-id'], 'the delivery id is the webhook-id')
  const one = await app.inject({ url: `/v1/webhooks/${id}/deliveries/${log.data[0]!.id}`, headers: admin })
  t.equal(one.json().data.payload.type, 'article.published')
})

t.test('a rejected write sends nothing; a webhook only gets the events it subscribes to, and only those after it was made', async (t) => {
  const before = await make.category({ name: 'Trước' })
  const receiver = await startReceiver(t)
  await register(receiver.url, ['category.*', 'media.deleted'])
  const worker = testWorker(database.db)
  const res = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'Trùng', slug: before.slug } })
  t.equal(res.statusCode, 409)
  await make.article({ status: 'published' })
  await make.person()
  const category = await make.category({ name: 'Sau' })
  await app.inject({ method: 'PATCH', url: `/v1/categories/${category.id}`, headers: admin, payload: { name: 'Sau nữa' } })
  await app.inject({ method: 'DELETE', url: `/v1/categories/${category.id}`, headers: admin })
  await flush(worker, database.db)
  t.same(receiver.types(), ['category.created', 'category.updated', 'category.deleted'])
  t.equal(receiver.received[2]!.json.data.object, null, 'a delete carries no object')
  t.equal(receiver.received[2]!.json.data.slug, 'sau', 'but its slug, for purging')
})

t.test('documents send document.created, .updated and .deleted, with the document as its GET answers it', async (t) => {
  const receiver = await startReceiver(t)
  await register(receiver.url, ['document.*'])
  const worker = testWorker(database.db)
  const doc = await make.document({ number: '1234/QĐ-UBND', kind: 'quyet-dinh' })
  await app.inject({ method: 'PATCH', url: `/v1/documents/${doc.id}`, headers: admin, payload: { field: 'Dân vận' } })
  // Events carry the state when they are made: the delete's comes after those are sent.
  await flush(worker, database.db)
  await app.inject({ method: 'DELETE', url: `/v1/documents/${doc.id}`, headers: admin })
  await flush(worker, database.db)
  t.same(receiver.types(), ['document.created', 'document.updated', 'document.deleted'])
  t.match(receiver.received[1]!.json.data, { type: 'document', id: doc.id, slug: 'quyet-dinh-1234-qd-ubnd', version: 2, object: { number: '1234/QĐ-UBND', field: 'Dân vận', inForce: true } })
  t.equal(receiver.received[2]!.json.data.object, null)
})

t.test('a scheduled article sends article.published when it comes due, with nothing written at that moment', async (t) => {
  const receiver = await startReceiver(t)
  await register(receiver.url, ['article.published'])
  const worker = testWorker(database.db)
  const at = new Date(Date.now() + 3_600_000)
  const article = await make.article({ status: 'published', publishedAt: at.toISOString() })
  await flush(worker, database.db)
  t.same(receiver.types(), [], 'nothing while it is scheduled')
  await announceDuePublications(database.db, new Date(at.getTime() - 1000))
  await flush(worker, database.db)
  t.same(receiver.types(), [])
  await announceDuePublications(database.db, new Date(at.getTime() + 15_000))
  await flush(worker, database.db)
  t.same(receiver.types(), ['article.published'])
  t.match(receiver.received[0]!.json, { timestamp: at.toISOString(), data: { id: article.id } })
})

t.test('a failing endpoint is retried on the schedule and each attempt is logged; the last failure marks it failed', async (t) => {
  let answers = [503, 500, 200]
  const receiver = await startReceiver(t, (_req, _r, res) => {
    res.writeHead(answers.shift() ?? 500, { 'content-type': 'text/plain' }).end('Bảo trì hệ thống')
  })
  const { id } = await register(receiver.url, ['person.created'])
  let now = new Date('2030-01-01T00:00:00Z')
  const worker = testWorker(database.db, webhookEnv, { clock: () => now, random: () => 1 })
  await make.person()
  await dispatchAll(worker)
  t.equal(await worker.deliver(), 1)
  t.equal(await worker.deliver(), 0, 'the next attempt is not due yet')
  let [delivery] = (await deliveries(id)).data
  t.match(delivery, { status: 'pending', attempts: [{ httpStatus: 503, responseBody: 'Bảo trì hệ thống' }] })
  t.equal((delivery as unknown as { nextAttemptAt: string }).nextAttemptAt, '2030-01-01T00:00:01.200Z', '1 s, with the most jitter (20 %)')
  now = new Date(now.getTime() + 1200)
  t.equal(await worker.deliver(), 1)
  now = new Date(now.getTime() + 2400)
  t.equal(await worker.deliver(), 1)
  ;[delivery] = (await deliveries(id)).data
  t.match(delivery, { status: 'succeeded', attempts: [{ httpStatus: 503 }, { httpStatus: 500 }, { httpStatus: 200 }] })
  t.equal(receiver.received.length, 3)
  t.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1, 'the same webhook-id on every attempt')

  answers = []
  await make.person({ name: 'Trần Văn Nam' })
  await dispatchAll(worker)
  for (let i = 0; i < 4; i++) {
    await worker.deliver()
    now = new Date(now.getTime() + 5000)
  }
  ;[delivery] = (await deliveries(id, '?status=failed')).data
  t.match(delivery, { status: 'failed', nextAttemptAt: null })
  t.equal(delivery!.attempts.length, 4, 'as many attempts as the schedule has entries')
  t.equal((await deliveries(id, '?status=succeeded')).data.length, 1)
})

t.test('per resource, a later event waits for the earlier one to succeed or fail for good; other resources pass', async (t) => {
  const blocked = new Set<string>()
  const receiver = await startReceiver(t, (_req, r, res) => {
    res.writeHead(blocked.has(String(r.json.data.id)) ? 503 : 200).end()
  })
  const { id } = await register(receiver.url, ['person.*'])
  let now = new Date('2030-01-01T00:00:00Z')
  const worker = testWorker(database.db, webhookEnv, { clock: () => now, random: () => 0 })
  const slow = await make.person({ name: 'Chậm' })
  blocked.add(slow.id)
  await app.inject({ method: 'PATCH', url: `/v1/people/${slow.id}`, headers: admin, payload: { title: 'Bí thư' } })
  const fast = await make.person({ name: 'Nhanh' })
  await app.inject({ method: 'PATCH', url: `/v1/people/${fast.id}`, headers: admin, payload: { title: 'Chủ tịch' } })
  await flush(worker, database.db)
  const seen = () => receiver.received.map((r) => `${r.json.data.id === slow.id ? 'slow' : 'fast'} ${r.json.type}`)
  t.same(seen(), ['slow person.created', 'fast person.created', 'fast person.updated'], 'the update of the failing one waits')
  blocked.delete(slow.id)
  now = new Date(now.getTime() + 1000)
  await worker.deliver()
  t.same(seen().slice(3), ['slow person.created', 'slow person.updated'], 'then both, in order')
  t.equal((await deliveries(id, '?status=succeeded')).data.length, 4)

  // An event that failed for good lets the next one go.
  blocked.add(slow.id)
  await app.inject({ method: 'PATCH', url: `/v1/people/${slow.id}`, headers: admin, payload: { title: 'Phó Bí thư' } })
  await dispatchAll(worker)
  for (let i = 0; i < 4; i++) {
    await worker.deliver()
    now = new Date(now.getTime() + 5000)
  }
  blocked.delete(slow.id)
  await app.inject({ method: 'PATCH', url: `/v1/people/${slow.id}`, headers: admin, payload: { title: 'Bí thư' } })
  await flush(worker, database.db)
  t.same((await deliveries(id)).data.slice(0, 2).map((d) => d.status), ['succeeded', 'failed'])
})

t.test('an endpoint failing for 5 days is disabled with a reason, gets nothing new, and PATCH enabled: true resumes it', async (t) => {
  let up = false
  const receiver = await startReceiver(t, (_req, _r, res) => void res.writeHead(up ? 200 : 502).end())
  const env = { ...webhookEnv, WEBHOOK_RETRY_SCHEDULE: '0,1d,1d,1d,1d,1d,1d,1d' }
  const { id } = await register(receiver.url, ['category.*'])
  let now = new Date('2030-01-01T00:00:00Z')
  const worker = testWorker(database.db, env, { clock: () => now, random: () => 0 })
  await make.category()
  await dispatchAll(worker)
  for (let day = 0; day <= 5; day++) {
    await worker.deliver()
    now = new Date(now.getTime() + 86_400_000)
  }
  const webhook = (await app.inject({ url: `/v1/webhooks/${id}`, headers: admin })).json().data
  t.match(webhook, { enabled: false, failingSince: /^(2029-12-31T23:59:59|2030-01-01T00:00:00.000Z)/, disabledReason: /failed \(5 days\).*HTTP 502.*PATCH enabled: true/ })
  t.equal(receiver.received.length, 6)
  await make.category({ name: 'Trong lúc tắt' })
  await flush(worker, database.db)
  t.equal(receiver.received.length, 6, 'nothing is sent while disabled')

  const ping = await app.inject({ method: 'POST', url: `/v1/webhooks/${id}/ping`, headers: admin })
  t.equal(ping.statusCode, 202)
  t.match(ping.json().data, { event: 'webhook.ping', status: 'pending' })
  up = true
  await worker.deliver()
  t.equal(receiver.types().at(-1), 'webhook.ping', 'a ping goes out even so')

  const res = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: admin, payload: { enabled: true } })
  t.match(res.json().data, { enabled: true, disabledReason: null, failingSince: null })
  await worker.deliver()
  t.same(receiver.types().slice(-1), ['category.created'], 'the delivery that was waiting goes out')
})

t.test('rotate-secret: both signatures for 24 hours, then only the new one', async (t) => {
  const receiver = await startReceiver(t)
  const { id, secret: old } = await register(receiver.url, ['person.*'])
  let now = new Date()
  const worker = testWorker(database.db, webhookEnv, { clock: () => now })
  const res = await app.inject({ method: 'POST', url: `/v1/webhooks/${id}/rotate-secret`, headers: admin })
  t.equal(res.statusCode, 200)
  const { secret: fresh, previousSecretExpiresAt } = res.json().data
  t.not(fresh, old)
  t.ok(Math.abs(new Date(previousSecretExpiresAt).getTime() - Date.now() - 86_400_000) < 60_000)
  await make.person()
  await flush(worker, database.db)
  const [during] = receiver.received
  t.equal(during!.headers['webhook-signature']!.split(' ').length, 2)
  t.doesNotThrow(() => new Verifier(old).verify(during!.body, during!.headers), 'the old secret verifies')
  t.doesNotThrow(() => new Verifier(fresh).verify(during!.body, during!.headers), 'the new secret verifies')
  now = new Date(Date.now() + 86_400_000 + 60_000)
  await make.person({ name: 'Sau 24 giờ' })
  await flush(worker, database.db)
  const after = receiver.received[1]!
  t.equal(after.headers['webhook-signature']!.split(' ').length, 1)
  t.throws(() => new Verifier(old).verify(after.body, after.headers))
  t.doesNotThrow(() => new Verifier(fresh).verify(after.body, after.headers))
})

t.test('POST …/deliveries/{id}/retry sends a failed delivery again now', async (t) => {
  let up = false
  const receiver = await startReceiver(t, (_req, _r, res) => void res.writeHead(up ? 200 : 500).end())
  const { id } = await register(receiver.url, ['person.*'], {})
  const worker = testWorker(database.db, { ...webhookEnv, WEBHOOK_RETRY_SCHEDULE: '0' })
  await make.person()
  await flush(worker, database.db)
  const [failed] = (await deliveries(id)).data
  t.equal(failed!.status, 'failed')
  up = true
  const res = await app.inject({ method: 'POST', url: `/v1/webhooks/${id}/deliveries/${failed!.id}/retry`, headers: admin })
  t.equal(res.statusCode, 202)
  t.equal(res.json().data.status, 'pending')
  await worker.deliver()
  const [done] = (await deliveries(id)).data
  t.match(done, { status: 'succeeded', attempts: [{ httpStatus: 500 }, { httpStatus: 200 }] })
  t.equal((await app.inject({ method: 'POST', url: `/v1/webhooks/${id}/deliveries/01900000-0000-7000-8000-000000000000/retry`, headers: admin })).statusCode, 404)
})

t.test('the delivery log pages newest first by cursor and filters by status', async (t) => {
  const receiver = await startReceiver(t)
  const { id } = await register(receiver.url, ['category.created'])
  const worker = testWorker(database.db)
  for (let i = 0; i < 5; i++) await make.category({ name: `Chuyên mục ${i}` })
  await flush(worker, database.db)
  const first = await deliveries(id, '?limit=2')
  t.equal(first.data.length, 2)
  const second = await deliveries(id, `?limit=2&cursor=${first.meta.nextCursor}`)
  const third = await deliveries(id, `?limit=2&cursor=${second.meta.nextCursor}`)
  t.equal(third.data.length, 1)
  t.equal(third.meta.nextCursor, null)
  const names = [...first.data, ...second.data, ...third.data].map((d) => receiver.received.find((r) => r.headers['webhook-id'] === d.id)!.json.data.slug)
  t.same(names, ['chuyen-muc-4', 'chuyen-muc-3', 'chuyen-muc-2', 'chuyen-muc-1', 'chuyen-muc-0'])
  t.equal((await deliveries(id, '?status=pending')).data.length, 0)
  t.equal((await app.inject({ url: `/v1/webhooks/${id}/deliveries?status=lost`, headers: admin })).statusCode, 400)
  t.equal((await app.inject({ url: `/v1/webhooks/${id}/deliveries?cursor=garbage`, headers: admin })).statusCode, 400)
})

t.test('no redirect is followed, a silent endpoint times out, and only the start of a large answer is read', async (t) => {
  let mode = 'redirect'
  const target = await startReceiver(t)
  const receiver = await startReceiver(t, (_req, _r, res) => {
    if (mode === 'redirect') res.writeHead(302, { location: target.url }).end()
    else if (mode === 'large') res.writeHead(200).end('x'.repeat(5_000_000))
    // silent: never answers
  })
  const { id } = await register(receiver.url, ['person.created'])
  const worker = testWorker(database.db, { ...webhookEnv, WEBHOOK_RETRY_SCHEDULE: '0', WEBHOOK_TIMEOUT: '300ms' })
  await make.person({ name: 'A' })
  await flush(worker, database.db)
  mode = 'silent'
  await make.person({ name: 'B' })
  await flush(worker, database.db)
  mode = 'large'
  await make.person({ name: 'C' })
  await flush(worker, database.db)
  const [large, silent, redirect] = (await deliveries(id)).data
  t.match(redirect!.attempts, [{ httpStatus: 302, error: /redirect.*not followed/ }])
  t.equal(redirect!.status, 'failed')
  t.equal(target.received.length, 0, 'the redirect target got nothing')
  t.match(silent!.attempts, [{ httpStatus: null, error: 'no answer within 300 ms' }])
  t.ok(silent!.attempts[0]!.durationMs >= 290 && silent!.attempts[0]!.durationMs < 2000)
  t.match(large, { status: 'succeeded', attempts: [{ httpStatus: 200 }] })
  t.equal(large!.attempts[0]!.responseBody!.length, 1024)
})

t.test('finished deliveries older than the retention are pruned; open ones are kept', async (t) => {
  const receiver = await startReceiver(t)
  const { id } = await register(receiver.url, ['person.created'])
  let now = new Date('2030-01-01T00:00:00Z')
  const worker = testWorker(database.db, { ...webhookEnv, WEBHOOK_LOG_RETENTION: '7d' }, { clock: () => now })
  await make.person()
  await flush(worker, database.db)
  receiver.respond((_req, _r, res) => void res.writeHead(500).end())
  await make.person({ name: 'Đang thử lại' })
  await flush(worker, database.db)
  now = new Date('2030-01-07T23:00:00Z')
  t.equal(await worker.prune(), 0)
  now = new Date('2030-01-08T01:00:00Z')
  t.equal(await worker.prune(), 1)
  t.same((await deliveries(id)).data.map((d) => d.status), ['pending'])
  t.equal(await countRows(database, 'webhook_attempts'), 1)
})

t.test('GET /metrics shows deliveries by outcome, attempts, queue depth and the age of the oldest undelivered event', async (t) => {
  const receiver = await startReceiver(t, (_req, _r, res) => void res.writeHead(500).end())
  await register(receiver.url, ['person.created'])
  const worker = testWorker(database.db)
  await make.person()
  await flush(worker, database.db)
  const text = (await app.inject('/metrics')).body
  t.match(text, /bantin_webhook_attempts_total\{outcome="failure"\} [1-9]/)
  t.match(text, /bantin_webhook_deliveries_total/)
  t.match(text, /bantin_webhook_queue_depth 1/)
  t.match(text, /bantin_webhook_oldest_undelivered_age_seconds \d/)
  t.match(text, /bantin_http_requests_total/)
})

t.test('the database notifies listeners when a write commits, never for one rolled back', async (t) => {
  const heard: string[] = []
  const stop = await database.listen(['bantin_changes'], (channel) => heard.push(channel))
  t.teardown(stop)
  await make.person()
  await app.inject({ method: 'POST', url: '/v1/people', headers: admin, payload: { name: 'X', photoId: '01900000-0000-7000-8000-000000000000' } })
  for (let i = 0; i < 50 && !heard.length; i++) await new Promise((r) => setTimeout(r, 10))
  await new Promise((r) => setTimeout(r, 50))
  t.same(heard, ['bantin_changes'])
})

t.test('events are made in commit order by transaction id as a number, none skipped past a digit boundary', async (t) => {
  await register('http://127.0.0.1:9/hooks')
  // From the start of the log (the dispatcher's position outlives resets: it is server state).
  await database.db.execute(sql`delete from system_state where key = 'webhooks'`)
  // Transaction ids 9 and 10 sort the other way round as text.
  const ids = ['00000000-0000-7000-8000-000000000009', '00000000-0000-7000-8000-000000000010', '00000000-0000-7000-8000-000000000011']
  await database.db.execute(sql`insert into changes (tx, type, resource_id, op, events, actor) values
    ('9'::xid8, 'article', ${ids[0]}, 'delete', array['article.deleted'], 'test'),
    ('10'::xid8, 'article', ${ids[1]}, 'delete', array['article.deleted'], 'test'),
    ('11'::xid8, 'article', ${ids[2]}, 'delete', array['article.deleted'], 'test')`)
  for (let i = 0; i < 4; i++) await dispatchEvents(database.db, { limit: 1 })
  const made = await database.db.execute(sql`select resource_id from webhook_messages order by seq`)
  t.same((made as unknown as { rows: { resource_id: string }[] }).rows.map((r) => r.resource_id), ids)
})
