import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import type { Db } from '../src/db/client.js'

type Client = { query(...args: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }

/** A statement's text with its values. */
interface Statement {
  text: string
  params: unknown[]
}

/** Runs `explain` of a statement with its parameters, on either engine. */
async function explainRows(db: Db, statement: SQL | Statement, options: string): Promise<Record<string, unknown>[]> {
  const { text, params } = 'text' in statement ? statement : (({ sql, params }) => ({ text: sql, params }))(new PgDialect().sqlToQuery(statement))
  const client = (db as unknown as { $client: Client }).$client
  const query = `explain ${options} ${text}`
  const result = client instanceof pg.Pool ? await client.query({ text: query, values: params }) : await client.query(query, params)
  return result.rows
}

let prepared = 0

type PlanNode = Record<string, unknown>

/** Every node of a plan, as `explain (format json)` gives it. */
function planNodes(plan: unknown): PlanNode[] {
  const nodes: PlanNode[] = []
  const walk = (node: PlanNode) => {
    nodes.push(node)
    for (const child of (node.Plans as PlanNode[] | undefined) ?? []) walk(child)
  }
  walk(((typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: PlanNode }[])[0]!.Plan)
  return nodes
}

/** The relations among `relations` (any when none are named) that a plan, as `explain (format json)` gives it, scans. */
function scansIn(plan: unknown, relations?: string[]): string[] {
  return planNodes(plan)
    .filter((node) => node['Node Type'] === 'Seq Scan' && (!relations || relations.includes(String(node['Relation Name']))))
    .map((node) => String(node['Relation Name']))
}

/**
 * The rows each scan of `relation` read when a fixed statement ran with its generic plan, the
 * plan a server keeps for a prepared statement: run by `explain analyze` in a transaction that is
 * rolled back, so a statement that writes leaves nothing. Scans under the aliases in `except`
 * (a subquery's) are left out. Server engine only.
 */
export async function genericPlanRowsRead(db: Db, statement: { text: string; params: unknown[] }, relation: string, except: string[] = []): Promise<number[]> {
  const pool = (db as unknown as { $client: unknown }).$client
  if (!(pool instanceof pg.Pool)) throw new Error('genericPlanRowsRead needs the server engine')
  const literal = (v: unknown) => `'${(v instanceof Date ? v.toISOString() : String(v)).replaceAll("'", "''")}'`
  const name = `generic_rows_${++prepared}`
  const client = await pool.connect()
  try {
    await client.query('begin')
    await client.query('set local plan_cache_mode = force_generic_plan')
    await client.query(`prepare ${name} as ${statement.text}`)
    const { rows } = await client.query(`explain (analyze, format json) execute ${name}(${statement.params.map(literal).join(', ')})`)
    return planNodes(rows[0]!['QUERY PLAN'])
      .filter((node) => node['Relation Name'] === relation && !except.includes(String(node.Alias)) && String(node['Node Type']).includes('Scan'))
      .map((node) => Number(node['Actual Rows']) * Number(node['Actual Loops'] ?? 1))
  } finally {
    await client.query('rollback')
    client.release()
  }
}

/**
 * The relations among `relations` that a statement's plan reads by a sequential scan (any
 * relation when none are named). `SHOW_PLANS=1` prints the plan of a statement that has one.
 */
export async function sequentialScans(db: Db, statement: SQL | Statement, relations?: string[]): Promise<string[]> {
  const scans = scansIn((await explainRows(db, statement, '(format json)'))[0]!['QUERY PLAN'], relations)
  if (scans.length && process.env.SHOW_PLANS) {
    console.error((await explainRows(db, statement, '')).map((r) => r['QUERY PLAN']).join('\n'))
  }
  return scans
}

/** What the planner costs a statement at: the top node's total cost, as `explain (format json)` gives it. */
export async function planCost(db: Db, statement: SQL | Statement): Promise<number> {
  const plan = (await explainRows(db, statement, '(format json)'))[0]!['QUERY PLAN']
  return Number(((typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: { 'Total Cost': number } }[])[0]!.Plan['Total Cost'])
}

/**
 * The plans PostgreSQL made for a statement prepared by name, as queryPrepared prepares it, run
 * `runs` times on one connection: after its first five custom plans it keeps a generic one only
 * when that is costed no dearer, and otherwise plans every execution again. With the relations
 * that generic plan scans whole (of `relations`). Server engine only.
 */
export async function plansMade(db: Db, statement: SQL | { toSQL(): { sql: string; params: unknown[] } }, relations?: string[], runs = 10) {
  const { sql: text, params } = 'toSQL' in statement ? statement.toSQL() : new PgDialect().sqlToQuery(statement)
  const pool = (db as unknown as { $client: unknown }).$client
  if (!(pool instanceof pg.Pool)) throw new Error('plansMade needs the server engine')
  // A name of its own each time: the driver remembers which names it prepared on a connection.
  const name = `plans_made_${++prepared}`
  const client = await pool.connect()
  try {
    for (let i = 0; i < runs; i++) await client.query({ name, text, values: params })
    const { rows } = await client.query('select generic_plans, custom_plans from pg_prepared_statements where name = $1', [name])
    await client.query('set plan_cache_mode = force_generic_plan')
    const generic = await client.query({ text: `explain (format json) ${text}`, values: params })
    await client.query('reset plan_cache_mode')
    return {
      generic: Number(rows[0]!.generic_plans),
      custom: Number(rows[0]!.custom_plans),
      genericScans: scansIn(generic.rows[0]!['QUERY PLAN'], relations),
    }
  } finally {
    client.release()
  }
}
