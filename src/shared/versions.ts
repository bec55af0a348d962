import { PreconditionFailed } from '../errors.js'

/** The version a write requires (from If-Match), `*` for any existing version, or nothing. */
export type ExpectedVersion = number | '*' | undefined

/** Throws the 412 of a write whose If-Match names another version than the current one. */
export function checkVersion(required: ExpectedVersion, current: number): void {
  if (required === undefined || required === '*' || required === current) return
  throw new PreconditionFailed(`The resource is at version ${current}; If-Match asked for another. Read it again and redo the change.`)
}
