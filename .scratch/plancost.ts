import pg from 'pg'
import { readFileSync } from 'node:fs'
const { q, p } = JSON.parse(readFileSync('/tmp/mainq.json', 'utf8'))
const client = new pg.Client('postgres://postgres@127.0.0.1:5432/bantin_bench')
await client.connect()
const types = p.map(() => 'unknown')
await client.query(`prepare s(${types.join(',')}) as ${q}`).catch(async (e) => { console.log('prepare', e.message) })
const lit = (v: unknown) => v === null ? 'null' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`
for (const mode of ['force_generic_plan', 'force_custom_plan']) {
  await client.query(`set plan_cache_mode = ${mode}`)
  const r = await client.query(`explain execute s(${p.map(lit).join(',')})`)
  console.log(mode, r.rows.slice(0, 3).map((x: Record<string, string>) => x['QUERY PLAN']).join('\n'))
}
await client.end()
