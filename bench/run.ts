/**
 * Loads bantin and the floor in alternation and reports bantin as a ratio to the floor measured
 * in the same run, so that a noisy machine moves both, with the CPU each request cost the server
 * and PostgreSQL. The load comes from wrk (see load.ts). Everything runs on 127.0.0.1.
 *
 *   npm run bench                                    all workloads, 3 rounds of 15 s
 *   npm run bench -- --quick                         1 round of 5 s
 *   npm run bench -- --check                         only compare the floor's answers with bantin's
 *   npm run bench -- --only list --rounds 1 --duration 5
 *   npm run bench -- --articles 100000               (generates that dataset first)
 *   npm run bench -- --profile                       bantin under --cpu-prof, profiles in bench/results/profiles
 *   npm run bench -- --only search-common,search-rare,search-typo
 *   npm run bench -- --only menu,documents --latest portal   results in bench/results/latest-portal.json, not latest.json
 *   npm run bench -- --only feed,sitemap --latest site        the RSS feed and the first articles sitemap
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { DEFAULT_DATABASE_URL, ensureDataset, prng } from './generate.js'
import { corpus } from './corpus.js'
import { backendsCpu, backendsDelta, cancelLeftovers, machineBusyMs, processCpuMs } from './cpu.js'
import { chooseLoadGenerator, type LoadGenerator, type LoadRequest, type LoadResult, runLoad, WRK_THREADS } from './load.js'
import { compareAnswers } from './same-json.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const resultsDir = `${root}bench/results`

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    quick: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    'load-generator': { type: 'string', default: 'wrk' },
    connections: { type: 'string', default: '32' },
    writers: { type: 'string', default: '8' },
    articles: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    'no-build': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
    /** Write the latest results to latest-<name>.json instead of latest.json (runs of some workloads). */
    latest: { type: 'string' },
  },
})

/** bantin starts as `npm run start:prod` does; its V8 flags go to the floor too, so both run alike. */
function productionStart(): { flags: string[]; script: string } {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }
  const words = (pkg.scripts['start:prod'] ?? 'node dist/server.js').trim().split(/\s+/)
  if (words[0] !== 'node') throw new Error('start:prod must be "node [flags] <script>" for the bench to run it')
  return { flags: words.slice(1, -1), script: words[words.length - 1]! }
}
const production = productionStart()

const rounds = Math.min(20, Math.max(1, Number(args.rounds ?? (args.quick ? 1 : 3))))
const duration = Math.min(120, Math.max(1, Number(args.duration ?? (args.quick ? 5 : 15))))
const warmup = Math.min(60, Math.max(0, Number(args.warmup ?? (args.quick ? 2 : 3))))
if (args['load-generator'] !== 'wrk' && args['load-generator'] !== 'autocannon') throw new Error('--load-generator is wrk or autocannon')
if (args.latest !== undefined && !/^[a-z0-9-]+$/.test(args.latest)) throw new Error('--latest is a plain name: latest-<name>.json')
const connections = Math.max(1, Number(args.connections))
const writers = Math.max(1, Number(args.writers))
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'
/** BENCH_PORT moves both servers (bantin on it, the floor on the next), so that two benches can run apart. */
const basePort = Number(process.env.BENCH_PORT ?? 3100)
const PORTS = { bantin: basePort, floor: basePort + 1 } as const
type ServerName = keyof typeof PORTS

const workloadNames = ['list', 'detail', 'related', 'revalidate', 'mixed', 'menu', 'documents', 'feed', 'sitemap', 'search-common', 'search-rare', 'search-typo', 'list100', 'sync', 'fullsync', 'create'] as const
type WorkloadName = (typeof workloadNames)[number]
const only = args.only ? (args.only.split(',') as WorkloadName[]) : [...workloadNames]
for (const name of only) if (!workloadNames.includes(name)) throw new Error(`unknown workload ${name}; one of ${workloadNames.join(', ')}`)

// ---- processes ---------------------------------------------------------------------------------

const children = new Map<ServerName, ChildProcess>()
const peakRss = new Map<ServerName, number>()
/** bantin's peak RSS while each workload loads it: pages of 100 articles take more than the rest. */
const peakRssByWorkload = new Map<WorkloadName, number>()
let loading: WorkloadName | null = null
let measuring = false

function stopAll() {
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM')
}
process.on('exit', stopAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAll()
    process.exit(130)
  })
}

