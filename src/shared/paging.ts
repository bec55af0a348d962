import { badRequest } from '../errors.js'
import { type CursorPosition, decodeCursor, encodeCursor } from './cursor.js'

export interface PageQuery {
  limit: number
  offset?: number | undefined
  cursor?: string | undefined
}

/** Where a page starts: after a cursor's row (keyset) or after `offset` rows, never both. */
export function pageStart(query: PageQuery, sort: string): { after?: CursorPosition; offset: number } {
  if (query.cursor !== undefined && query.offset !== undefined) {
    throw badRequest('cursor', 'Use either cursor or offset, not both')
  }
  if (query.cursor !== undefined) return { after: decodeCursor(query.cursor, sort), offset: 0 }
  return { offset: query.offset ?? 0 }
}

/**
 * Cuts the `limit + 1` rows a query fetched down to a page and makes the cursor that continues
 * after its last row; `nextCursor` is null on the last page.
 */
export function finishPage<T>(
  rows: T[],
  limit: number,
  sort: string,
  position: (row: T) => { value: string | number | null; id: string },
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null }
  const page = rows.slice(0, limit)
  const last = position(page[page.length - 1]!)
  return { rows: page, nextCursor: encodeCursor({ sort, ...last }) }
}

/** `%` and `_` in a search string match themselves. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)
