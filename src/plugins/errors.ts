import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type ProblemFields, problemTitles, RouteNotFound } from '../errors.js'
import { hasAnswered } from './slow-clients.js'

const TYPE_BASE = 'urn:bantin:problem:'

interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  errors?: { path: string; message: string }[]
}

interface PgError {
  code: string
  message: string
  constraint?: string
  detail?: string
}

/** PostgreSQL error fields, found on the error or, when Drizzle wrapped it, on its cause. */
function pgError(err: unknown): PgError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      const { constraint, detail } = e as { constraint?: string; detail?: string }
      return { code, message: String((e as { message?: unknown }).message ?? ''), constraint, detail }
    }
  }
  return undefined
}

/**
 * The field of a write that each foreign key checks, so that a reference to something missing is
 * a 422 naming that field: the database checks references (race-free, and at no extra query).
 */
const foreignKeyFields: Record<string, { path: string; what: string; list?: { field: string; key: string } }> = {
  articles_category_id_categories_id_fk: { path: 'categoryId', what: 'category' },
  articles_cover_id_media_id_fk: { path: 'coverId', what: 'media' },
  article_people_person_id_people_id_fk: { path: 'people', what: 'person', list: { field: 'people', key: 'personId' } },
  categories_parent_id_categories_id_fk: { path: 'parentId', what: 'category' },
  people_photo_id_media_id_fk: { path: 'photoId', what: 'media' },
  media_credit_person_id_people_id_fk: { path: 'creditPersonId', what: 'person' },
  documents_kind_document_kinds_slug_fk: { path: 'kind', what: 'document kind' },
  documents_signer_id_people_id_fk: { path: 'signerId', what: 'person' },
  articles_seo_image_id_media_id_fk: { path: 'seo.imageId', what: 'media' },
  categories_seo_image_id_media_id_fk: { path: 'seo.imageId', what: 'media' },
  pages_seo_image_id_media_id_fk: { path: 'seo.imageId', what: 'media' },
}

function missingReference(pg: PgError, body: unknown): Problem {
  const field = pg.constraint ? foreignKeyFields[pg.constraint] : undefined
  if (!field) return problem(422, 'unknown-reference', 'A referenced resource does not exist')
  let path = field.path
  if (field.list) {
    const value = /Key \([a-z_]+\)=\(([^)]*)\)/.exec(pg.detail ?? '')?.[1]
    const items = (body as Record<string, unknown> | undefined)?.[field.list.field]
    const index = Array.isArray(items) ? items.findIndex((item) => (item as Record<string, unknown>)?.[field.list!.key] === value) : -1
    path = index >= 0 ? `${field.list.field}.${index}.${field.list.key}` : field.list.field
  }
  return problem(422, 'unknown-reference', `${path} refers to a ${field.what} that does not exist`, [{ path, message: `${field.what} not found` }])
}

/** A full disk, wherever it was met: the file system, libvips (which reports it in words), PostgreSQL. */
export function isDiskFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === '53100') return true
    if (/No space left on device|Disk quota exceeded/i.test(String((e as { message?: unknown }).message ?? ''))) return true
  }
  return false
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'])

function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    const message = String((e as { message?: unknown }).message ?? '')
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true
    if (/Connection terminated|timeout exceeded when trying to connect|database did not answer|PGlite is closed|Query read timeout/i.test(message)) return true
    if (typeof code === 'string' && /^(08|57P0|57014)/.test(code)) return true
  }
  return false
}

/** Fastify's own errors, named as ours are: one problem type per kind of problem. */
const kindOf: Record<string, string> = {
  BAD_REQUEST: 'invalid-request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-request',
  FST_ERR_VALIDATION: 'invalid-request',
  FST_ERR_BAD_URL: 'invalid-request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri-too-long',
}

/** What Node's HTTP parser refuses before any route runs, by its error code. */
function clientProblem(code: string | undefined): Problem {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return problem(408, 'request-timeout', 'The request did not arrive in time')
  if (code === 'HPE_HEADER_OVERFLOW') return problem(431, 'headers-too-large', 'The request line and headers are larger than the server accepts')
  return problem(400, 'malformed-request', 'The request is not valid HTTP')
}

interface Validation {
  instancePath?: string
  message?: string
  keyword?: string
  params?: { keys?: unknown }
}

/** One entry per offending field; an unknown key is named by its own path, not its parent's. */
function validationErrors(validation: Validation[], where: string): { path: string; message: string }[] {
  const unknown = where === 'body' ? 'Unknown field' : 'Unknown parameter'
  return validation.flatMap((v) => {
    const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    const keys = v.keyword === 'unrecognized_keys' && Array.isArray(v.params?.keys) ? (v.params.keys as string[]) : undefined
    if (keys) return keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: unknown }))
    return [{ path, message: v.message ?? 'Invalid value' }]
  })
}


