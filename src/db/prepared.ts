import { createHash } from 'node:crypto'
import { fillPlaceholders, getTableColumns, getTableName, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { PgDialect, type PgTable, PgTransaction } from 'drizzle-orm/pg-core'
import pg from 'pg'
import type { Db } from './client.js'

/**
 * The one home of prepared statements. Both kinds run on the database's pool (or PGlite's one
 * connection), so neither may be handed a transaction: the statement would run outside it,
 * unseen by its locks and its writes. They refuse one.
 */
function refuseTransaction(db: Db): void {
  if (db instanceof PgTransaction) {
    throw new Error('A prepared statement runs outside any transaction: pass the database, not a transaction')
  }
}

/**
 * Statements that every request of a kind makes, built with Drizzle and prepared once per
 * database: building their SQL cost more CPU than PostgreSQL took to run them.
 */
export function preparedStatements<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>()
  return (db) => {
    refuseTransaction(db)
    let found = built.get(db)
    if (!found) built.set(db, (found = build(db)))
    return found
  }
}

const dialect = new PgDialect()

/**
 * Runs a query that Drizzle built, on a server as a named prepared statement: the same shape of
 * query (the same SQL text, whatever its values) is parsed and planned once per connection, not
 * on every request. That is most of what a list costs PostgreSQL. Rows come back as the driver
 * parses them (timestamps as Dates, JSON parsed), keyed by column name.
 */
export async function queryPrepared(db: Db, query: SQL | { toSQL(): { sql: string; params: unknown[] } }): Promise<Record<string, unknown>[]> {
  refuseTransaction(db)
  const { sql: text, params } = 'toSQL' in query ? query.toSQL() : dialect.sqlToQuery(query)
  return run(db, { text, name: statementName(text) }, params)
}

const statementName = (text: string) => `q${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`

/** A statement whose text is written out once (see fixedStatement). */
export interface FixedStatement {
  text: string
  name: string
  params: unknown[]
}

/**
 * A statement written out once, its values given by `sql.placeholder` when it runs (see
 * runFixed): for reads whose statement is the same for every request, where Drizzle walking
 * its parts again, and hashing its text for a name, cost more than PostgreSQL took to run it.
 */
export function fixedStatement(query: SQL): FixedStatement {
  const { sql: text, params } = dialect.sqlToQuery(query)
  return { text, name: statementName(text), params }
}

/** The fixed statement kept under `key` in `cache` (up to 1,000 of them), written out by `build` when first asked for. */
export function fixedStatementOf(cache: Map<string, FixedStatement>, key: string, build: () => SQL): FixedStatement {
  let found = cache.get(key)
  if (!found) {
    if (cache.size >= 1_000) cache.clear()
    cache.set(key, (found = fixedStatement(build())))
  }
  return found
}

/**
 * How a statement takes its values: written into it as parameters (`inlineValues`), or named as
 * placeholders whose values are kept aside (`NamedValues`), so that its text is the same whatever
 * the values and it is written out once for each shape (see fixedStatementOf).
 */
export interface StatementValues {
  /** A row of `table` as a statement takes it (for Drizzle's `values()`). */
  row<T extends object>(name: string, table: PgTable, object: T): T
  /** One value as a statement takes it (inside an `sql` template). */
  value(name: string, value: unknown): SQL
}

/** Values written into the statement, as Drizzle takes them by default. */
export const inlineValues: StatementValues = {
  row: (_name, _table, object) => object,
  value: (_name, value) => sql`${value}`,
}

/** Placeholders by name, each in an `sql` of its own (see NamedValues.row): the same few dozen names are asked for by every write. */
const placeholderCache = new Map<string, SQL>()
function placeholder(name: string): SQL {
  let found = placeholderCache.get(name)
  if (!found) {
    if (placeholderCache.size >= 10_000) placeholderCache.clear()
    placeholderCache.set(name, (found = sql`${sql.placeholder(name)}`))
  }
  return found
}

