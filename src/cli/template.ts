import { openDatabase } from '../db/client.js'

// `npm install` runs this to make the embedded database template (see src/db/template.ts).
// A failure only means slower first starts, so it never fails the install.
try {
  const database = await openDatabase({ memory: true, makeTemplate: true })
  await database.close()
} catch (err) {
  process.stderr.write(`bantin: no embedded database template (${(err as Error).message}); first starts will be slower\n`)
}
