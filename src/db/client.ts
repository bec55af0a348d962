import { fsyncSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { type SQL, sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { loadOptional, StartupError } from '../shared/startup.js'
import { LOCKS } from './locks.js'
import * as schema from './schema.js'
import { migrationsFolder, readTemplate, writeTemplate } from './template.js'

/** One type for PGlite, pg and a transaction of either: services take it as their first argument. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Database {
  db: Db
  kind: 'pglite' | 'postgres'
  /** True when the database had no tables before this start's migrations. */
  created: boolean
  /** Resolves when the database answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>
  /**
   * Calls `onNotify` with the channel of each NOTIFY on `channels` (sent at commit), until the
   * returned function is called. On a server it holds a connection of its own, outside the pool,
   * and reconnects after losing it (calling `onNotify` then too: a notification may have been missed).
   */
  listen(channels: string[], onNotify: (channel: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** Called with the SQL of every query Drizzle runs: for debug logs, and for tests that count queries. */
export type QueryListener = (query: string) => void

export type DatabaseOptions = (
  | { url: string; poolMax?: number }
  | { dataDir: string }
  | { memory: true; makeTemplate?: boolean }
) & { onQuery?: QueryListener }

/** Rows of a raw query, the same way on both drivers. */
export async function rawRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] }
  return result.rows
}

async function hasTables(db: Db): Promise<boolean> {
  const rows = await rawRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'articles'`,
  )
  return (rows[0]?.n ?? 0) > 0
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = options.onQuery && { logQuery: options.onQuery }
  return 'url' in options ? openServer(options.url, options.poolMax ?? 10, logger) : openEmbedded(options, logger)
}

type Logger = { logQuery: QueryListener } | undefined

/**
 * SQLSTATE classes of errors after which the connection is as good as before: a value, a
 * constraint, a conflict between transactions, a statement PostgreSQL refused, a function's
 * raise, a statement cancelled (statement_timeout).
 */
const HARMLESS = /^(22|23|40|42|P0)|^57014$/

/**
 * pg's Pool#query ends the connection of a query that fails, whatever failed: every write that
 * PostgreSQL refused on a constraint (a slug taken, a category that does not exist), run outside a
 * transaction, cost a new connection and its backend. This query gives back a connection whose
 * statement PostgreSQL refused; one that failed any other way (lost, a client-side timeout, a
 * server shutting down) is ended as before. Text or a query config, with values: how bantin,
 * Drizzle and the prepared statements call it.
 */
function keepingQuery(pool: pg.Pool) {
  return async (config: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult> => {
    const client = await pool.connect()
    // A connection that breaks while it is out of the pool reports it here, not as an uncaught event.
    let broken: Error | undefined
    const onError = (err: Error) => (broken = err)
    client.on('error', onError)
    try {
      // A config object of its own for each query. Handed the same one again and again (a Drizzle
      // prepared query keeps one for the life of the server), pg's queries left their rows alive
      // past V8's young-generation collections: about 1 MB promoted a collection under a detail
      // load, a full collection three times a second ("Where the time goes" in the README).
      const result = await client.query(typeof config === 'string' ? config : { ...config }, values)
      client.removeListener('error', onError)
      client.release()
      return result
    } catch (err) {
      client.removeListener('error', onError)
      const code = (err as { code?: unknown }).code
      client.release(!broken && typeof code === 'string' && HARMLESS.test(code) ? undefined : (err as Error))
      throw err
    }
  }
}

async function openServer(url: string, poolMax: number, logger: Logger): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    // A server that stops answering mid-query must become a 503, never a hang.
    query_timeout: 15_000,
    statement_timeout: 10_000,
    application_name: 'bantin',
  })
  // An idle client that loses its connection must not take the process down; the next query reports it.
  pool.on('error', () => {})
  pool.query = keepingQuery(pool) as typeof pool.query
  const db = drizzlePg(pool, { schema, ...(logger && { logger }) }) as unknown as Db

  // The lock is held on a connection of its own, outside the pool that migrates.
  const lock = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  let created: boolean
  try {
    await lock.connect().catch((err: Error) => {
      // Node reports a refused localhost (tried on IPv4 and IPv6) as an AggregateError without a message.
      const reason = err.message || (err as NodeJS.ErrnoException).code
      throw new StartupError(`cannot reach the PostgreSQL server at ${withoutPassword(url)}: ${reason}`)
    })
    await lock.query('select pg_advisory_lock($1)', [LOCKS.migrate])
    created = !(await hasTables(db))
    await migratePg(db as never, { migrationsFolder })
  } catch (err) {
    await pool.end()
    throw err
  } finally {
    await lock.end().catch(() => {})
  }

  return {
    db,
    kind: 'postgres',
    created,
    ping: (timeoutMs = 2_000) => withTimeout(pool.query('select 1').then(() => {}), timeoutMs),
    listen: (channels, onNotify) => listenOnServer(url, channels, onNotify),
    close: () => pool.end(),
  }
}

/** The URL fit for a message: the password replaced. */
function withoutPassword(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

async function listenOnServer(url: string, channels: string[], onNotify: (channel: string) => void): Promise<() => Promise<void>> {
  let stopped = false
  let client: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000, application_name: 'bantin-listen' })
    const lost = () => {
      if (client !== next || stopped) return
      client = undefined
      next.end().catch(() => {})
      retry = setTimeout(() => void connect().then(() => channels.forEach(onNotify), () => {}), 1_000)
      retry.unref()
    }
    next.on('error', lost)
    next.on('end', lost)
    next.on('notification', (message) => onNotify(message.channel))
    client = next
    try {
      await next.connect()
      for (const channel of channels) await next.query(`listen "${channel.replace(/"/g, '')}"`)
    } catch (err) {
      lost()
      throw err
    }
  }
  await connect()
  return async () => {
    stopped = true
    clearTimeout(retry)
    await client?.end().catch(() => {})
  }
}

