import { createHash } from 'node:crypto'
import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import type { Db } from './client.js'

const dialect = new PgDialect()

/**
 * Runs a query that Drizzle built, on a server as a named prepared statement: the same shape of
 * query (the same SQL text, whatever its values) is parsed and planned once per connection, not
 * on every request. That is most of what a list costs PostgreSQL. Rows come back as the driver
 * parses them (timestamps as Dates, JSON parsed), keyed by column name.
 */
export async function queryPrepared(db: Db, query: SQL | { toSQL(): { sql: string; params: unknown[] } }): Promise<Record<string, unknown>[]> {
  const { sql: text, params } = 'toSQL' in query ? query.toSQL() : dialect.sqlToQuery(query)
  const client = (db as unknown as { $client: unknown }).$client
  if (client instanceof pg.Pool) {
    const name = `q${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`
    return (await client.query({ name, text, values: params })).rows
  }
  // PGlite: one connection in this process, where a plan is cheap next to a round trip.
  const result = await (client as { query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }).query(text, params)
  return result.rows
}
