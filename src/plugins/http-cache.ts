import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { digest } from '../shared/etags.js'
import type { ExpectedVersion } from '../shared/versions.js'

const PUBLIC = 'public, max-age=60, stale-while-revalidate=600'
const PRIVATE = 'private, no-store'

const tagValue = (tag: string) => tag.trim().replace(/^W\//, '')

/** Does an If-None-Match header name this ETag? (weak comparison, RFC 9110 13.1.2) */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  const value = tagValue(etag)
  return header.split(',').some((t) => tagValue(t) === value)
}

/**
 * The version an If-Match header requires, if any. `*` requires only that the resource exists.
 * Tags that are not of this API's article form can never match: the write is refused.
 */
export function requiredVersion(req: FastifyRequest): ExpectedVersion {
  const header = req.headers['if-match']
  if (header === undefined) return undefined
  if (header.trim() === '*') return '*'
  for (const tag of header.split(',')) {
    const match = /^"v(\d{1,9})(?:-[\w-]+)?"$/.exec(tag.trim())
    if (match) return Number(match[1])
  }
  return -1
}

const isRead = (req: FastifyRequest) => req.method === 'GET' || req.method === 'HEAD'

/** A serialized answer, or JSON a route wrote itself into a Buffer (files are streams, left alone). */
const isJsonText = (reply: FastifyReply, payload: unknown): payload is string | Buffer =>
  typeof payload === 'string' || (Buffer.isBuffer(payload) && String(reply.getHeader('content-type')).startsWith('application/json'))

/**
 * ETag on every JSON read (the route's own, or a digest of the body), 304 for a matching
 * If-None-Match, and Cache-Control by audience: shared caches may keep what anonymous callers
 * get, never what a token gets.
 */
export default fp(
  async function httpCache(app: FastifyInstance) {
    app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // Added to what is there: CORS varies by Origin, and a cache must keep both apart.
      const vary = reply.getHeader('vary')
      reply.header('vary', vary ? `${vary}, Authorization` : 'Authorization')
      // A 304 has no body, so no length and no type either: a stray length makes clients wait for bytes.
      if (reply.statusCode === 304) {
        reply.removeHeader('content-type')
        return null
      }
      if (!isRead(req) || reply.statusCode !== 200 || !isJsonText(reply, payload)) {
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
        return payload
      }
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', req.headers.authorization ? PRIVATE : PUBLIC)
      let etag = reply.getHeader('etag') as string | undefined
      if (!etag) {
        etag = `W/"${digest(payload)}"`
        reply.header('etag', etag)
      }
      if (noneMatch(req.headers['if-none-match'], etag)) {
        reply.code(304)
        reply.removeHeader('content-type')
        return null
      }
      return payload
    })
  },
  { name: 'http-cache' },
)

/** Answers 304 straight away when the caller already has `etag`; true when it did. */
export function notModified(req: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header('etag', etag)
  if (!noneMatch(req.headers['if-none-match'], etag)) return false
  reply.code(304).header('cache-control', req.headers.authorization ? PRIVATE : PUBLIC)
  return true
}

/** Whether If-Modified-Since names a time at or after `changed` (HTTP dates have whole seconds). */
function unchangedSince(header: string | undefined, changed: Date): boolean {
  const since = header ? Date.parse(header) : Number.NaN
  return !Number.isNaN(since) && Math.floor(changed.getTime() / 1000) * 1000 <= since
}

/**
 * For answers that are the same for every caller, whatever token it sends (feeds, sitemaps):
 * public caching, the ETag and Last-Modified, and a 304 when the caller has them (If-None-Match
 * decides when sent, If-Modified-Since only without it). True when it answered 304.
 */
export function publicNotModified(req: FastifyRequest, reply: FastifyReply, etag: string, lastModified?: Date): boolean {
  reply.header('etag', etag).header('cache-control', PUBLIC)
  if (lastModified) reply.header('last-modified', lastModified.toUTCString())
  const ifNoneMatch = req.headers['if-none-match']
  const fresh = ifNoneMatch !== undefined ? noneMatch(ifNoneMatch, etag) : lastModified !== undefined && unchangedSince(req.headers['if-modified-since'], lastModified)
  if (fresh) reply.code(304)
  return fresh
}
