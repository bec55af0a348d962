import { type AnyColumn, type SQL, sql } from 'drizzle-orm'
import type { CursorPosition } from './cursor.js'

export interface SortSpec {
  column: AnyColumn
  direction: 'asc' | 'desc'
  /** The column may hold nulls: they sort last in both directions. */
  nullable: boolean
  /** How a cursor value is cast back to the column's type. */
  cast: 'timestamptz' | 'text' | 'integer' | 'date'
}

/** ORDER BY for a sort, always NULLS LAST, so it matches the indexes built for it. */
export function orderBy(spec: SortSpec, id: AnyColumn): SQL[] {
  const dir = spec.direction === 'desc' ? sql`desc nulls last` : sql`asc nulls last`
  return [sql`${spec.column} ${dir}`, sql`${id} ${dir}`]
}

/** Rows strictly after the cursor's row in the sort's order: a row-value comparison an index serves. */
export function afterCursor(spec: SortSpec, id: AnyColumn, position: CursorPosition): SQL {
  if (position.value === null) return sql`(${spec.column} is null and ${id} ${comparison(spec)} ${position.id})`
  return afterValues(spec, id, String(position.value), position.id)
}

const comparison = (spec: SortSpec) => (spec.direction === 'desc' ? sql.raw('<') : sql.raw('>'))

/**
 * afterCursor for a row whose sort value is not null, the value and the id given as they are
 * bound: parameters, or placeholders of a statement written out once.
 */
export function afterValues(spec: SortSpec, id: AnyColumn, value: unknown, idValue: unknown): SQL {
  const after = sql`(${spec.column}, ${id}) ${comparison(spec)} (${value}::${sql.raw(spec.cast)}, ${idValue}::uuid)`
  return spec.nullable ? sql`(${after} or ${spec.column} is null)` : after
}

export function cursorValue(value: Date | string | null): string | null {
  return value instanceof Date ? value.toISOString() : value
}