/**
 * PGlite is one process's database: a second process opening the same files would corrupt them.
 * A lock file with the owner's pid keeps a second server (or the token command) out.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, 'bantin.pid')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' })
      return () => rm(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = Number(await readFile(file, 'utf8').catch(() => ''))
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new StartupError(
          `the embedded database in ${dataDir} is in use by process ${owner} (a bantin server or command): ` +
            'stop that process first, or set DATABASE_URL to a PostgreSQL server for more than one',
        )
      }
      await rm(file, { force: true })
    }
  }
  throw new Error(`Could not lock ${file}`)
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  )

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite runs PostgreSQL with fsync off (`-F`), and its Node file layer has no fsync at all: a
 * killed process loses nothing (the kernel has the writes), but a power cut or a kernel crash can
 * lose acknowledged commits or leave the files inconsistent. Here PostgreSQL's own fsyncs are
 * turned on and reach the disk: the WAL at every commit, the data files at every
 * checkpoint, in PostgreSQL's order. (Its fdatasync is a no-op in PGlite's WebAssembly layer, so
 * the WAL is synced with fsync.)
 */
export async function durableFilesystem(dataDir: string) {
  const { NodeFS } = await loadEmbeddedEngine(() => import('@electric-sql/pglite/nodefs'))
  type Mod = { NODEFS: { stream_ops: Record<string, unknown>; tryFSOperation<T>(f: () => T): T } }
  class DurableNodeFS extends NodeFS {
    override async init(...args: Parameters<InstanceType<typeof NodeFS>['init']>) {
      const result = await super.init(...args)
      const preRun = [result.emscriptenOpts.preRun ?? []].flat()
      result.emscriptenOpts.preRun = [
        ...preRun,
        (mod: unknown) => {
          const { NODEFS } = mod as Mod
          NODEFS.stream_ops.fsync = (stream: { nfd: number }) => NODEFS.tryFSOperation(() => fsyncSync(stream.nfd))
        },
      ] as typeof result.emscriptenOpts.preRun
      return result
    }
  }
  return new DurableNodeFS(dataDir)
}

/** PGlite is an optional dependency: a missing one is a start-up error that says what to install. */
export const loadEmbeddedEngine = <T>(load: () => Promise<T>) =>
  loadOptional('@electric-sql/pglite', 'the embedded database', 'set DATABASE_URL to a PostgreSQL server', load)

/** PGlite's start parameters with fsync on (no `-F`) and the WAL synced by fsync. */
export const DURABLE_START_PARAMS = (defaults: string[]) => [...defaults.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync']

async function openEmbedded(
  options: { dataDir: string } | { memory: true; makeTemplate?: boolean },
  logger: Logger,
): Promise<Database> {
  // Loaded only here: a server on PostgreSQL carries none of the embedded engine (nor needs it installed).
  const [{ PGlite }, { pg_trgm }, { unaccent }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await loadEmbeddedEngine(() =>
    Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/contrib/unaccent'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]),
  )
  const extensions = { pg_trgm, unaccent }
  let client: PGlite
  let unlock = async () => {}
  let created: boolean
  const template = 'makeTemplate' in options && options.makeTemplate ? undefined : await readTemplate()
  if ('dataDir' in options) {
    await mkdir(options.dataDir, { recursive: true })
    unlock = await lockDataDir(options.dataDir)
    created = !(await exists(join(options.dataDir, 'PG_VERSION')))
    client = await PGlite.create({
      extensions,
      ...(created && template && { loadDataDir: template }),
      fs: await durableFilesystem(options.dataDir),
      startParams: DURABLE_START_PARAMS(PGlite.defaultStartParams),
    })
  } else {
    created = true
    client = await PGlite.create({ extensions, ...(template && { loadDataDir: template }) })
  }
  const db = drizzlePglite(client, { schema, ...(logger && { logger }) }) as unknown as Db
  // With a template this finds nothing to do; without one (or with an older one) it does the work.
  await migratePglite(db as never, { migrationsFolder })
  if (!template && !('dataDir' in options)) await writeTemplate(await client.dumpDataDir('gzip')).catch(() => {})
  return {
    db,
    kind: 'pglite',
    created,
    ping: (timeoutMs = 2_000) => withTimeout(client.query('select 1').then(() => {}), timeoutMs),
    listen: async (channels, onNotify) => {
      const stops = await Promise.all(channels.map((channel) => client.listen(channel, () => onNotify(channel))))
      return async () => {
        for (const stop of stops) await stop()
      }
    },
    close: async () => {
      await client.close()
      await unlock()
    },
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
