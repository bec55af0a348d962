import { type Column, type SQL, sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'

/**
 * One key of a resource's JSON answer, defined once and computed two ways: by PostgreSQL, for a
 * row under an alias in a query that builds the answer itself (reads: the JSON is sent on as
 * the database wrote it), and by JavaScript, from the row Drizzle gives (writes answer the row
 * they wrote). A test holds the two to the same values.
 */
export interface JsonField<Row> {
  sql(alias: string): SQL
  js(row: Row): unknown
}

/** A resource's answer: its keys in order. */
export type Shape<Row> = Record<string, JsonField<Row>>

const ref = (alias: string, column: Column) => sql`${sql.identifier(alias)}.${sql.identifier(column.name)}`

/** A timestamp as JavaScript's toISOString() writes it. */
export const isoSql = (value: SQL) => sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** The fields of a shape: each key's column as it is, or as an ISO timestamp. */
export const field = {
  column: <Row>(column: Column, key: keyof Row & string): JsonField<Row> => ({
    sql: (alias) => ref(alias, column),
    js: (row) => row[key],
  }),
  timestamp: <Row>(column: Column, key: keyof Row & string): JsonField<Row> => ({
    sql: (alias) => isoSql(ref(alias, column)),
    js: (row) => (row[key] as Date | null)?.toISOString() ?? null,
  }),
  derived: <Row>(sqlOf: (alias: string) => SQL, js: (row: Row) => unknown): JsonField<Row> => ({ sql: sqlOf, js }),
}

/** The shape's object for a row, with the keys asked for (all by default), in the shape's order. */
export function shapeObject<Row, T>(shape: Shape<Row>, row: Row, keys: readonly string[] = Object.keys(shape)): T {
  const out: Record<string, unknown> = {}
  for (const key of keys) out[key] = shape[key]!.js(row)
  return out as T
}

/** `json_build_object` of these keys and values, in order. It takes at most 100 arguments: 50 keys. */
export function jsonObjectSql(pairs: [string, SQL][]): SQL {
  if (pairs.length > 50) throw new Error(`json_build_object takes at most 50 keys, not ${pairs.length}`)
  return sql`json_build_object(${sql.join(
    pairs.map(([key, value]) => sql`${sql.raw(`'${key.replace(/'/g, "''")}'`)}, ${value}`),
    sql`, `,
  )})`
}

/** The shape's object built by PostgreSQL for the row under `alias`, with the keys asked for (all by default). */
export function shapeSql<Row>(shape: Shape<Row>, alias: string, keys: readonly string[] = Object.keys(shape)): SQL {
  return jsonObjectSql(keys.map((key) => [key, shape[key]!.sql(alias)]))
}

/**
 * A JSON value as a read's answer column carries it: base64 of its UTF-8 bytes. Text would be
 * decoded into a string by the driver only to be encoded again when sent; base64 is ASCII,
 * which Node turns into bytes cheaply.
 */
export const answerSql = (json: SQL): SQL => sql`encode(convert_to(${json}::text, 'UTF8'), 'base64')`

/** The bytes of an answer column (see answerSql). */
export const answerBytes = (row: { answer: string }) => Buffer.from(row.answer, 'base64')

const dialect = new PgDialect()

/**
 * SQL that takes no parameters, written out once and kept (up to 1,000 texts) under `key`: an
 * answer's columns have dozens of parts, and Drizzle walking them for every request of a list
 * cost more than the rest of its statement.
 */
export function fixedSql(cache: Map<string, SQL>, key: string, build: () => SQL): SQL {
  let found = cache.get(key)
  if (!found) {
    // Bounded: fields= makes as many texts as there are orders of the fields asked for.
    if (cache.size >= 1_000) cache.clear()
    const { sql: text, params } = dialect.sqlToQuery(build())
    if (params.length) throw new Error('A fixed SQL text must not take parameters')
    cache.set(key, (found = sql.raw(text)))
  }
  return found
}
