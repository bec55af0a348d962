import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { announceDuePublications } from '../resources/articles/publications.js'
import { sweepTempDir } from '../resources/media/media.files.js'
import type { Job } from './runner.js'

const HOUR = 60 * 60 * 1000

/** The jobs a server runs, in one list: server.ts starts them, tests call their functions. */
export function backgroundJobs(config: Config, database: Database): Job[] {
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
      run: () => sweepTempDir(join(config.dataDir, 'tmp')),
    },
  ]
}
