#!/usr/bin/env node
// Keeps a copy of everything a bantin server holds in one JSON file, using the sync feed.
// Run it again (or with --follow) and it carries on from where it stopped.
//
//   BANTIN_URL=http://127.0.0.1:3000 BANTIN_TOKEN=bantin_… node examples/sync-mirror.mjs mirror.json [--follow]
import { readFile, rename, writeFile } from 'node:fs/promises'

const base = process.env.BANTIN_URL ?? 'http://127.0.0.1:3000'
const token = process.env.BANTIN_TOKEN
const file = process.argv[2] ?? 'mirror.json'
const follow = process.argv.includes('--follow')
if (!token) throw new Error('Set BANTIN_TOKEN to a token with the reader role or higher')

// { cursor, resources: { "article:<id>": {…}, … } }
let mirror = await readFile(file, 'utf8').then(JSON.parse, () => ({ cursor: null, resources: {} }))

async function save() {
  // Written aside and renamed: a crash never leaves half a file, and the cursor saved always
  // matches the resources saved with it.
  await writeFile(`${file}.tmp`, JSON.stringify(mirror))
  await rename(`${file}.tmp`, file)
}

for (;;) {
  const url = new URL('/v1/sync', base)
  url.searchParams.set('limit', '1000')
  if (mirror.cursor) url.searchParams.set('cursor', mirror.cursor)
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  if (res.status === 410) {
    // The server can no longer serve this cursor: start again from nothing.
    console.error('the server asks for a full sync: starting over')
    mirror = { cursor: null, resources: {} }
    continue
  }
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`)
  const page = await res.json()
  for (const entry of page.data) {
    const key = `${entry.type}:${entry.id}`
    if (entry.op === 'upsert') mirror.resources[key] = entry.data
    else delete mirror.resources[key]
  }
  mirror.cursor = page.meta.nextCursor
  await save()
  if (page.data.length) console.log(`${page.data.length} changes, ${Object.keys(mirror.resources).length} resources in ${file}`)
  if (page.meta.hasMore) continue
  if (!follow) break
  await new Promise((resolve) => setTimeout(resolve, 5000))
}