function run(command: string, argv: string[]) {
  const result = spawnSync(command, argv, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed`)
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

async function start(name: ServerName, logFile: string) {
  const log = openSync(logFile, 'w')
  const env = {
    ...process.env,
    PORT: String(PORTS[name]),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '10',
    LOG_LEVEL: 'info',
    ADMIN_TOKEN,
    SEED: 'never',
    // The load comes from one address at rates no single client would send.
    RATE_LIMIT_MAX: '0',
    // Feeds and sitemaps link to the public site; the floor has none.
    SITE_URL: 'https://bench.example.gov.vn',
  }
  const script = name === 'bantin' ? production.script : 'bench/.build/floor/server.js'
  const nodeArgs = name === 'bantin' && args.profile ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}/profiles`] : []
  const flags = [...production.flags, ...args['node-flags'].split(/\s+/).filter(Boolean)]
  const child = spawn(process.execPath, [...flags, ...nodeArgs, script], { cwd: root, env, stdio: ['ignore', log, log] })
  children.set(name, child)
  child.once('exit', (code, signal) => {
    if (children.get(name) === child && measuring) console.error(`${name} exited (${code ?? signal}) during the run: see ${logFile}`)
  })
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} at start: see ${logFile}`)
    try {
      const res = await fetch(`http://127.0.0.1:${PORTS[name]}/health`)
      if (res.ok) return child
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`${name} did not answer /health within 15 s: see ${logFile}`)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The bench's own session, which reads pg_stat_activity; it never counts as a server's. */
const monitor = new pg.Client({ connectionString: databaseUrl, application_name: 'bantin-bench' })

/** Each server's PostgreSQL sessions, by the application_name its pool connects with. */
const applicationNames: Record<ServerName, string[]> = { bantin: ['bantin', 'bantin-listen'], floor: ['bantin-floor'] }

/**
 * Waits (at most 3 minutes) until the server's database sessions are idle. A load that outruns the
 * server (the floor's searches take seconds each) leaves queries running after wrk stops;
 * they must not run on into the next server's measurement.
 */
