/**
 * The bench's load generator: wrk (C, epoll; from Debian's packages, installed on first use when
 * missing), driven by a generated Lua script. autocannon is only the fallback when wrk cannot be
 * had: it is JavaScript on the same cores as the servers and caps a fast server well below what
 * it answers (the floor's detail at about 60 %), so its results are flagged.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { prng } from './generate.js'

export interface LoadRequest {
  method?: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  /**
   * Sent as it is, except that `{n}` becomes a number no other request of the run carries (the
   * titles of created articles must differ, or their slugs are taken).
   */
  body?: string
}

export interface LoadSpec {
  /** http://host:port */
  url: string
  /** Each request is one of these, picked at random; repeat an entry to weigh it. */
  requests: LoadRequest[]
  connections: number
  seconds: number
  /** Count answers by status (costs the generator a little per answer): for 304s and 201s. */
  countStatuses?: boolean
  /** A prefix for the `{n}` of bodies, unique to the run. */
  runId?: string
}

export interface LoadResult {
  tool: LoadGenerator
  requests: number
  seconds: number
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
  /** Answers with a status of 400 or more. */
  non2xx3xx: number
  errors: { connect: number; read: number; write: number; timeout: number }
  /** Only with countStatuses. */
  statuses?: Record<string, number>
  /** CPU the generator used over the run, user and system, in ms. */
  cpuMs: number
}

export type LoadGenerator = 'wrk' | 'autocannon (fallback)' | 'autocannon (asked for)'

const TIMEOUT_SECONDS = 10
/** wrk's own default: two event loops are far more than the loads here need. */
export const WRK_THREADS = 2

function hasWrk() {
  const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8' })
  return probe.error === undefined
}

/**
 * wrk if it is there or apt-get can install it, else autocannon (flagged). `preferred` set to
 * autocannon skips wrk on purpose, to compare the two.
 */
export function chooseLoadGenerator(preferred: 'wrk' | 'autocannon' = 'wrk'): LoadGenerator {
  if (preferred === 'autocannon') return 'autocannon (asked for)'
  if (hasWrk()) return 'wrk'
  console.log('wrk is missing: apt-get install -y wrk')
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'wrk'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  let result = install()
  // A fresh container has no package lists yet.
  if (result.status !== 0 && result.error === undefined) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit' })
    result = install()
  }
  if (hasWrk()) return 'wrk'
  console.log('wrk could not be installed: falling back to autocannon, which caps fast servers on a small machine; the results say so')
  return 'autocannon (fallback)'
}

export function runLoad(tool: LoadGenerator, spec: LoadSpec): Promise<LoadResult> {
  return tool === 'wrk' ? runWrk(spec) : runAutocannon(tool, spec)
}

// ---- wrk ---------------------------------------------------------------------------------------

/** A Lua string literal of any text (control characters as three-digit escapes, so a digit after one stays a digit). */
function luaString(text: string): string {
  return `"${text.replace(/[\\"\x00-\x1f\x7f]/g, (c) => (c === '\\' || c === '"' ? `\\${c}` : `\\${String(c.charCodeAt(0)).padStart(3, '0')}`))}"`
}

