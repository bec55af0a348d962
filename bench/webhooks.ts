/**
 * Webhook delivery, measured end to end: bantin as `npm run start:prod` runs it, on a PostgreSQL
 * database of its own (made anew each run), delivering to a receiver in this process on
 * 127.0.0.1 that checks every signature and records what arrives.
 *
 *   npm run bench:webhooks                         all four parts, about 2 minutes
 *   npm run bench:webhooks -- --events 2000 --latency-seconds 10
 *
 * 1. latency: 50 writes/s; the time from a write's answer (it has committed) to its event's
 *    arrival, p50 and p99.
 * 2. backlog: N events written while no instance delivers, then one starts: events/s, lost,
 *    duplicated, out of order per resource.
 * 3. outage: the receiver answers 503, then refuses connections, then comes back; with the
 *    retry schedule shortened, every event must still arrive, in order per resource.
 * 4. creation: POST /v1/articles with 8 writers for 10 s, without webhooks and with three
 *    webhooks subscribed to everything.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { Webhook } from 'standardwebhooks'
import { backendsCpu, backendsDelta, processCpuMs } from './cpu.js'
import { chooseLoadGenerator, runLoad } from './load.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const resultsDir = `${root}bench/results`
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    'latency-seconds': { type: 'string', default: '20' },
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string', default: 'latency,backlog,outage,creation' },
  },
})
const EVENTS = Math.max(100, Number(args.events))
const LATENCY_SECONDS = Math.max(2, Number(args['latency-seconds']))
const ADMIN = 'bench-admin-token-0123456789abcdef'
const PORT = 3110
const base = `http://127.0.0.1:${PORT}`
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = 'bantin_bench_webhooks'
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString()

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN
}

// ---- the receiver ------------------------------------------------------------------------------

interface Arrival {
  id: string
  type: string
  resource: string
  version: number
  at: number
}

type Mode = 'up' | '503'

function receiver() {
  const arrivals: Arrival[] = []
  const verifiers: Webhook[] = []
  let mode: Mode = 'up'
  let badSignatures = 0
  let server: Server | undefined
  let port = 0
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          if (mode === '503') return void res.writeHead(503).end('maintenance')
          const body = Buffer.concat(chunks).toString('utf8')
          const headers = req.headers as Record<string, string>
          if (verifiers.length && !verifiers.some((v) => { try { v.verify(body, headers); return true } catch { return false } })) badSignatures++
          const event = JSON.parse(body) as { type: string; data: { id: string; version: number } }
          arrivals.push({ id: headers['webhook-id']!, type: event.type, resource: event.data.id, version: event.data.version, at: performance.now() })
          res.writeHead(204).end()
        })
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port
        resolve()
      })
    })
  return {
    arrivals,
    listen,
    /** Stops listening: connections are refused. */
    close: () => new Promise<void>((resolve) => { server!.closeAllConnections(); server!.close(() => resolve()) }),
    url: () => `http://127.0.0.1:${port}/bantin`,
    trust: (secret: string) => verifiers.push(new Webhook(secret)),
    setMode: (m: Mode) => (mode = m),
    badSignatures: () => badSignatures,
  }
}
let badSignatures = 0
function retire(rx: ReturnType<typeof receiver>) {
  badSignatures += rx.badSignatures()
}

/** Lost, duplicated and out-of-order among the arrivals of `expected` events. */
function check(arrivals: Arrival[], expected: Map<string, number>) {
  const ids = new Set(arrivals.map((a) => a.id))
  const last = new Map<string, number>()
  let outOfOrder = 0
  for (const a of arrivals) {
    if ((last.get(a.resource) ?? 0) > a.version) outOfOrder++
    last.set(a.resource, a.version)
  }
  const received = [...expected].reduce((n, [resource, versions]) => n + Math.min(versions, arrivals.filter((a) => a.resource === resource).length), 0)
  const total = [...expected.values()].reduce((a, b) => a + b, 0)
  return { expected: total, arrived: arrivals.length, lost: total - received, duplicates: arrivals.length - ids.size, outOfOrder }
}

// ---- bantin ------------------------------------------------------------------------------------

let child: ChildProcess | undefined
const logFile = `${resultsDir}/logs/bantin-webhooks-${new Date().toISOString().replace(/[:.]/g, '-')}.log`

async function start(env: Record<string, string> = {}) {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }
  const words = pkg.scripts['start:prod']!.split(/\s+/)
  const log = openSync(logFile, 'a')
  child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), ...words.slice(1)], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(PORT),
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: ADMIN,
      SEED: 'never',
      RATE_LIMIT_MAX: '0',
      LOG_LEVEL: 'warn',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      ...env,
    },
    stdio: ['ignore', log, log],
  })
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`bantin exited at start: see ${logFile}`)
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return
    await sleep(100)
  }
  throw new Error('bantin did not start')
}