async function untilQuiet(server: ServerName) {
  for (let i = 0; i < 1800; i++) {
    const { rows } = await monitor.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name = any($1) and state = 'active'`,
      [applicationNames[server]],
    )
    if (rows[0]!.n === 0) return
    await sleep(100)
  }
}

function sampleRss() {
  if (!measuring) return
  for (const [name, child] of children) {
    const rss = child.pid ? procStatus(child.pid, 'VmRSS') : undefined
    if (rss !== undefined) peakRss.set(name, Math.max(peakRss.get(name) ?? 0, rss))
    if (rss !== undefined && name === 'bantin' && loading) peakRssByWorkload.set(loading, Math.max(peakRssByWorkload.get(loading) ?? 0, rss))
  }
}

// ---- workloads ---------------------------------------------------------------------------------

interface Fixture {
  /** Pages of 100 articles with their bodies: the feed's, and the same through the list. */
  syncPaths: string[]
  list100Paths: string[]
  categories: string[]
  slugs: string[]
  etags: Map<string, string>
  categoryId: string
  personIds: string[]
}

/** What a search results page asks for: the hits' titles and excerpts (bantin adds each one's highlight). */
const searchUrl = (q: string) => `/v1/articles?q=${encodeURIComponent(q)}&fields=id,slug,title,excerpt,publishedAt&limit=20`
const searches = {
  'search-common': { q: 'dân vận', description: 'a common phrase (about 3 % of articles), 20 best' },
  'search-rare': { q: 'lũ quét', description: 'a rare phrase (about 0.2 % of articles), 20 best' },
  'search-typo': { q: 'chuyen doii so', description: 'one typo, no diacritics ("chuyển đổi số"): the floor finds nothing' },
} as const

const listUrl = (category?: string) =>
  `/v1/articles?${category ? `category=${category}&` : ''}include=category,people&limit=20`
const detailUrl = (slug: string) => `/v1/articles/${slug}?include=category,people`
/** What a "Tin liên quan" box shows: titles, links and share images. */
const relatedUrl = (slug: string) => `/v1/articles/${slug}/related?fields=id,slug,title,excerpt,publishedAt,url,share`
/** The portal's header menu: 26 items over 3 levels, each link resolved (the dataset's, see generate.ts). */
const MENU_PATH = '/v1/menus/header'
/** The kinds the migration lists, which the dataset's 2,000 documents have. */
const documentKinds = ['quyet-dinh', 'nghi-quyet', 'chi-thi', 'ke-hoach', 'thong-bao', 'cong-van', 'bao-cao', 'to-trinh', 'huong-dan', 'quy-dinh', 'chuong-trinh', 'ket-luan']
const documentsUrl = (kind: string) => `/v1/documents?kind=${kind}&limit=20`

interface Workload {
  name: WorkloadName
  description: string
  servers: ServerName[]
  connections: number
  expect: number
  /** Count answers by status: where the expected one is not the only success (304, 201). */
  countStatuses?: boolean
  /** What the load generator picks from at random, per request. */
  requests: (fixture: Fixture) => LoadRequest[]
}

const gets = (paths: string[], headers: (path: string) => Record<string, string> = () => ({})): LoadRequest[] =>
  paths.map((path) => ({ path, headers: headers(path) }))

function mixedPaths(fixture: Fixture): string[] {
  const rng = prng(7)
  return Array.from({ length: 5000 }, () => {
    const r = rng.next()
    if (r < 0.6) return detailUrl(rng.pick(fixture.slugs))
    if (r < 0.9) return listUrl(rng.pick(fixture.categories))
    return listUrl()
  })
}

const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` }

/** The paths of the first 100 pages of 100 articles, by the feed and by the list. */
async function collectPages(fixture: Fixture) {
  const base = `http://127.0.0.1:${PORTS.bantin}`
  let cursor = ''
  for (let i = 0; i < 100; i++) {
    const path = `/v1/sync?types=article&limit=100${cursor && `&cursor=${cursor}`}`
    fixture.syncPaths.push(path)
    const page = (await (await fetch(base + path, { headers: asAdmin })).json()) as { meta: { nextCursor: string; hasMore: boolean } }
    cursor = page.meta.nextCursor
    if (!page.meta.hasMore) break
  }
  let next: string | null = null
  for (let i = 0; i < 100; i++) {
    const path: string = `/v1/articles?limit=100${next ? `&cursor=${next}` : ''}`
    fixture.list100Paths.push(path)
    next = ((await (await fetch(base + path, { headers: asAdmin })).json()) as { meta: { nextCursor: string | null } }).meta.nextCursor
    if (!next) break
  }
}

/** Follows the whole feed from the start, as an integrator's first sync does. */
async function fullSync(limit: number) {
  const base = `http://127.0.0.1:${PORTS.bantin}`
  const started = Date.now()
  let cursor = ''
  let entries = 0
  let pages = 0
  for (;;) {
    const res = await fetch(`${base}/v1/sync?limit=${limit}${cursor && `&cursor=${cursor}`}`, { headers: asAdmin })
    if (res.status !== 200) throw new Error(`full sync: page ${pages + 1} answered ${res.status}`)
    const page = (await res.json()) as { data: unknown[]; meta: { nextCursor: string; hasMore: boolean } }
    entries += page.data.length
    pages++
    cursor = page.meta.nextCursor
    if (!page.meta.hasMore) break
  }
  const seconds = (Date.now() - started) / 1000
  return { limit, entries, pages, seconds: Math.round(seconds * 10) / 10, entriesPerSec: Math.round(entries / seconds) }
}

/**
 * A realistic article to create: about 600 words in paragraphs, a category and two people. The
 * load generator numbers every title (`{n}`), so that each slug of a run is new.
 */
function creation(fixture: Fixture): LoadRequest[] {
  const paragraphs = [...corpus, ...corpus].slice(0, 6).map((text) => ({ type: 'paragraph', text }))
  const rest = JSON.stringify({
    summary: 'Bài viết tạo bởi bench: kiểm tra tốc độ ghi của API.',
    body: paragraphs,
    status: 'draft',
    categoryId: fixture.categoryId,
    tags: ['bench'],
    people: fixture.personIds.slice(0, 2).map((personId, n) => ({ personId, role: n === 0 ? 'author' : 'mentioned' })),
  }).slice(1)
  return [
    {
      method: 'POST',
      path: '/v1/articles',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: `{"title":"Bench write {n} bài viết thử nghiệm",${rest}`,
    },
  ]
}

const workloads: Workload[] = [
  {
    name: 'list',
    description: '20 newest published in a category (incl. sub-categories), include=category,people',
    servers: ['floor', 'bantin'],
    connections,
    expect: 200,
    requests: (f) => gets(f.categories.map((c) => listUrl(c))),
  },
  {
    name: 'detail',
    description: 'one article by slug, include=category,people',
    servers: ['floor', 'bantin'],
    connections,
    expect: 200,
    requests: (f) => gets(f.slugs.map(detailUrl)),
  },
  {
    name: 'related',
    description: 'GET /v1/articles/{slug}/related?fields=id,slug,title,excerpt,publishedAt,url,share: the 5 best of the articles sharing tags, people or the category, as a "Tin liên quan" box shows them (ratio to bantin detail)',
    servers: ['bantin'],
    connections,
    expect: 200,
    requests: (f) => gets(f.slugs.map(relatedUrl)),
  },
  {
    name: 'menu',
    description: `GET ${MENU_PATH}: 26 items over 3 levels linking pages, categories, articles and addresses, each resolved (two left out for anonymous callers)`,
    servers: ['floor', 'bantin'],
    connections,
    expect: 200,
    requests: () => gets([MENU_PATH]),
  },
  {
    name: 'documents',
    description: 'GET /v1/documents?kind=<kind>&limit=20: the 20 newest issued of a kind, over the twelve kinds (48–312 documents each)',
    servers: ['floor', 'bantin'],
    connections,
    expect: 200,
    requests: () => gets(documentKinds.map(documentsUrl)),
  },
  {
    name: 'feed',
    description: 'GET /feeds/articles.rss: the 50 newest published articles as RSS, each with its link, category and cover (bantin only)',
    servers: ['bantin'],
    connections,
    expect: 200,
    requests: () => gets(['/feeds/articles.rss']),
  },
  {
    name: 'sitemap',
    description: 'GET /sitemaps/articles.xml: the first articles sitemap, streamed (50,000 URLs from 50,000 articles on; bantin only)',
    servers: ['bantin'],
    // Each answer is megabytes: a few crawlers at once, not a crowd.
    connections: 4,
    expect: 200,
    requests: () => gets(['/sitemaps/articles.xml']),
  },
  {
    name: 'revalidate',
    description: 'list with If-None-Match of its ETag: 304 (ratio to bantin list)',
    servers: ['bantin'],
    connections,
    expect: 304,
    countStatuses: true,
    requests: (f) => gets(f.categories.map((c) => listUrl(c)), (path) => ({ 'if-none-match': f.etags.get(path)! })),
  },
  {
    name: 'mixed',
    description: '60 % detail, 30 % category list, 10 % front-page list',
    servers: ['floor', 'bantin'],
    connections,
    expect: 200,
    requests: (f) => gets(mixedPaths(f)),
  },
  ...(Object.entries(searches) as [WorkloadName, (typeof searches)[keyof typeof searches]][]).map(
    ([name, { q, description }]): Workload => ({
      name,
      description: `GET ${searchUrl(q)}: ${description}; the floor: ILIKE over title and body, 20 newest`,
      servers: ['floor', 'bantin'],
      connections,
      expect: 200,
      requests: () => gets([searchUrl(q)]),
    }),
  ),
  {
    name: 'list100',
    description: 'GET /v1/articles?limit=100 with a token: 100 articles with bodies, over 100 keyset pages',
    servers: ['bantin'],
    connections,
    expect: 200,
    requests: (f) => gets(f.list100Paths, () => asAdmin),
  },
  {
    name: 'sync',
    description: 'GET /v1/sync?types=article&limit=100: 100 articles with bodies, over 100 pages (ratio to list100)',
    servers: ['bantin'],
    connections,
    expect: 200,
    requests: (f) => gets(f.syncPaths, () => asAdmin),
  },
  {
    name: 'create',
    description: `POST /v1/articles, ~600 words, admin token, ${writers} writers`,
    servers: ['bantin'],
    connections: writers,
    expect: 201,
    countStatuses: true,
    requests: creation,
  },
]

const RUN_ID = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)

