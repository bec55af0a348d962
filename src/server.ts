import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { startBackgroundJobs } from './jobs/jobs.js'
import { rebaseChangeLogIfRestored } from './resources/sync/sync.service.js'
import { seedIfNew } from './sample/seed.js'
import { ensureAdminToken } from './resources/tokens/tokens.service.js'

const config = loadConfig()
const options = {
  level: config.logLevel,
  redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' },
}
// Pretty on a terminal; otherwise JSON lines written in batches, off the request's path, and
// flushed before the process exits.
const destination = process.stdout.isTTY ? undefined : pino.destination({ sync: false })
const logger = destination
  ? pino(options, destination)
  : pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } })

const database = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl, poolMax: config.databasePoolMax } : { dataDir: config.dataDir },
)
if (await rebaseChangeLogIfRestored(database.db)) logger.warn('the change log came from another server: sync clients start over')
if (config.adminToken) await ensureAdminToken(database.db, config.adminToken)
if (await seedIfNew(database, config)) logger.info('new embedded database: sample content added')

const app = await buildApp({ config, database, logger })
const jobs = await startBackgroundJobs(config, database, logger)

closeWithGrace({ delay: 10_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'closing after an error')
  else logger.info({ signal }, 'closing: finishing in-flight requests')
  await app.close()
  await jobs.stop()
  await database.close()
  destination?.flushSync()
})

await app.listen({ port: config.port, host: config.host })
logger.info({ database: database.kind }, 'ready')