async function stop() {
  if (!child || child.exitCode !== null) return
  const exited = new Promise((r) => child!.once('exit', r))
  child.kill('SIGTERM')
  await exited
}
process.on('exit', () => child?.exitCode === null && child.kill('SIGKILL'))

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`)
  return res.status === 204 ? null : ((await res.json()) as { data: Record<string, string> })
}

async function register(url: string, events: string[]) {
  const created = await api('POST', '/v1/webhooks', { url, events })
  return created!.data
}

const untilArrived = async (arrivals: Arrival[], count: number, timeoutMs: number) => {
  for (const end = Date.now() + timeoutMs; arrivals.length < count && Date.now() < end; ) await sleep(20)
}

async function freshDatabase() {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  await client.query(`drop database if exists ${dbName} with (force)`)
  await client.query(`create database ${dbName}`)
  await client.end()
}

/** Writes `resources` articles and `updates` PATCHes of each, `writers` at a time: resources × (1 + updates) events. */
async function writeEvents(resources: number, updates: number, writers = 8) {
  const expected = new Map<string, number>()
  let next = 0
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < resources) {
        const n = next++
        const article = (await api('POST', '/v1/articles', { title: `Bench webhook ${n}`, body: [{ type: 'paragraph', text: 'Nội dung bài viết thử.' }] }))!.data
        for (let u = 0; u < updates; u++) await api('PATCH', `/v1/articles/${article.id}`, { title: `Bench webhook ${n} (${u + 1})` })
        expected.set(article.id!, 1 + updates)
      }
    }),
  )
  return expected
}

// ---- the parts ---------------------------------------------------------------------------------

async function latency(rx: ReturnType<typeof receiver>) {
  const hook = await register(rx.url(), ['article.created'])
  rx.trust(hook.secret!)
  const committed = new Map<string, number>()
  const total = LATENCY_SECONDS * 50
  const started = performance.now()
  const writes: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + i * 20
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    writes.push(
      api('POST', '/v1/articles', { title: `Độ trễ ${i}`, status: 'published' }).then((r) => void committed.set(r!.data.id!, performance.now())),
    )
  }
  await Promise.all(writes)
  const rate = total / ((performance.now() - started) / 1000)
  await untilArrived(rx.arrivals, total, 30_000)
  const delays = rx.arrivals.flatMap((a) => (committed.has(a.resource) ? [Math.max(0, a.at - committed.get(a.resource)!)] : []))
  await api('DELETE', `/v1/webhooks/${hook.id}`)
  return { writes: total, writesPerSec: Math.round(rate * 10) / 10, arrived: delays.length, p50ms: Math.round(percentile(delays, 50)), p99ms: Math.round(percentile(delays, 99)), maxMs: Math.round(Math.max(...delays)) }
}

async function backlog(rx: ReturnType<typeof receiver>) {
  await stop()
  await start({ WEBHOOK_DELIVERY: 'false' })
  const hook = await register(rx.url(), ['article.*'])
  rx.trust(hook.secret!)
  const expected = await writeEvents(EVENTS / 5, 4)
  await stop()
  const began = performance.now()
  await start()
  await untilArrived(rx.arrivals, EVENTS, 300_000)
  const last = Math.max(...rx.arrivals.map((a) => a.at))
  const seconds = (last - began) / 1000
  const result = { ...check(rx.arrivals, expected), seconds: Math.round(seconds * 10) / 10, eventsPerSec: Math.round(rx.arrivals.length / seconds), note: 'from the start of the delivering instance (its start-up included) to the last arrival' }
  await api('DELETE', `/v1/webhooks/${hook.id}`)
  return result
}

async function outage(rx: ReturnType<typeof receiver>) {
  await stop()
  await start({ WEBHOOK_RETRY_SCHEDULE: '0,500ms,1s,2s,2s,2s,2s,2s,2s,2s,2s,2s' })
  const hook = await register(rx.url(), ['article.*'])
  rx.trust(hook.secret!)
  rx.setMode('503')
  const writing = writeEvents(100, 4, 4)
  await sleep(5_000)
  await rx.close()
  await sleep(5_000)
  await writing
  await rx.listen()
  rx.setMode('up')
  const back = performance.now()
  await untilArrived(rx.arrivals, 500, 60_000)
  const result = { downSeconds: 10, ...check(rx.arrivals, await writing), secondsToCatchUp: Math.round((Math.max(...rx.arrivals.map((a) => a.at)) - back) / 100) / 10 }
  await api('DELETE', `/v1/webhooks/${hook.id}`)
  return result
}

/** CPU time bantin's process has used, user and system, in ms. */
const cpuMs = () => processCpuMs(child!.pid)
/** The application names of bantin's connections, whose backends' CPU counts as PostgreSQL's share. */
const BACKENDS = ['bantin', 'bantin-listen']

/**
 * The receiver verifies nothing here: its CPU would be taken from bantin's on the same cores. The
 * load comes from wrk (see load.ts), not from this process, which is busy receiving.
 */
let creations = 0
let loadGenerator: ReturnType<typeof chooseLoadGenerator> = 'wrk'
async function creation(rx: ReturnType<typeof receiver>, webhooks: number) {
  const run = ++creations
  const ids: string[] = []
  for (let i = 0; i < webhooks; i++) ids.push((await register(rx.url(), ['*'])).id!)
  const arrivedBefore = rx.arrivals.length
  const watcher = new pg.Client({ connectionString: databaseUrl })
  await watcher.connect()
  const cpuBefore = cpuMs()
  const backendsBefore = await backendsCpu(watcher, BACKENDS)
  const body = JSON.stringify({ body: Array.from({ length: 6 }, () => ({ type: 'paragraph', text: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức hội nghị triển khai phương hướng, nhiệm vụ năm 2024. '.repeat(8) })), status: 'draft', tags: ['bench'] }).slice(1)
  // Each run's titles are its own ({n} is numbered by run): a title taken by an earlier run would
  // make every create of this one look for a free slug, which is not what is measured here.
  const result = await runLoad(loadGenerator, {
    url: base,
    connections: 8,
    seconds: 10,
    countStatuses: true,
    runId: `r${run}`,
    requests: [{ method: 'POST', path: '/v1/articles', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: `{"title":"Tạo {n}",${body}` }],
  })
  // What the creates sent is delivered before the CPU is read: its cost is counted with them.
  const created = result.statuses?.['201'] ?? 0
  await untilArrived(rx.arrivals, arrivedBefore + created * webhooks, 60_000)
  const cpuPerCreate = Math.round(((cpuMs() - cpuBefore) / created) * 100) / 100
  const postgres = backendsDelta(backendsBefore, await backendsCpu(watcher, BACKENDS))
  await watcher.end()
  for (const id of ids) await api('DELETE', `/v1/webhooks/${id}`)
  return {
    webhooks,
    createsPerSec: Math.round(created / result.seconds),
    p50ms: result.latencyMs.p50,
    p99ms: result.latencyMs.p99,
    cpuMsPerCreate: cpuPerCreate,
    postgresCpuMsPerCreate: Math.round((postgres.ms / created) * 100) / 100,
    delivered: rx.arrivals.length - arrivedBefore,
    errors: result.errors.connect + result.errors.read + result.errors.write + result.errors.timeout + (result.requests - created),
    loadGenerator,
  }
}

async function main() {
  loadGenerator = chooseLoadGenerator()
  mkdirSync(`${resultsDir}/logs`, { recursive: true })
  if (!args['no-build']) spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
  await freshDatabase()
  const load = { before: loadavg().map((l) => Math.round(l * 10) / 10) }
  await start()
  const report: Record<string, unknown> = { startedAt: new Date().toISOString(), machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version }, events: EVENTS }

  const only = new Set(args.only.split(','))
  let rx = receiver()
  await rx.listen()
  if (only.has('latency')) {
    report.latency = await latency(rx)
    console.log('latency at 50 writes/s:', report.latency)
  }
  retire(rx)
  rx = receiver()
  await rx.listen()
  if (only.has('backlog')) {
    report.backlog = await backlog(rx)
    console.log(`backlog of ${EVENTS} events:`, report.backlog)
  }
  retire(rx)
  rx = receiver()
  await rx.listen()
  if (only.has('outage')) {
    report.outage = await outage(rx)
    console.log('receiver down (503, then refused) and back:', report.outage)
  }
  retire(rx)
  await stop()
  await start()
  rx = receiver()
  await rx.listen()
  if (only.has('creation')) {
    report.creation = [await creation(rx, 0), await creation(rx, 3), await creation(rx, 0), await creation(rx, 3)]
    console.log('creation, 8 writers, in alternation:', report.creation)
  }
  await stop()
  await rx.close()
  retire(rx)
  report.badSignatures = badSignatures
  console.log(`arrivals whose signature did not verify with standardwebhooks: ${badSignatures}`)
  report.load = { ...load, after: loadavg().map((l) => Math.round(l * 10) / 10) }
  console.log('load average (1, 5, 15 min) before and after:', report.load)
  const file = `${resultsDir}/webhooks-latest.json`
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`written: bench/results/webhooks-latest.json; server log ${logFile}`)
}

try {
  await main()
} finally {
  await stop()
}