interface Sample {
  reqPerSec: number
  p50: number
  p90: number
  p99: number
  max: number
  requests: number
  /** Connections refused or broken, and requests that timed out (10 s). */
  errors: number
  errorsByKind: LoadResult['errors']
  /** Answers of 400 or more. */
  non2xx3xx: number
  /** Answers with another status than the one expected (or, without counting them, of 400 or more). */
  unexpected: number
  /** The server's own CPU per answered request: steadier than req/s when other work shares the machine. */
  cpuMsPerReq: number
  /** The CPU of the PostgreSQL backends serving the server's connections, per answered request. */
  postgresCpuMsPerReq: number
  /** Backends that ended during the round: their last CPU is missing from postgresCpuMsPerReq. */
  postgresBackendsLost: number
  /** Queries still running when the load ended (requests the generator gave up on), cancelled. */
  leftoverQueries: number
  /** The load generator's CPU as a share of all cores over the round. */
  loadgenCpuShare: number
  /** CPU the machine spent on anything else than the generator, the server and its backends. */
  otherCpuShare: number
  statuses?: Record<string, number>
}

let loadGenerator: LoadGenerator = 'wrk'
/** Every load of a run numbers its created titles afresh: this keeps them apart. */
let loads = 0

async function load(server: ServerName, workload: Workload, fixture: Fixture, seconds: number): Promise<Sample> {
  const pid = children.get(server)?.pid
  const cores = cpus().length
  const requests = workload.requests(fixture)
  const backendsBefore = await backendsCpu(monitor, applicationNames[server])
  const serverBefore = processCpuMs(pid)
  const machineBefore = machineBusyMs()
  const started = performance.now()
  const result = await runLoad(loadGenerator, {
    url: `http://127.0.0.1:${PORTS[server]}`,
    requests,
    connections: workload.connections,
    seconds,
    countStatuses: workload.countStatuses ?? false,
    runId: `${RUN_ID}-${++loads}`,
  })
  const wallMs = performance.now() - started
  const serverMs = processCpuMs(pid) - serverBefore
  const machineMs = machineBusyMs() - machineBefore
  const postgres = backendsDelta(backendsBefore, await backendsCpu(monitor, applicationNames[server]))
  const cancelled = await cancelLeftovers(monitor, applicationNames[server])
  const answered = result.requests
  const perRequest = (ms: number) => Math.round((ms / Math.max(answered, 1)) * 1000) / 1000
  const share = (ms: number) => Math.round((ms / (cores * wallMs)) * 1000) / 1000
  const expected = result.statuses ? (result.statuses[String(workload.expect)] ?? 0) : answered - result.non2xx3xx
  return {
    reqPerSec: answered / result.seconds,
    p50: result.latencyMs.p50,
    p90: result.latencyMs.p90,
    p99: result.latencyMs.p99,
    max: result.latencyMs.max,
    requests: answered,
    errors: result.errors.connect + result.errors.read + result.errors.write + result.errors.timeout,
    errorsByKind: result.errors,
    non2xx3xx: result.non2xx3xx,
    unexpected: answered - expected,
    cpuMsPerReq: perRequest(serverMs),
    postgresCpuMsPerReq: perRequest(postgres.ms),
    postgresBackendsLost: postgres.lost,
    leftoverQueries: cancelled,
    loadgenCpuShare: share(result.cpuMs),
    otherCpuShare: share(Math.max(0, machineMs - result.cpuMs - serverMs - postgres.ms)),
    ...(result.statuses && { statuses: result.statuses }),
  }
}

