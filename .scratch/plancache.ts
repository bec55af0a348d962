import pg from 'pg'
import { readFileSync } from 'node:fs'
const { q, p } = JSON.parse(readFileSync('/tmp/mainq.json', 'utf8'))
const client = new pg.Client('postgres://postgres@127.0.0.1:5432/bantin_bench')
await client.connect()
for (const mode of ['auto', 'force_generic_plan', 'force_custom_plan']) {
  await client.query(`set plan_cache_mode = ${mode}`)
  await client.query('deallocate all')
  const name = 'sq_' + mode
  for (let i = 0; i < 10; i++) await client.query({ name, text: q, values: p })
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < 200; i++) await client.query({ name, text: q, values: p })
  console.log(mode, 'ms/exec', Number(process.hrtime.bigint() - t0) / 1e6 / 200)
  const r = await client.query(`select generic_plans, custom_plans from pg_prepared_statements where name = '${name}'`)
  console.log(r.rows)
}
await client.end()
