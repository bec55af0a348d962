import { badRequest } from '../errors.js'

/** What a keyset cursor remembers: the sort it belongs to, and the last row's sort value and id. */
export interface CursorPosition {
  sort: string
  value: string | number | null
  id: string
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url')
}

/** Reads a cursor made by `encodeCursor` for the same sort; anything else is a 400. */
export function decodeCursor(cursor: string, sort: string): CursorPosition {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badRequest('cursor', 'Not a cursor from meta.nextCursor')
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    !(parsed[1] === null || typeof parsed[1] === 'string' || typeof parsed[1] === 'number') ||
    typeof parsed[2] !== 'string'
  ) {
    throw badRequest('cursor', 'Not a cursor from meta.nextCursor')
  }
  if (parsed[0] !== sort) throw badRequest('cursor', `The cursor belongs to sort=${parsed[0]}, not ${sort}`)
  return { sort: parsed[0], value: parsed[1], id: parsed[2] }
}
