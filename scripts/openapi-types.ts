// npm run openapi:types: writes the client types from the document the app serves.
import { writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { openapiTypes, servedDocument, TYPES_FILE } from './openapi.js'

await writeFile(TYPES_FILE, await openapiTypes(await servedDocument()))
process.stdout.write(`wrote ${relative(process.cwd(), TYPES_FILE)}\n`)
