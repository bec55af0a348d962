import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { announceDuePublications } from '../resources/articles/publications.js'
import { sweepTempDir } from '../resources/media/media.files.js'
import { openStorage, type Storage } from '../storage/storage.js'
import type { Job } from './runner.js'
import { sweepOrphanBlobs } from './sweeps.js'

const HOUR = 60 * 60 * 1000

/** The jobs a server runs, in one list: server.ts starts them, tests call their functions. */
export function backgroundJobs(config: Config, database: Database, logger?: { info(o: object, msg: string): void }): Job[] {
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
  ]
}
