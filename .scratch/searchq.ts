import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'

const queries: { q: string; p: unknown[] }[] = []
const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/bantin_bench', poolMax: 1, onQuery: (q: string, p: unknown[]) => queries.push({ q, p }) })
const app = await buildApp({ config: loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/bantin_bench', RATE_LIMIT_MAX: '0', ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef' } as never), database })
const url = process.argv[2]!
for (let i = 0; i < 50; i++) await app.inject(url)
queries.length = 0
const n = 300
let t0 = process.hrtime.bigint()
const c0 = process.cpuUsage()
for (let i = 0; i < n; i++) await app.inject(url)
const cpu = process.cpuUsage(c0)
console.log('wall ms/req', Number(process.hrtime.bigint() - t0) / 1e6 / n, 'cpu ms/req', (cpu.user + cpu.system) / 1000 / n)
console.log('queries per req', queries.length / n)
const res = await app.inject(url)
console.log('bytes', res.body.length, res.statusCode)
for (const q of queries.slice(0, Math.round(queries.length / n))) console.log(q.q.slice(0, 3000), JSON.stringify(q.p).slice(0, 300))
const { sql } = await import('drizzle-orm')
console.log(((await database.db.execute(sql`select left(statement, 60) s, generic_plans, custom_plans from pg_prepared_statements`)) as any).rows)
await app.close(); await database.close()
import pg from 'pg'
const client = new pg.Client('postgres://postgres@127.0.0.1:5432/bantin_bench')
await client.connect()
const main = queries.find((x) => x.q.includes(process.argv[3] ?? "jsonb_array_elements_text"))!
const r = await client.query('explain (analyze, buffers) ' + main.q, main.p as never)
console.log(r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n'))
console.log(JSON.stringify(main.p)); (await import("node:fs")).writeFileSync("/tmp/mainq.json", JSON.stringify(main))
await client.end()
