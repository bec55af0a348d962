import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { sweepTempDir } from '../resources/media/media.files.js'
import type { Job } from './runner.js'

const HOUR = 60 * 60 * 1000

/** The jobs a server runs, in one list: server.ts starts them, tests call their functions. */
export function backgroundJobs(config: Config, _database: Database): Job[] {
  return [
    {
      name: 'sweep-temporary-uploads',
      everyMs: HOUR,
      atStart: true,
      run: () => sweepTempDir(join(config.dataDir, 'tmp')),
    },
  ]
}
