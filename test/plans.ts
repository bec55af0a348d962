import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import type { Db } from '../src/db/client.js'

type Client = { query(...args: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }

/** Runs `explain` of a statement with its parameters, on either engine. */
async function explainRows(db: Db, statement: SQL, options: string): Promise<Record<string, unknown>[]> {
  const { sql: text, params } = new PgDialect().sqlToQuery(statement)
  const client = (db as unknown as { $client: Client }).$client
  const query = `explain ${options} ${text}`
  const result = client instanceof pg.Pool ? await client.query({ text: query, values: params }) : await client.query(query, params)
  return result.rows
}

/**
 * The relations among `relations` that a statement's plan reads by a sequential scan (any
 * relation when none are named). `SHOW_PLANS=1` prints the plan of a statement that has one.
 */
export async function sequentialScans(db: Db, statement: SQL, relations?: string[]): Promise<string[]> {
  const plan = (await explainRows(db, statement, '(format json)'))[0]!['QUERY PLAN']
  const scans: string[] = []
  const walk = (node: Record<string, unknown>) => {
    const relation = String(node['Relation Name'])
    if (node['Node Type'] === 'Seq Scan' && (!relations || relations.includes(relation))) scans.push(relation)
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child)
  }
  walk(((typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: Record<string, unknown> }[])[0]!.Plan)
  if (scans.length && process.env.SHOW_PLANS) {
    console.error((await explainRows(db, statement, '')).map((r) => r['QUERY PLAN']).join('\n'))
  }
  return scans
}
