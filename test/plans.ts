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

/** The relations among `relations` (any when none are named) that a plan, as `explain (format json)` gives it, scans. */
function scansIn(plan: unknown, relations?: string[]): string[] {
  const scans: string[] = []
  const walk = (node: Record<string, unknown>) => {
    const relation = String(node['Relation Name'])
    if (node['Node Type'] === 'Seq Scan' && (!relations || relations.includes(relation))) scans.push(relation)
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child)
  }
  walk(((typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: Record<string, unknown> }[])[0]!.Plan)
  return scans
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

let prepared = 0

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