function luaRequest(r: LoadRequest): string {
  const headers = Object.entries(r.headers ?? {})
    .map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`)
    .join(', ')
  const body = r.body ?? null
  const split = body?.indexOf('{n}') ?? -1
  const parts =
    body === null ? 'body = nil' : split < 0 ? `body = ${luaString(body)}` : `prefix = ${luaString(body.slice(0, split))}, suffix = ${luaString(body.slice(split + 3))}`
  return `{ method = ${luaString(r.method ?? 'GET')}, path = ${luaString(r.path)}, headers = { ${headers} }, ${parts} }`
}

/**
 * The script: requests picked at random from the list (each thread seeded by its number, so a run
 * is repeatable), prebuilt unless their body numbers itself, and a done() that prints the
 * summary, the latency percentiles and wrk's own CPU time as one JSON line.
 */
export function wrkScript(spec: LoadSpec): string {
  return `
local requests = {
${spec.requests.map((r) => `  ${luaRequest(r)},`).join('\n')}
}
local runId = ${luaString(spec.runId ?? '')}
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("tid", count)
  threads[count] = thread
end

local built = {}
local n = 0
statuses = {}

function init(args)
  math.randomseed(tid * 7919)
  for i, r in ipairs(requests) do
    if r.prefix == nil then built[i] = wrk.format(r.method, r.path, r.headers, r.body) end
  end
end

function request()
  local i = math.random(#requests)
  local b = built[i]
  if b then return b end
  local r = requests[i]
  n = n + 1
  return wrk.format(r.method, r.path, r.headers, r.prefix .. runId .. "-" .. tid .. "-" .. n .. r.suffix)
end

${spec.countStatuses ? `function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end` : ''}

function done(summary, latency, requests)
  local stat = io.open("/proc/self/stat"):read("*a")
  local fields = {}
  for f in string.gmatch(string.match(stat, "%) (.*)"), "%S+") do fields[#fields + 1] = f end
  local sums = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s then for code, k in pairs(s) do sums[code] = (sums[code] or 0) + k end end
  end
  local byStatus = {}
  for code, k in pairs(sums) do byStatus[#byStatus + 1] = string.format('"%d":%d', code, k) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"durationUs":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"utime":%s,"stime":%s,"statuses":{%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout, fields[12], fields[13],
    table.concat(byStatus, ",")))
end
`
}

const clockTicks = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  return Number(result.stdout?.trim()) || 100
})()

interface WrkLine {
  requests: number
  durationUs: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
  connect: number
  read: number
  write: number
  status: number
  timeout: number
  utime: number
  stime: number
  statuses: Record<string, number>
}

async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bantin-bench-'))
  const script = join(dir, 'load.lua')
  writeFileSync(script, wrkScript(spec))
  const threads = Math.min(WRK_THREADS, spec.connections)
  const argv = ['-t', String(threads), '-c', String(spec.connections), '-d', `${spec.seconds}s`, '--timeout', `${TIMEOUT_SECONDS}s`, '-s', script, spec.url]
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', argv, { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.once('error', reject)
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk ${argv.join(' ')} exited with ${code}:\n${out}`))))
    })
    const line = output.split('\n').find((l) => l.startsWith('WRKJSON '))
    if (!line) throw new Error(`wrk printed no summary:\n${output}`)
    const raw = JSON.parse(line.slice('WRKJSON '.length)) as WrkLine
    const ms = (us: number) => Math.round(us / 10) / 100
    return {
      tool: 'wrk',
      requests: raw.requests,
      seconds: raw.durationUs / 1e6,
      latencyMs: { p50: ms(raw.p50), p90: ms(raw.p90), p99: ms(raw.p99), max: ms(raw.max), mean: ms(raw.mean) },
      non2xx3xx: raw.status,
      errors: { connect: raw.connect, read: raw.read, write: raw.write, timeout: raw.timeout },
      ...(spec.countStatuses && { statuses: raw.statuses }),
      cpuMs: ((Number(raw.utime) + Number(raw.stime)) * 1000) / clockTicks,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---- autocannon --------------------------------------------------------------------------------

async function runAutocannon(tool: LoadGenerator, spec: LoadSpec): Promise<LoadResult> {
  let n = 0
  // Seeded, as wrk's picks are: the same sequence each run.
  const rng = prng(7919)
  const pick = () => rng.pick(spec.requests)
  const cpuBefore = process.cpuUsage()
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: TIMEOUT_SECONDS,
    requests: [
      {
        setupRequest: (req) => {
          const r = pick()
          return {
            ...req,
            method: r.method ?? 'GET',
            path: r.path,
            headers: { ...req.headers, ...r.headers },
            ...(r.body !== undefined && { body: r.body.replace('{n}', `${spec.runId ?? ''}-${++n}`) }),
          }
        },
      },
    ],
  })
  const cpu = process.cpuUsage(cpuBefore)
  const statuses: Record<string, number> = {}
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (stat as { count: number }).count
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0)
  const failed = Object.entries(statuses).reduce((a, [code, count]) => a + (Number(code) >= 400 ? count : 0), 0)
  return {
    tool,
    requests: answered,
    seconds: spec.seconds,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    non2xx3xx: failed,
    errors: { connect: 0, read: result.errors - result.timeouts, write: 0, timeout: result.timeouts },
    ...(spec.countStatuses && { statuses }),
    cpuMs: (cpu.user + cpu.system) / 1000,
  }
}
