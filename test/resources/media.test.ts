import { rm } from 'node:fs/promises'
import t from 'tap'
import { buildTestApp } from '../helper.js'
import { keysUnder, mediaCases } from './media.cases.js'

const dataDir = t.testdir()
const maxBytes = 256 * 1024
const ctx = await buildTestApp(t, { DATA_DIR: dataDir, MEDIA_MAX_BYTES: String(maxBytes) })

mediaCases(t, { ...ctx, dataDir, maxBytes, storedKeys: () => keysUnder(`${dataDir}/media`),
  clearStorage: () => rm(`${dataDir}/media`, { recursive: true, force: true }),
})
