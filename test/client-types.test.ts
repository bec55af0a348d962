import { readFile } from 'node:fs/promises'
import t from 'tap'
import { openapiTypes, servedDocument, TYPES_FILE } from '../scripts/openapi.js'

// examples/client/openapi.d.ts is generated from /openapi.json and committed: a route or schema
// that changes the document without it being regenerated fails here.

t.test('the committed client types are those the served document makes', async (t) => {
  const document = await servedDocument()
  const committed = await readFile(TYPES_FILE, 'utf8')
  const fresh = await openapiTypes(document)
  const [now, before] = [fresh.split('\n'), committed.split('\n')]
  const line = now.findIndex((text, i) => text !== before[i]) + 1 || Math.min(now.length, before.length) + 1
  t.ok(committed === fresh, `examples/client/openapi.d.ts is stale (from line ${line}): run \`npm run openapi:types\` and commit it`)
})

t.test('the generation is deterministic: another app, the same document and the same bytes', async (t) => {
  const [a, b] = [await servedDocument(), await servedDocument()]
  t.equal(a, b)
  t.equal(await openapiTypes(a), await openapiTypes(b))
})