const roundMs = (ms: number) => Math.round(ms * 100) / 100
const roundRate = (perSec: number) => (perSec < 10 ? Math.round(perSec * 100) / 100 : Math.round(perSec))

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// ---- the run -----------------------------------------------------------------------------------

async function fixtureFrom(url: string): Promise<Fixture> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const categories = (await client.query<{ slug: string }>('select slug from categories order by position, slug')).rows.map((r) => r.slug)
    const slugs = (
      await client.query<{ slug: string }>(
        `select slug from articles where deleted_at is null and status = 'published' and published_at <= now()
          order by md5(slug) limit 1000`,
      )
    ).rows.map((r) => r.slug)
    const [category] = (await client.query<{ id: string }>('select id from categories order by slug limit 1')).rows
    const personIds = (await client.query<{ id: string }>('select id from people order by slug limit 2')).rows.map((r) => r.id)
    return { categories, slugs, etags: new Map(), categoryId: category!.id, personIds, syncPaths: [], list100Paths: [] }
  } finally {
    await client.end()
  }
}

/** Articles the create workload made are removed before and after, so reads always see the same data. */
async function removeWrites(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rowCount } = await client.query(`delete from articles where slug like 'bench-write-%'`)
    // Their change records too, so that the feed the sync workloads read stays the same.
    const changes = await client.query(`delete from changes where slug like 'bench-write-%'`)
    if (rowCount || changes.rowCount) await client.query('vacuum analyze articles, article_people, article_search, changes')
  } finally {
    await client.end()
  }
}

/**
 * With autovacuum off nothing else keeps the planner's statistics: without them a reused dataset
 * (or one a create workload changed) is planned blind.
 */
async function analyze() {
  await monitor.query('analyze')
}

/** What both servers answer: details, every category's list, the front page and the header menu (not searches, which differ on purpose). */
function checkPaths(fixture: Fixture): string[] {
  return [...fixture.slugs.slice(0, 20).map(detailUrl), ...fixture.categories.map((c) => listUrl(c)), listUrl(), MENU_PATH, ...documentKinds.map(documentsUrl)]
}

async function checkFloor(fixture: Fixture) {
  const report = await compareAnswers(`http://127.0.0.1:${PORTS.bantin}`, `http://127.0.0.1:${PORTS.floor}`, checkPaths(fixture))
  if (report.differing.length === 0) {
    console.log(`same JSON: the floor answers ${report.checked} of ${report.checked} sample paths as bantin does`)
  } else {
    console.log(`the floor's JSON differs from bantin's on ${report.differing.length} of ${report.checked} sample paths:`)
    for (const { path, differences } of report.differing.slice(0, 5)) console.log(`  GET ${path}\n${differences.map((d) => `    ${d}`).join('\n')}`)
  }
  return report
}

async function collectEtags(fixture: Fixture): Promise<string | null> {
  for (const category of fixture.categories) {
    const path = listUrl(category)
    const res = await fetch(`http://127.0.0.1:${PORTS.bantin}${path}`)
    await res.arrayBuffer()
    const etag = res.headers.get('etag')
    if (!etag) return `bantin sent no ETag for GET ${path}`
    fixture.etags.set(path, etag)
    const again = await fetch(`http://127.0.0.1:${PORTS.bantin}${path}`, { headers: { 'if-none-match': etag } })
    await again.arrayBuffer()
    if (again.status !== 304) return `GET ${path} with If-None-Match of its own ETag answered ${again.status}, not 304`
  }
  return null
}

function machine() {
  const cpuList = cpus()
  let postgres = ''
  const version = spawnSync('psql', [databaseUrl, '-tAc', 'show server_version'], { encoding: 'utf8' })
  if (version.status === 0) postgres = version.stdout.trim()
  return {
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres,
  }
}

const mb = (bytes: number | undefined) => (bytes === undefined ? null : Math.round(bytes / 2 ** 20))
const pct = (share: number) => `${(share * 100).toFixed(1)} %`
const fmt = (n: number | null | undefined, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits))

