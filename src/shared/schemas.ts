import type { FastifyInstance, FastifyReply, FastifySchemaCompiler, FastifySchemaValidationError, FastifySerializerCompiler } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { isUuid } from './ids.js'
import { problemExample } from './examples.js'
import { decodedJson } from './json.js'

const NON_ASCII = /[^\x00-\x7f]/

/**
 * Text as the API keeps it: every string of a request in Unicode NFC, so that "dân vận" typed on
 * a Mac (NFD) and on Windows (NFC) are one tag, one title, one filter. Strings holding NUL (which
 * PostgreSQL cannot store) are listed in `nul` by their path.
 */
export function normalizeInput(value: unknown, nul: (string | number)[][] = [], path: (string | number)[] = []): unknown {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) nul.push(path)
    return NON_ASCII.test(value) ? value.normalize('NFC') : value
  }
  if (Array.isArray(value)) return value.map((item, i) => normalizeInput(item, nul, [...path, i]))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = normalizeInput(item, nul, [...path, key])
    return out
  }
  return value
}

export const NUL_MESSAGE = 'Text may not contain NUL characters'

/**
 * The validator of every route's body, query string and parameters: the input normalized (see
 * normalizeInput), then checked by its zod schema. New schemas get both without asking.
 */
export const inputValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route)
  return (data: unknown) => {
    const nul: (string | number)[][] = []
    const value = normalizeInput(data, nul)
    if (nul.length === 0) return validate(value)
    const error: FastifySchemaValidationError[] = nul.map((path) => ({
      keyword: 'nul',
      instancePath: `/${path.join('/')}`,
      schemaPath: '#',
      params: {},
      message: NUL_MESSAGE,
    }))
    return { error }
  }
}

/**
 * A serializer that checks the answer as a client reads it (JSON.stringify, then parsed again)
 * against the route's zod schema for its status, and throws when they differ. For tests only:
 * see buildApp's checkResponses.
 */
export const checkedSerializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema, method, url, httpStatus }) => (data) => {
  const json = JSON.stringify(data)
  const result = schema.safeParse(json === undefined ? undefined : JSON.parse(json))
  if (!result.success) {
    throw new Error(`${method} ${url} ${httpStatus}: the answer does not match its schema:\n${z.prettifyError(result.error)}`)
  }
  return json
}

/**
 * Sends JSON text a route wrote itself (a large page built a chunk at a time), which no
 * serializer sees. Tests check it against the route's schema all the same: `checkJsonText`.
 */
export const sendJsonText = (reply: FastifyReply, json: Buffer) => (reply as FastifyReply).type('application/json; charset=utf-8').send(json)

/**
 * The JSON text of `{ data }` (see `one`) around one item: its JSON bytes, or its answer as
 * PostgreSQL sent it (base64, decoded straight into the text).
 */
export const oneText = (data: Buffer | string) =>
  typeof data === 'string' ? decodedJson('{"data":', [data], '', '}') : Buffer.concat([DATA, data, END])

/**
 * The JSON text of `{ data, meta }` (see `many`) around a list's items: the JSON bytes of their
 * array, or their answers as PostgreSQL sent them (base64, decoded straight into the text).
 */
export const manyText = (data: Buffer | readonly string[], meta: object) => {
  const after = `,"meta":${JSON.stringify(meta)}}`
  return Buffer.isBuffer(data) ? Buffer.concat([DATA, data, Buffer.from(after)]) : decodedJson('{"data":[', data, ',', `]${after}`)
}

const DATA = Buffer.from('{"data":')
const END = Buffer.from('}')

/** checkedSerializerCompiler's check, for the answers of `sendJsonText`. For tests only. */
export function checkJsonText(app: FastifyInstance) {
  app.addHook('onSend', async (req, reply, payload) => {
    if (!Buffer.isBuffer(payload) || !String(reply.getHeader('content-type')).startsWith('application/json')) return payload
    const schema = (req.routeOptions.schema?.response as Record<number, z.ZodType> | undefined)?.[reply.statusCode]
    if (!schema) throw new Error(`${req.method} ${req.routeOptions.url} ${reply.statusCode}: JSON text without a response schema`)
    const result = schema.safeParse(JSON.parse(payload.toString('utf8')))
    if (!result.success) {
      throw new Error(`${req.method} ${req.routeOptions.url} ${reply.statusCode}: the answer does not match its schema:\n${z.prettifyError(result.error)}`)
    }
    return payload
  })
}

/** A whole number in a query string or path: digits only, so "1e2", "0x10" and "5.0" are refused. */
export const QueryInt = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'A whole number, in digits' : undefined) })
      .int()
      .min(min)
      .max(max),
  )

export const Slug = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Lowercase ASCII letters, digits and single dashes')
  .refine((v) => !isUuid(v), 'A slug cannot look like an id: ids and slugs share one path')
  .meta({ id: 'Slug', example: 'tin-tuc-su-kien' })

export const Timestamp = z.iso.datetime({ offset: true }).meta({ id: 'Timestamp', example: '2023-12-06T07:00:00.000Z' })

/**
 * An input timestamp: RFC 3339 with a zone, turned into a Date. Years 0001–9999 only: PostgreSQL
 * has no year 0, and a later year is no news date.
 */
export const TimestampInput = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v))
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'Out of range: years 0001 to 9999')

export const IdOrSlugParams = z.strictObject({
  idOrSlug: z.string().min(1).max(200).describe('The resource id (UUID) or its slug'),
})

export const IdParams = z.strictObject({ id: z.uuid() })

export const Limit = QueryInt(1, 100).default(20).describe('1–100, default 20')
export const Offset = QueryInt(0, 1_000_000)
  .optional()
  .describe('Offset paging: skips this many matches; meta.total then counts all matches')
export const Cursor = z.string().min(1).max(1000).optional().describe('The opaque meta.nextCursor of the page before')

/**
 * A comma list of names from `allowed`; unknown names are a 400. It arrives as one string, and is
 * documented as what it is: an array of names, serialized as a form parameter without explode.
 */
export function commaList<const T extends readonly [string, ...string[]]>(allowed: T) {
  return z
    .string()
    .max(1000)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(allowed)))
    .transform((list) => (list.length ? list : undefined))
    .optional()
    .describe(`Comma list of ${allowed.join(', ')}`)
    .meta({ type: 'array', items: { type: 'string', enum: [...allowed] }, uniqueItems: true, maxLength: undefined })
}

export const ListMeta = z
  .object({
    limit: z.number().int(),
    offset: z.number().int().optional(),
    total: z.number().int().optional().describe('Only with offset paging'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  })
  .meta({ id: 'ListMeta' })

export const one = <T extends z.ZodType>(data: T) => z.object({ data })
export const many = <T extends z.ZodType>(data: T) => z.object({ data: z.array(data), meta: ListMeta })

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details', example: problemExample })

/** Nullable optional text for writes: empty strings are stored as null. */
export const OptionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullish()

/** Bytes, not JSON: a file part of a form, or the body of a file answer. */
export const Binary = z.string().meta({ format: 'binary' })

/** Headers the handler sets on this answer, for the OpenAPI document (see plugins/openapi.document.ts). */
export const withHeaders = <T extends z.ZodType>(schema: T, ...headers: ('ETag' | 'Location' | 'Last-Modified')[]) => schema.meta({ 'x-headers': headers })

export const NoContent = z.null().describe('No content')
export const NotModified = z.null().describe('Not modified: the If-None-Match ETag is current')
