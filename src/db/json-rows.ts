import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'

interface Shape {
  /** Each column as [field key, column name, whether it is a timestamp]. */
  columns: [string, string, boolean][]
}

const shapes = new WeakMap<PgTable, Shape>()

function shapeOf(table: PgTable): Shape {
  let shape = shapes.get(table)
  if (!shape) {
    const columns = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name, column.columnType === 'PgTimestamp'] as [string, string, boolean])
    shapes.set(table, (shape = { columns }))
  }
  return shape
}

/**
 * A row of `table` (under `alias` in the query) as a JSON object that the database builds, keyed
 * as Drizzle keys its rows: a query can carry related rows in a column of its own, and no second
 * round trip fetches them. `fromRowJson` turns it back into the row Drizzle would give.
 */
export function rowJson(table: PgTable, alias: string): SQL {
  const pairs = shapeOf(table).columns.map(([key, name]) => sql`${key}::text, ${sql.identifier(alias)}.${sql.identifier(name)}`)
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`
}

/** The row that `rowJson` sent, as Drizzle gives rows: timestamps as Dates. */
export function fromRowJson<T extends PgTable>(table: T, json: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = { ...json }
  for (const [key, , timestamp] of shapeOf(table).columns) {
    if (timestamp && typeof row[key] === 'string') row[key] = new Date(row[key] as string)
  }
  return row as T['$inferSelect']
}