async function main() {
  const startedAt = new Date()
  mkdirSync(`${resultsDir}/logs`, { recursive: true })
  await ensureDataset({ url: databaseUrl, articles: Number(args.articles), seed: Number(args.seed) })
  await removeWrites(databaseUrl)
  await monitor.connect()
  await analyze()
  loadGenerator = args.check ? 'wrk' : chooseLoadGenerator(args['load-generator'] as 'wrk' | 'autocannon')
  if (!args['no-build']) {
    run('npm', ['run', '--silent', 'build'])
    run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.floor.json'])
  }

  const fixture = await fixtureFrom(databaseUrl)
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-')
  const logs = { bantin: `${resultsDir}/logs/bantin-${stamp}.log`, floor: `${resultsDir}/logs/floor-${stamp}.log` }
  const selected = workloads.filter((w) => only.includes(w.name))
  const needsFloor = args.check || selected.some((w) => w.servers.includes('floor'))
  await start('bantin', logs.bantin)
  if (needsFloor) await start('floor', logs.floor)
  const sameJson = needsFloor ? await checkFloor(fixture) : null
  if (args.check) {
    process.exitCode = sameJson!.differing.length ? 1 : 0
    return
  }
  if (sameJson?.differing.length) throw new Error('the floor does not answer what bantin answers: its figures would compare different work (see above)')

  const skipped = new Map<WorkloadName, string>()
  if (only.includes('revalidate')) {
    const problem = await collectEtags(fixture)
    if (problem) {
      skipped.set('revalidate', problem)
      console.log(`revalidate: skipped: ${problem}`)
    }
  }
  if (only.includes('sync') || only.includes('list100')) await collectPages(fixture)
  const active = selected.filter((w) => !skipped.has(w.name) && w.name !== 'fullsync')

  const poll = setInterval(sampleRss, 200)
  measuring = true
  if (warmup > 0) {
    for (const w of active.filter((w) => w.name !== 'create')) {
      for (const server of w.servers) {
        console.log(`warm-up: ${w.name} on ${server}, ${warmup} s`)
        await load(server, w, fixture, warmup)
        await untilQuiet(server)
      }
    }
  }

  const samples = new Map<string, Sample[]>()
  for (let round = 1; round <= rounds; round++) {
    for (const w of active) {
      // Alternate who goes first, so that neither always meets the machine warmer or busier.
      const order = round % 2 ? w.servers : [...w.servers].reverse()
      for (const server of order) {
        loading = server === 'bantin' ? w.name : null
        const sample = await load(server, w, fixture, duration)
        loading = null
        const key = `${w.name}/${server}`
        samples.set(key, [...(samples.get(key) ?? []), sample])
        console.log(
          `round ${round}/${rounds} ${w.name.padEnd(10)} ${server.padEnd(6)} ${fmt(sample.reqPerSec).padStart(7)} req/s  p50 ${sample.p50} ms  p99 ${sample.p99} ms  ` +
            `cpu/req server ${sample.cpuMsPerReq} ms, PostgreSQL ${sample.postgresCpuMsPerReq} ms${sample.postgresBackendsLost ? ` (${sample.postgresBackendsLost} backends ended)` : ''}  ` +
            `cpu share ${loadGenerator.split(' ')[0]} ${pct(sample.loadgenCpuShare)}, other ${pct(sample.otherCpuShare)}  errors ${sample.errors}  unexpected ${sample.unexpected}${sample.leftoverQueries ? `  cancelled ${sample.leftoverQueries} queries left running` : ''}`,
        )
        await untilQuiet(server)
        await sleep(500)
      }
    }
  }
  const full = only.includes('fullsync') ? await fullSync(1000) : null
  if (full) console.log(`full sync: ${full.entries} entries in ${full.pages} pages of ${full.limit}, ${full.seconds} s, ${full.entriesPerSec} entries/s`)
  measuring = false
  clearInterval(poll)

  const hwm = new Map<ServerName, number | undefined>()
  for (const [name, child] of children) if (child.pid) hwm.set(name, procStatus(child.pid, 'VmHWM'))
  stopAll()
  await Promise.all([...children.values()].map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)))
  if (only.includes('create')) await removeWrites(databaseUrl)

  const summarize = (key: string) => {
    const list = samples.get(key)
    if (!list) return undefined
    const med = (pick: (s: Sample) => number) => median(list.map(pick))
    return {
      // The floor's searches run at a few a second: keep their decimals, or the ratio is rounding.
      reqPerSec: roundRate(med((s) => s.reqPerSec)),
      // The median of two rounds is their mean: keep it to wrk's two decimals.
      p50: roundMs(med((s) => s.p50)),
      p90: roundMs(med((s) => s.p90)),
      p99: roundMs(med((s) => s.p99)),
      max: Math.max(...list.map((s) => s.max)),
      cpuMsPerReq: med((s) => s.cpuMsPerReq),
      postgresCpuMsPerReq: med((s) => s.postgresCpuMsPerReq),
      loadgenCpuShare: med((s) => s.loadgenCpuShare),
      otherCpuShare: med((s) => s.otherCpuShare),
      errors: list.reduce((a, s) => a + s.errors, 0),
      errorsByKind: list.reduce(
        (a, s) => ({ connect: a.connect + s.errorsByKind.connect, read: a.read + s.errorsByKind.read, write: a.write + s.errorsByKind.write, timeout: a.timeout + s.errorsByKind.timeout }),
        { connect: 0, read: 0, write: 0, timeout: 0 },
      ),
      non2xx3xx: list.reduce((a, s) => a + s.non2xx3xx, 0),
      unexpected: list.reduce((a, s) => a + s.unexpected, 0),
      postgresBackendsLost: list.reduce((a, s) => a + s.postgresBackendsLost, 0),
      ...(list[0]!.statuses && {
        statuses: list.reduce<Record<string, number>>((acc, s) => {
          for (const [k, v] of Object.entries(s.statuses ?? {})) acc[k] = (acc[k] ?? 0) + v
          return acc
        }, {}),
      }),
      rounds: list.map(({ statuses: _, ...sample }) => ({ ...sample, reqPerSec: roundRate(sample.reqPerSec) })),
    }
  }

  const results: Record<string, unknown> = {}
  const rows: string[][] = []
  /** Workloads measured against another of bantin's rather than the floor. */
  const baselines: Partial<Record<WorkloadName, WorkloadName>> = { revalidate: 'list', sync: 'list100', related: 'detail' }
  for (const w of selected) {
    if (skipped.has(w.name)) {
      results[w.name] = { description: w.description, skipped: skipped.get(w.name) }
      rows.push([w.name, '–', '–', '–', '–', '–', '–', '–', '–', '–', '–', '–', `skipped: ${skipped.get(w.name)}`])
      continue
    }
    const floor = summarize(`${w.name}/floor`)
    const bantin = summarize(`${w.name}/bantin`)!
    const baseline = baselines[w.name]
    const base = baseline ? summarize(`${baseline}/bantin`) : floor
    // A floor that answered nothing in the time (its searches at 100,000 articles) has no ratio.
    const answered = floor && floor.reqPerSec > 0 ? floor : null
    const ratio = {
      reqPerSec: base && base.reqPerSec > 0 ? Math.round((bantin.reqPerSec / base.reqPerSec) * 100) / 100 : null,
      p99: answered ? Math.round((bantin.p99 / Math.max(answered.p99, 1)) * 100) / 100 : null,
      cpuMsPerReq: floor ? Math.round((bantin.cpuMsPerReq / floor.cpuMsPerReq) * 100) / 100 : null,
      postgresCpuMsPerReq: floor ? Math.round((bantin.postgresCpuMsPerReq / floor.postgresCpuMsPerReq) * 100) / 100 : null,
    }
    const peakRssMB = mb(peakRssByWorkload.get(w.name))
    results[w.name] = { description: w.description, connections: w.connections, expect: w.expect, floor, bantin, ratio, peakRssMB }
    rows.push([
      w.name,
      fmt(floor?.reqPerSec, floor && floor.reqPerSec < 10 ? 2 : 0),
      fmt(bantin.reqPerSec),
      ratio.reqPerSec === null ? (floor && !answered ? '– (floor: none)' : '–') : `${ratio.reqPerSec.toFixed(2)}${baseline ? ` × ${baseline}` : ''}`,
      floor ? `${floor.p50}/${floor.p99}` : '–',
      `${bantin.p50}/${bantin.p99}`,
      fmt(ratio.p99, 2),
      floor ? `${floor.cpuMsPerReq.toFixed(2)}/${bantin.cpuMsPerReq.toFixed(2)}` : bantin.cpuMsPerReq.toFixed(2),
      floor ? `${floor.postgresCpuMsPerReq.toFixed(2)}/${bantin.postgresCpuMsPerReq.toFixed(2)}` : bantin.postgresCpuMsPerReq.toFixed(2),
      floor ? `${pct(floor.loadgenCpuShare)}/${pct(bantin.loadgenCpuShare)}` : pct(bantin.loadgenCpuShare),
      String(bantin.errors + bantin.unexpected + (floor ? floor.errors + floor.unexpected : 0)),
      fmt(peakRssMB),
      '',
    ])
  }

  // The full sync is one client following the feed, not a load: it has no workload entry.
  if (full) {
    results.fullsync = { description: 'the whole feed from the start, limit=1000', ...full }
    rows.push(['fullsync', '–', `${full.entriesPerSec} entries/s`, '–', '–', '–', '–', '–', '–', '–', '0', '–', `${full.entries} entries in ${full.seconds} s`])
  }

  const rss = {
    bantin: { peakUnderLoadMB: mb(peakRss.get('bantin')), hwmMB: mb(hwm.get('bantin')) },
    floor: needsFloor ? { peakUnderLoadMB: mb(peakRss.get('floor')), hwmMB: mb(hwm.get('floor')) } : null,
  }
  const r = results as Record<string, { ratio?: { reqPerSec: number | null; p99: number | null }; bantin?: { reqPerSec: number; errors: number; unexpected: number } }>
  const check = (value: number | null | undefined, ok: (v: number) => boolean) => (value === null || value === undefined ? null : ok(value))
  const targets = {
    'list ≥ 0.8 × floor': check(r.list?.ratio?.reqPerSec, (v) => v >= 0.8),
    'detail ≥ 0.7 × floor': check(r.detail?.ratio?.reqPerSec, (v) => v >= 0.7),
    'menu ≥ 0.8 × floor': check(r.menu?.ratio?.reqPerSec, (v) => v >= 0.8),
    'document list ≥ 0.8 × floor': check(r.documents?.ratio?.reqPerSec, (v) => v >= 0.8),
    'p99 ≤ 2 × floor p99': selected.some((w) => r[w.name]?.ratio?.p99 != null)
      ? selected.every((w) => { const v = r[w.name]?.ratio?.p99; return v === null || v === undefined || v <= 2 })
      : null,
    'related ≥ 0.5 × a detail read': check(r.related?.ratio?.reqPerSec, (v) => v >= 0.5),
    '304 revalidation ≥ 5 × list': check(r.revalidate?.ratio?.reqPerSec, (v) => v >= 5),
    'a sync page costs ≤ 1.2 × a list page of 100': check(r.sync?.ratio?.reqPerSec, (v) => 1 / v <= 1.2),
    'create ≥ 300/s with 8 writers': check(r.create?.bantin?.reqPerSec, (v) => v >= 300),
    'search, common phrase ≥ 5 × floor': check(r['search-common']?.ratio?.reqPerSec, (v) => v >= 5),
    'search, rare phrase ≥ 100 × floor': check(r['search-rare']?.ratio?.reqPerSec, (v) => v >= 100),
    'search, common phrase p99 < 100 ms': check((r['search-common']?.bantin as { p99?: number } | undefined)?.p99, (v) => v < 100),
    'peak RSS ≤ 150 MB': check(rss.bantin.peakUnderLoadMB, (v) => v <= 150),
    'zero errors': Object.values(r).every((w) => !w.bantin || (w.bantin.errors === 0 && w.bantin.unexpected === 0)),
  }

  const report = {
    startedAt: startedAt.toISOString(),
    machine: machine(),
    dataset: { articles: Number(args.articles), seed: Number(args.seed), categories: fixture.categories.length, pages: 30, menu: 'header, 26 items over 3 levels', documents: 2000, covers: 'none: media is not in the schema yet' },
    settings: {
      rounds,
      durationSeconds: duration,
      warmupSeconds: warmup,
      connections,
      writers,
      loadGenerator,
      ...(loadGenerator === 'wrk' && { wrkThreads: WRK_THREADS }),
      bantin: `node ${[...production.flags, args['node-flags']].filter(Boolean).join(' ')} ${production.script}, LOG_LEVEL=info to a file, pool 10`,
      floor: 'Fastify 5 + pg, one named prepared statement per request in which PostgreSQL builds the JSON (sent on as base64 of its bytes), the same node flags, pool 10',
      cpu: 'per answered request, from /proc: the server process; PostgreSQL backends by application_name. Shares are of all cores over the round.',
    },
    sameJson,
    workloads: results,
    rss,
    targets,
  }

  const loadgen = loadGenerator.split(' ')[0]
  const header = ['workload', 'floor req/s', 'bantin req/s', 'ratio', 'floor p50/p99 ms', 'bantin p50/p99 ms', 'p99 ratio', 'server ms/req floor/bantin', 'PostgreSQL ms/req floor/bantin', `${loadgen} CPU floor/bantin`, 'errors', 'bantin RSS MB', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
  console.log(`\n${report.machine.cores} cores, ${report.machine.cpu}, node ${report.machine.node}, PostgreSQL ${report.machine.postgres}; ${args.articles} articles; medians of ${rounds} × ${duration} s; load by ${loadGenerator}, ${connections} connections`)
  if (loadGenerator !== 'wrk') console.log(`${loadGenerator.toUpperCase()}: JavaScript on the servers' cores, it caps fast servers: ratios are too kind to bantin`)
  console.log(line(header))
  for (const row of rows) console.log(line(row))
  console.log(`peak RSS under load: bantin ${fmt(rss.bantin.peakUnderLoadMB)} MB${rss.floor ? `, floor ${fmt(rss.floor.peakUnderLoadMB)} MB` : ''}`)
  for (const [name, met] of Object.entries(targets)) console.log(`${met === null ? '  not measured' : met ? '  met   ' : '  MISSED'}  ${name}`)

  const json = `${JSON.stringify(report, null, 2)}\n`
  const file = `${resultsDir}/${stamp}.json`
  writeFileSync(`${file}.tmp`, json)
  renameSync(`${file}.tmp`, file)
  const latest = args.latest ? `latest-${args.latest}.json` : 'latest.json'
  writeFileSync(`${resultsDir}/${latest}.tmp`, json)
  renameSync(`${resultsDir}/${latest}.tmp`, `${resultsDir}/${latest}`)
  console.log(`\nwritten: bench/results/${stamp}.json and bench/results/${latest}; server logs in bench/results/logs/`)
}

try {
  await main()
} finally {
  stopAll()
  await monitor.end()
}
