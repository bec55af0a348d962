import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { announceDuePublications } from '../resources/articles/publications.js'
import { sweepTempDir } from '../resources/media/media.files.js'
import { openStorage, type Storage } from '../storage/storage.js'
import { MERGE_JOB, mergePendingIndexEntries } from './indexes.js'
import { type Job, type JobRunner, startJobs } from './runner.js'
import { sweepOrphanBlobs } from './sweeps.js'
import { type WebhookWorker, webhookWorker } from './webhooks.js'

const HOUR = 60 * 60 * 1000

/**
 * Wakes at most once per `ms`: at 100 writes a second, one dispatch reads ten changes rather
 * than ten dispatches one each. Costs an event at most `ms` of latency.
 */
function coalesced(wake: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined
  return () => {
    if (timer) return
    timer = setTimeout(() => {
      timer = undefined
      wake()
    }, ms)
    timer.unref()
  }
}

/** The jobs a server runs, in one list: server.ts starts them, tests call their functions. */
export function backgroundJobs(
  config: Config,
  database: Database,
  logger?: { info(o: object, msg: string): void },
  webhooks?: WebhookWorker,
): Job[] {
  const started = new Date()
  let storage: Promise<Storage> | undefined
  return [
    {
      // Within 15 s of a scheduled article's time, the change log (sync, webhooks) says so.
      name: 'announce-due-publications',
      everyMs: 15_000,
      atStart: true,
      run: async () => {
        await announceDuePublications(database.db)
      },
    },
    {
      // Searches read the GIN indexes' pending lists whole: they are kept short (see indexes.ts).
      name: MERGE_JOB,
      everyMs: 2_000,
      atStart: true,
      run: async () => void (await mergePendingIndexEntries(database.db)),
    },
    {
      name: 'sweep-temporary-uploads',
      everyMs: HOUR,
      atStart: true,
      run: async () => {
        // The embedded database's DATA_DIR is this process's alone (its pid file), so whatever is
        // older than the start was left by a process before it. A DATA_DIR shared by instances on
        // a server database may hold a sibling's upload in flight: it must also be an hour old.
        const before = database.kind === 'pglite' ? started : new Date(Math.min(started.getTime(), Date.now() - HOUR))
        const removed = await sweepTempDir(join(config.dataDir, 'tmp'), before)
        if (removed) logger?.info({ removed }, 'swept temporary uploads left behind')
      },
    },
    {
      name: 'sweep-orphan-media',
      everyMs: HOUR,
      atStart: true,
      run: async (signal) => {
        // An upload's bytes are stored, then its row committed, within seconds: an hour is ample.
        const removed = await sweepOrphanBlobs(database.db, await (storage ??= openStorage(config)), new Date(Date.now() - HOUR), signal)
        if (removed.length) logger?.info({ removed }, 'swept stored media that no row names')
      },
    },
    ...(webhooks
      ? [
          // Woken by NOTIFY at each write's commit; the interval only covers a lost notification.
          { name: 'dispatch-webhook-events', everyMs: 5_000, atStart: true, run: async (signal: AbortSignal) => void (await webhooks.dispatch(signal)) },
          // Woken by the dispatcher, by retries and pings; the interval finds retries that came due.
          { name: 'deliver-webhooks', everyMs: 1_000, atStart: true, run: async (signal: AbortSignal) => void (await webhooks.deliver(signal)) },
          { name: 'prune-webhook-log', everyMs: HOUR, atStart: true, run: async () => void (await webhooks.prune()) },
        ]
      : []),
  ]
}

/**
 * Starts the background jobs of a server, and wakes the webhook jobs when the database says a
 * write committed (LISTEN/NOTIFY: the trigger on `changes`, and pings and retries through the API),
 * on a server and on the embedded database alike.
 */
export async function startBackgroundJobs(config: Config, database: Database, logger: Logger): Promise<JobRunner> {
  const webhooks = config.webhooks.deliver ? webhookWorker(database.db, { settings: config.webhooks, logger }) : undefined
  const runner = startJobs(backgroundJobs(config, database, logger, webhooks), logger)
  if (!webhooks) return runner
  const dispatch = coalesced(() => runner.wake('dispatch-webhook-events'), 50)
  const deliver = coalesced(() => {
    webhooks.nudge()
    runner.wake('deliver-webhooks')
  }, 20)
  const stopListening = await database
    .listen(['bantin_changes', 'bantin_webhooks'], (channel) => (channel === 'bantin_changes' ? dispatch() : deliver()))
    .catch((err) => {
      logger.warn({ err }, 'no database notifications: webhooks go out on the next poll (within seconds)')
      return async () => {}
    })
  return {
    wake: runner.wake,
    async stop() {
      await stopListening()
      await runner.stop()
    },
  }
}
