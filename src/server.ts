import type { IncomingMessage } from 'node:http'
import { setFlagsFromString } from 'node:v8'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { startBackgroundJobs } from './jobs/jobs.js'
import { createLogger, redactUrl } from './logger.js'
import { rebaseChangeLogIfRestored } from './resources/sync/sync.service.js'
import { seedIfNew } from './sample/seed.js'
import { orExit, StartupError } from './shared/startup.js'
import { ensureAdminToken } from './resources/tokens/tokens.service.js'

// V8 moves objects made at an allocation site straight to the old generation once most of them
// have outlived a young-generation collection. Under load some of a request's objects are
// taken for long-lived that way; the old generation then grew by about 1 MB with every young
// collection and was collected in full three times a second, and a detail read cost the process
// 0.30 ms of CPU instead of 0.22 ("Where the time goes" in the README). Set before any request.
setFlagsFromString('--no-allocation-site-pretenuring')

const config = await orExit(() => loadConfig())
const { logger, flush } = createLogger(config)

const database = await orExit(() =>
  openDatabase(config.databaseUrl ? { url: config.databaseUrl, poolMax: config.databasePoolMax } : { dataDir: config.dataDir }),
)
if (await rebaseChangeLogIfRestored(database.db)) logger.warn('the change log came from another server: sync clients start over')
if (config.adminToken) await ensureAdminToken(database.db, config.adminToken)
if (await seedIfNew(database, config)) logger.info(`new ${database.kind === 'pglite' ? 'embedded ' : ''}database: sample content added`)

const app = await orExit(() => buildApp({ config, database, logger }))
const jobs = await startBackgroundJobs(config, database, logger)

// The requests in flight, so that a shutdown that has to cut them can say which.
const inFlight = new Map<IncomingMessage, number>()
app.server.on('request', (req: IncomingMessage, res) => {
  inFlight.set(req, Date.now())
  res.once('close', () => inFlight.delete(req))
})

closeWithGrace(
  {
    delay: config.shutdownTimeoutMs,
    logger,
    // The drain took too long: what is still running is cut, and the exit code says so (1).
    onTimeout: (delay) => {
      const now = Date.now()
      const cut = [...inFlight].map(([req, started]) => ({ method: req.method, url: redactUrl(req.url ?? ''), ms: now - started }))
      logger.error({ cut, delay }, `closing: ${cut.length} request(s) still running after ${delay} ms were cut`)
      flush()
    },
  },
  async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an error')
    else logger.info({ signal }, 'closing: finishing in-flight requests')
    await app.close()
    await jobs.stop()
    await database.close()
    flush()
  },
)

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'another process is listening there',
  EACCES: 'this user may not use that port',
  EADDRNOTAVAIL: 'this machine has no such address',
}
await orExit(() =>
  app.listen({ port: config.port, host: config.host }).catch(async (err: NodeJS.ErrnoException) => {
    const problem = LISTEN_PROBLEMS[err.code ?? '']
    if (!problem) throw err
    await jobs.stop()
    await database.close()
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${problem}; set PORT or HOST`)
  }),
)
logger.info({ database: database.kind }, 'ready')
