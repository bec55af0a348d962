import t from 'tap'
import { loadConfig } from '../src/config.js'
import { webhookWorker } from '../src/jobs/webhooks.js'
import { checkDestination, type Lookup, refusedRange } from '../src/resources/webhooks/webhooks.ssrf.js'
import { admin, buildTestApp, factories } from './helper.js'
import { flush, quiet, startReceiver } from './receiver.js'

// Private addresses are refused here (WEBHOOK_ALLOW_PRIVATE is not set). No request is ever
// sent to any of these addresses: registration only resolves and checks, and a refused delivery
// never connects.
const { app, database } = await buildTestApp(t, { env: { WEBHOOK_RETRY_SCHEDULE: '0' } })

/** One address of each refused range, and the name the refusal gives. */
const refused: [address: string, range: string][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['::1', 'loopback'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.1.1', 'link-local'],
  ['100.64.0.1', 'CGNAT'],
  ['100.127.255.254', 'CGNAT'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['0.0.0.0', 'unspecified'],
  ['::', 'unspecified'],
  ['fc00::1', 'IPv6 unique local'],
  ['fd12:3456::1', 'IPv6 unique local'],
  ['fe80::1', 'IPv6 link-local'],
  ['fec0::1', 'IPv6 site-local'],
  ['::ffff:127.0.0.1', 'IPv4-mapped'],
  ['::ffff:10.0.0.1', 'IPv4-mapped'],
  ['::ffff:8.8.8.8', 'IPv4-mapped'],
  ['::7f00:1', 'IPv4-compatible'],
  ['64:ff9b::a00:1', 'NAT64'],
  ['2002:7f00:1::', '6to4'],
  ['2001:0:4136:e378::1', 'Teredo'],
  ['169.254.169.254', 'cloud metadata'],
  ['169.254.170.2', 'cloud metadata'],
  ['100.100.100.200', 'cloud metadata'],
  ['192.0.0.192', 'cloud metadata'],
  ['fd00:ec2::254', 'cloud metadata'],
  ['192.0.0.1', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.1', 'documentation'],
  ['203.0.113.1', 'documentation'],
  ['2001:db8::1', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['100::1', 'discard'],
]
const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888']

const literal = (address: string) => (address.includes(':') ? `[${address}]` : address)

t.test('each refused range is named, and public addresses pass', async (t) => {
  for (const [address, range] of refused) t.equal(refusedRange(address), range, address)
  for (const address of allowed) t.equal(refusedRange(address), null, address)
  t.equal(refusedRange('example.org'), 'not an IP address')
})

t.test('POST /v1/webhooks to an address of each refused range is a 400 that names the range', async (t) => {
  for (const [address, range] of refused) {
    const url = `http://${literal(address)}:8080/hooks`
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url, events: ['*'] } })
    t.equal(res.statusCode, 400, url)
    t.match(res.json(), { errors: [{ path: 'url', message: new RegExp(`a ${range} address`) }] }, url)
  }
  for (const host of ['localhost', 'metadata.google.internal', 'metadata']) {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: `https://${host}/x`, events: ['*'] } })
    t.equal(res.statusCode, 400, host)
  }
  const patch = await app.inject({
    method: 'PATCH',
    url: '/v1/webhooks/01900000-0000-7000-8000-000000000000',
    headers: admin,
    payload: { url: 'http://10.0.0.1/' },
  })
  t.equal(patch.statusCode, 400, 'a PATCH is checked too')
})

t.test('a host name is refused when any address it resolves to is refused', async (t) => {
  const resolver = (answers: Record<string, string[]>): Lookup => async (host) => {
    const found = answers[host]
    if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
  const lookup = resolver({ 'cong.example': ['203.0.114.7'], 'mixed.example': ['203.0.114.7', '10.1.1.1'], 'v6.example': ['2606:4700::1', 'fe80::1'] })
  t.same(await checkDestination(new URL('https://cong.example/hook'), false, lookup), { address: '203.0.114.7', family: 4 })
  await t.rejects(checkDestination(new URL('https://mixed.example/'), false, lookup), /resolves to 10\.1\.1\.1, a private address/)
  await t.rejects(checkDestination(new URL('https://v6.example/'), false, lookup), /IPv6 link-local/)
  await t.rejects(checkDestination(new URL('https://nowhere.example/'), false, lookup), /does not resolve \(ENOTFOUND\)/)
  t.same(await checkDestination(new URL('https://mixed.example/'), true, lookup), { address: '203.0.114.7', family: 4 }, 'allowed by WEBHOOK_ALLOW_PRIVATE')
})

t.test('each delivery checks again and connects to the checked address: a name that rebinds to 127.0.0.1 gets nothing', async (t) => {
  const receiver = await startReceiver(t)
  const make = factories(app)
  let answer = '203.0.114.7'
  const lookup: Lookup = async () => [{ address: answer, family: 4 }]
  // Registered while the name resolves to a public address (checked with the same resolver).
  const { createWebhook } = await import('../src/resources/webhooks/webhooks.service.js')
  const webhook = await createWebhook(database.db, { url: `http://rebind.example:${receiver.port}/hooks`, events: ['person.created'] }, { allowPrivate: false, lookup })
  answer = '127.0.0.1'
  const worker = webhookWorker(database.db, { settings: loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0' }).webhooks, logger: quiet, lookup })
  await make.person()
  await flush(worker as never, database.db)
  t.equal(receiver.received.length, 0, 'no request reached 127.0.0.1')
  const log = (await app.inject({ url: `/v1/webhooks/${webhook.id}/deliveries`, headers: admin })).json().data
  t.match(log, [{ status: 'failed', attempts: [{ httpStatus: null, error: /refused: rebind\.example resolves to 127\.0\.0\.1, a loopback address/ }] }])
})