const kebab = (code: string) => code.toLowerCase().replace(/^fst_err_/, '').replace(/_/g, '-')

function problem(status: number, kind: string, detail?: string, errors?: Problem['errors']): Problem {
  return {
    type: TYPE_BASE + kind,
    title: problemTitles[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    ...(errors ? { errors } : {}),
  }
}

/** Turns any error into RFC 9457 problem details; 5xx answers say nothing about internals. */
export function toProblem(err: FastifyError & ProblemFields, body?: unknown): Problem {
  if (Array.isArray(err.validation) && err.validation.length > 0) {
    const where = err.validationContext ?? 'body'
    const errors = validationErrors(err.validation as Validation[], where)
    const detail = errors.map((e) => `${where}${e.path ? `/${e.path.replace(/\./g, '/')}` : ''}: ${e.message}`).join('; ')
    return problem(400, 'invalid-request', detail, errors)
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
    return problem(400, 'malformed-json', 'The body is not valid JSON', [{ path: '', message: 'Malformed JSON' }])
  }
  const pg = pgError(err)
  if (pg) {
    if (pg.code === '23505') return problem(409, 'conflict', 'A resource with this unique value already exists')
    if (pg.code === '23503') {
      return pg.message.startsWith('update or delete')
        ? problem(409, 'in-use', 'The resource is still referenced')
        : missingReference(pg, body)
    }
    // Bad text, a number out of range, a malformed value: the request's fault (the schemas catch
    // most of these first, naming the field).
    if (['22P02', '22007', '22008', '22021', '22P05', '22003', '54000'].includes(pg.code)) {
      return problem(400, 'invalid-request', 'A value has the wrong format, or is out of range')
    }
    if (pg.code === '23514') return problem(422, 'constraint', 'The values break a rule of the resource')
  }
  if (isDiskFull(err)) return problem(507, 'insufficient-storage', 'The server has no room to store this; nothing was kept')
  if (isConnectionError(err)) return problem(503, 'unavailable', 'The database is not answering; try again shortly')

  const status = err.statusCode ?? 500
  if (status === 503 || status === 507) return problem(status, status === 503 ? 'unavailable' : 'insufficient-storage', err.message)
  if (status >= 500) return problem(500, 'internal')
  const kind = (err.code && kindOf[err.code]) ?? (err.code ? kebab(err.code) : 'error')
  return problem(status, kind, err.message, err.errors)
}

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

function sendProblem(err: FastifyError & ProblemFields, req: FastifyRequest, reply: FastifyReply) {
  const body = toProblem(err, req.body)
  if (body.status >= 500 && body.status !== 507) req.log.error({ err }, 'request failed')
  else if (body.status === 507) req.log.error({ err: { message: err.message, code: err.code } }, 'disk full')
  else req.log.info({ problem: body.type, status: body.status }, 'request rejected')
  if ((body.status === 503 || body.status === 429) && !reply.hasHeader('retry-after')) reply.header('retry-after', '5')
  if (body.status === 401) reply.header('www-authenticate', 'Bearer realm="bantin"')
  for (const [name, value] of Object.entries(err.headers ?? {})) reply.header(name, value)
  return reply.code(body.status).type(PROBLEM_TYPE).send(body)
}

/**
 * Errors Fastify meets before routing (a URL that does not decode, a parameter past its length),
 * answered like every other: these replies bypass the hooks, so their headers are set here.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (err, req, reply) => {
  reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').header('x-request-id', req.id)
  // The URL is what was wrong: it is not echoed back.
  err.message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path segment is longer than the server accepts' : 'The URL is not valid percent-encoded UTF-8'
  const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400
  const body = toProblem(Object.assign(err, { statusCode: status }))
  req.log.info({ problem: body.type, status }, 'request rejected')
  void (reply as FastifyReply).code(status).type(PROBLEM_TYPE).send(body)
}

/**
 * What Node's HTTP parser refuses (a header section too large, bytes that are not HTTP, a request
 * that did not arrive in time), written straight to the socket as problem+json. Nothing is written
 * where an answer has already begun or been sent.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
  if (socket.writable && !hasAnswered(socket) && !pending?.headersSent) {
    const body = JSON.stringify(clientProblem(err.code))
    const { status } = clientProblem(err.code)
    this.log.info({ status, code: err.code }, 'request rejected by the HTTP parser')
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  // Half-closed first, so the client reads the answer before the connection goes.
  socket.end()
  setTimeout(() => socket.destroy(), 1_000).unref()
}

export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler(sendProblem)

    app.setNotFoundHandler((req, reply) => {
      const err = new RouteNotFound(req.method, req.url.split('?')[0] ?? '')
      return reply.code(404).type('application/problem+json; charset=utf-8').send(toProblem(err))
    })
  },
  { name: 'errors' },
)