/**
 * Values named as placeholders, kept in `values` for runFixed. `shape` tells apart the statements
 * that the same builder makes: the names given, in order, and each row's defined fields (a field
 * left undefined is written as the column's default, so it changes the text; a null does not).
 */
export class NamedValues implements StatementValues {
  readonly values: Record<string, unknown> = {}
  private readonly parts: string[]

  constructor(kind: string) {
    this.parts = [kind]
  }

  /**
   * Each value is encoded here as its column encodes it (a jsonb column's JSON, a timestamp's
   * text), and its placeholder handed to Drizzle inside an `sql`, which Drizzle takes as it is:
   * a column's encoder would be given nulls too, which some of them refuse.
   */
  row<T extends object>(name: string, table: PgTable, object: T): T {
    const columns = getTableColumns(table)
    const placeholders: Record<string, unknown> = {}
    let shape = `${name}(`
    for (const key in object) {
      const value = object[key]
      if (value === undefined) continue
      const column = columns[key]
      if (!column) throw new Error(`${getTableName(table)} has no column ${key}`)
      const full = `${name}.${key}`
      if (full in this.values) throw new Error(`Placeholder ${full} is named twice`)
      shape += `${key},`
      this.values[full] = value === null ? null : column.mapToDriverValue(value)
      placeholders[key] = placeholder(full)
    }
    this.parts.push(`${shape})`)
    return placeholders as T
  }

  value(name: string, value: unknown): SQL {
    if (name in this.values) throw new Error(`Placeholder ${name} is named twice`)
    this.values[name] = value
    this.parts.push(name)
    return placeholder(name)
  }

  get shape(): string {
    return this.parts.join(' ')
  }
}

/** Runs a fixed statement with its placeholders' values, as queryPrepared runs a statement. */
export function runFixed(db: Db, statement: FixedStatement, values: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  refuseTransaction(db)
  return run(db, statement, fillPlaceholders(statement.params, values))
}

async function run(db: Db, statement: { text: string; name: string }, params: unknown[]): Promise<Record<string, unknown>[]> {
  const { text, name } = statement
  // Past Drizzle's session, so its logger is told here, as for the queries Drizzle runs.
  ;(db as unknown as { session: { logger: { logQuery(query: string, params: unknown[]): void } } }).session.logger.logQuery(text, params)
  const client = (db as unknown as { $client: unknown }).$client
  if (client instanceof pg.Pool) return (await client.query({ name, text, values: params })).rows
  // PGlite: one connection in this process, where a plan is cheap next to a round trip.
  const result = await (client as { query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }).query(text, params)
  return result.rows
}

/**
 * A LIMIT written into the text of a statement that queryPrepared runs, where `limit $1` would
 * hide it from the generic plan: PostgreSQL then costs that plan as if a tenth of the table were
 * wanted, finds it dearer than the custom ones, and plans every execution anew (2–3 ms for a list
 * or a search that runs in 1). Only for the small limits of a page (so the texts stay few), and
 * only without an offset, which would make as many texts as there are pages.
 */
export function pageLimit(rows: number): SQL {
  if (!Number.isSafeInteger(rows) || rows < 1 || rows > 1_001) throw new Error(`Not a page limit: ${rows}`)
  return sql.raw(String(rows))
}

/** `pageLimit` for Drizzle's `.limit()`, which writes an SQL value as it is (and a number as a parameter). */
export const pageLimitValue = (rows: number) => pageLimit(rows) as unknown as Placeholder

/** A page's limit by the rule of pageLimit: written into the text without an offset, a parameter with one. */
export const pageLimitFor = (rows: number, offset: number | undefined): SQL => (offset ? sql`${rows}` : pageLimit(rows))

/** `pageLimitFor` for Drizzle's `.limit()`. */
export const pageLimitValueFor = (rows: number, offset: number | undefined): number | Placeholder => (offset ? rows : pageLimitValue(rows))
