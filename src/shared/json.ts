import { badRequest } from '../errors.js'

const SUSPECT = /"(?:__proto__|constructor)"\s*:/

/** The first key of `value` that would change an object's prototype if copied, by its path. */
function poisonedKey(value: unknown, path: string[] = []): string | undefined {
  if (value === null || typeof value !== 'object') return undefined
  if (Object.hasOwn(value, '__proto__')) return [...path, '__proto__'].join('.')
  const ctor = (value as Record<string, unknown>).constructor
  if (Object.hasOwn(value, 'constructor') && ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) {
    return [...path, 'constructor'].join('.')
  }
  for (const [key, item] of Object.entries(value)) {
    const found = poisonedKey(item, [...path, key])
    if (found) return found
  }
  return undefined
}

/**
 * JSON bodies, parsed as Fastify's own parser does, but a key that would change a prototype
 * (`__proto__`, `constructor.prototype`) is a 400 that names it rather than "not valid JSON".
 */
export function parseJsonBody(text: string): unknown {
  const value: unknown = JSON.parse(text)
  if (!SUSPECT.test(text)) return value
  const path = poisonedKey(value)
  if (path) throw badRequest(path, 'Not accepted as a key: it would change the prototype of an object')
  return value
}

/** JSON bytes of an object with more keys at its end (`html`, `highlight`): its text is not parsed again. */
export function withKeys(object: Buffer, more: Record<string, unknown>): Buffer {
  const text = JSON.stringify(more)
  if (text === '{}') return object
  const end = object.lastIndexOf('}')
  let last = end - 1
  while (last >= 0 && (object[last] === 0x20 || object[last] === 0x0a || object[last] === 0x09 || object[last] === 0x0d)) last--
  const empty = object[last] === 0x7b // '{'
  return Buffer.concat([object.subarray(0, end), Buffer.from(`${empty ? '' : ','}${text.slice(1)}`)])
}

const OPEN = Buffer.from('[')
const COMMA = Buffer.from(',')
const CLOSE = Buffer.from(']')

/** `[a,b,c]` of JSON bytes. */
export function jsonArray(items: Buffer[]): Buffer {
  const parts: Buffer[] = [OPEN]
  items.forEach((item, i) => parts.push(...(i ? [COMMA, item] : [item])))
  parts.push(CLOSE)
  return Buffer.concat(parts)
}

/**
 * The bytes of `before`, each item (base64 of JSON bytes, as PostgreSQL sends an answer) decoded
 * with `between` between them, then `after`: one buffer, each byte written once. Decoding each
 * item into a buffer of its own and joining them copied a list's 120 KB twice more, and those
 * copies, outside V8's heap, made it collect its old generation twice a second under load.
 */
export function decodedJson(before: string, items: readonly string[], between: string, after: string): Buffer {
  // An upper bound: PostgreSQL breaks its base64 into lines, and the breaks decode to nothing.
  let size = Buffer.byteLength(before) + Buffer.byteLength(after) + Math.max(0, items.length - 1) * Buffer.byteLength(between)
  for (const item of items) size += Buffer.byteLength(item, 'base64')
  const out = Buffer.allocUnsafe(size)
  let at = out.write(before, 0)
  for (let i = 0; i < items.length; i++) {
    if (i) at += out.write(between, at)
    at += out.write(items[i]!, at, 'base64')
  }
  at += out.write(after, at)
  return out.subarray(0, at)
}
