import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { type FixedStatement, fixedStatementOf, type NamedValues, runFixed } from '../db/prepared.js'
import { type ChangeOp, changes, type ResourceType } from '../db/schema.js'
import { type Principal, SYSTEM } from './principal.js'

/** What a write did to one resource, for the change log (the sync feed, webhooks). */
export interface Change {
  type: ResourceType
  id: string
  op: ChangeOp
  /** Webhook event names, e.g. `['article.created', 'article.published']`. */
  events: string[]
  version: number | null
  slug: string | null
  actor: Principal
  at: Date
}

/**
 * The change of a write to a resource with one event per write (categories, people, media): the
 * row as the write left it, and no version once it is deleted.
 */
export function rowChange(
  type: ResourceType,
  event: string,
  row: { id: string; version: number; slug?: string; updatedAt: Date },
  actor: Principal,
  op: ChangeOp = 'upsert',
): Change {
  return {
    type,
    id: row.id,
    op,
    events: [event],
    version: op === 'delete' ? null : row.version,
    slug: row.slug ?? null,
    actor,
    at: op === 'delete' ? new Date() : row.updatedAt,
  }
}

/** What a write's work hands back: its answer, and its change (a job's may be several), or null when nothing changed. */
export interface Written<T> {
  result: T
  change: Change | Change[] | null
}

const changeRow = (change: Change) => ({
  type: change.type,
  resourceId: change.id,
  op: change.op,
  events: change.events,
  version: change.version,
  slug: change.slug,
  actor: change.actor.name,
  tokenId: change.actor.tokenId === SYSTEM.tokenId ? null : change.actor.tokenId,
  at: change.at,
})

/**
 * The one way content changes: runs `work` in a transaction and records the change it reports
 * in that same transaction, so a change is in the log exactly when the write committed.
 */
export async function write<T>(db: Db, work: (tx: Db) => Promise<Written<T>>): Promise<T> {
  return db.transaction(async (tx) => {
    const { result, change } = await work(tx)
    const rows = (Array.isArray(change) ? change : change ? [change] : []).map(changeRow)
    if (rows.length) await tx.insert(changes).values(rows)
    return result
  })
}

/** The statements a one-statement write runs: `first` returns its rows, `rest` follow it. */
export interface OneStatement {
  first: SQL
  rest: SQL[]
}

const oneStatements = new Map<string, FixedStatement>()

/**
 * Runs data-changing statements and the change record as one statement (each a part of one
 * WITH): atomic without a transaction, in one round trip. The statements must not depend on
 * each other's effects (they all see the same snapshot): inserts of new rows with known ids.
 * `first` must return its rows: the statement reads them, so it runs before the others, and a
 * unique key it is refused on (a taken slug) fails the statement before anything else is written.
 *
 * The statements take their values from `values` (named placeholders) and `build` makes them
 * only for a shape not seen before: the text is written out once per shape and prepared, so
 * that neither Drizzle (0.5 ms for a create's statement) nor PostgreSQL's parser and planner
 * (0.45 ms) does it again for each write.
 */
export async function writeInOneStatement(db: Db, values: NamedValues, build: () => OneStatement, change: Change): Promise<void> {
  const changeValues = values.row('change', changes, changeRow(change))
  const statement = fixedStatementOf(oneStatements, values.shape, () => {
    const { first, rest } = build()
    const parts = [first, ...rest, db.insert(changes).values(changeValues).getSQL()].map((s, i) => sql`${sql.raw(`w${i}`)} as (${s})`)
    return sql`with ${sql.join(parts, sql`, `)} select count(*) from w0`
  })
  await runFixed(db, statement, values.values)
}

/** Whether two JSON values are equal, whatever the order of object keys (jsonb reorders them). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => sameJson(v, (b as unknown[])[i]))
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined)
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
  return keysA.length === keysB.length && keysA.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/**
 * The fields of a patch whose values differ from the current row's, or null when none does: a
 * patch that changes nothing writes nothing.
 */
export function changedFields<Patch extends object>(current: object, patch: Patch): Partial<Patch> | null {
  const changed = Object.entries(patch).filter(
    ([key, value]) => value !== undefined && !sameJson(value, (current as Record<string, unknown>)[key]),
  )
  return changed.length ? (Object.fromEntries(changed) as Partial<Patch>) : null
}
