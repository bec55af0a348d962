/**
 * The finishing pass over the OpenAPI document that @fastify/swagger builds from the routes: what
 * every operation shares (errors as problem+json, caching and rate-limit headers, the If-Match and
 * If-None-Match parameters, honest descriptions) is written here once, from facts each route's
 * transform leaves under `x-bantin`, instead of being repeated in every route file.
 */

/** What the route transform records on an operation for this pass (removed from the output). */
export interface RouteFacts {
  role?: string
  rateLimited: boolean
}

export const FACTS = 'x-bantin'
/** Headers a handler sets on a success answer, named on its response schema (see withHeaders). */
export const HEADERS = 'x-headers'

type Json = Record<string, unknown>
interface Operation {
  parameters?: Json[]
  requestBody?: Json
  responses: Record<string, Json>
  description?: string
  security?: Json[]
  [FACTS]?: RouteFacts
}

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }

/** Every problem status the API answers, as a reusable response; headers name components.headers. */
const problems: Record<string, { name: string; description: string; headers?: string[] }> = {
  400: { name: 'BadRequest', description: 'Malformed JSON, a schema violation or a bad parameter; errors[] names each field' },
  401: { name: 'Unauthorized', description: 'A token is needed, or the one sent is malformed, invalid or revoked', headers: ['WWW-Authenticate'] },
  403: { name: 'Forbidden', description: 'The token lacks the role this needs' },
  404: { name: 'NotFound', description: 'Not found, or not visible to this caller' },
  408: { name: 'RequestTimeout', description: 'The body did not arrive in time' },
  409: { name: 'Conflict', description: 'The state forbids it: a slug taken, or something still in use' },
  410: { name: 'Gone', description: 'The cursor is older than the server can serve: start a full sync' },
  412: { name: 'PreconditionFailed', description: 'If-Match does not name the current version: nothing was written' },
  413: { name: 'ContentTooLarge', description: 'The body or upload is larger than the server accepts' },
  415: { name: 'UnsupportedMediaType', description: 'A body of a type not accepted here (JSON; multipart/form-data for uploads), a compressed body, or an upload of a file type that is not allowed' },
  416: { name: 'RangeNotSatisfiable', description: 'The range starts past the end of the file', headers: ['Content-Range'] },
  422: { name: 'UnprocessableContent', description: 'A reference to something that does not exist, or a value the resource cannot take' },
  429: { name: 'TooManyRequests', description: 'Rate limited: try again after Retry-After seconds', headers: ['Retry-After'] },
  503: { name: 'ServiceUnavailable', description: 'The database is not answering, or the server is shutting down; never a hang', headers: ['Retry-After'] },
  507: { name: 'InsufficientStorage', description: 'The server has no room to store this; nothing was kept' },
}

const successes: Record<string, string> = {
  200: 'OK',
  201: 'Created: Location names the new resource',
  202: 'Accepted: queued, its outcome in the delivery log',
  204: 'Done: no content',
  206: 'Partial content: the one range asked for',
  304: 'Not modified: the If-None-Match ETag is current',
}

const RATE_LIMIT = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']

const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema })
const headers: Record<string, Json> = {
  ETag: header('The version of what was answered; send it as If-None-Match (reads) or If-Match (writes)', { type: 'string', example: '"v3"' }),
  Location: header('Where the new resource (or the queued delivery) is', { type: 'string', example: '/v1/articles/01938f4e-5b7a-7c3d-9f1e-2a4b6c8d0e1f' }),
  'Last-Modified': header('When what was answered last changed; send it as If-Modified-Since', { type: 'string', example: 'Mon, 02 Dec 2024 08:30:00 GMT' }),
  'Retry-After': header('Seconds to wait before trying again', { type: 'integer', example: 5 }),
  'WWW-Authenticate': header('Bearer realm="bantin"'),
  'Content-Range': header('bytes */<size>: the size of the file', { type: 'string', example: 'bytes */48213' }),
  'X-RateLimit-Limit': header('Requests allowed per window', { type: 'integer', example: 600 }),
  'X-RateLimit-Remaining': header('Requests left in this window', { type: 'integer', example: 599 }),
  'X-RateLimit-Reset': header('Seconds until the window starts again', { type: 'integer', example: 60 }),
}

const parameters = {
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'The ETag of your last read: a stale one is a 412 and nothing is written; * needs only that it exists. Without it the write goes through.',
    schema: { type: 'string', example: '"v3"' },
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'An ETag you hold: when it is current the answer is a 304 without a body',
    schema: { type: 'string', example: 'W/"5d41402abc4b2a76"' },
  },
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` })

/** A JSON number bound that only says "a JavaScript safe integer": noise to every reader. */
const SAFE = Number.MAX_SAFE_INTEGER

function stripSafeBounds(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(stripSafeBounds)
  if (!value || typeof value !== 'object') return
  const node = value as Json
  if (node.minimum === -SAFE) delete node.minimum
  if (node.maximum === SAFE) delete node.maximum
  for (const child of Object.values(node)) stripSafeBounds(child)
}

/** Drops components nothing refers to (zod's input twins of output schemas, mostly), until none is left. */
function dropUnused(doc: Json): void {
  const components = doc.components as Record<string, Record<string, unknown>>
  for (;;) {
    const text = JSON.stringify({ ...doc, components: { ...components, securitySchemes: {} } })
    let dropped = false
    for (const kind of ['schemas', 'responses', 'headers', 'parameters']) {
      for (const name of Object.keys(components[kind] ?? {})) {
        // Each component's own text is in `text` too: a reference counts only from elsewhere.
        const own = JSON.stringify(components[kind]![name]).split(`"#/components/${kind}/${name}"`).length - 1
        if (text.split(`"#/components/${kind}/${name}"`).length - 1 > own) continue
        delete components[kind]![name]
        dropped = true
      }
    }
    if (!dropped) return
  }
}

function finishOperation(method: string, op: Operation, rateLimit: boolean): void {
  const facts = op[FACTS] ?? { rateLimited: false }
  delete op[FACTS]
  const read = method === 'get'
  const limited = rateLimit && facts.rateLimited
  const statuses = new Set(Object.keys(op.responses))
  const params = op.parameters ?? []

  // What any route can answer: a token is checked wherever one is sent, the database can be away.
  if (params.length > 0 || op.requestBody) statuses.add('400')
  statuses.add('401').add('503')
  if (facts.role) statuses.add('403')
  if (op.requestBody) statuses.add('408').add('413').add('415')
  if (!read) statuses.add('507')
  if (limited) statuses.add('429')
  if (read) statuses.add('304')

  if (statuses.has('412')) params.push(ref('parameters', 'IfMatch'))
  if (read) params.push(ref('parameters', 'IfNoneMatch'))
  for (const param of params) {
    // A comma list is one parameter: include=category,people.
    if ((param.schema as Json | undefined)?.type === 'array') Object.assign(param, { style: 'form', explode: false })
  }
  if (params.length > 0) op.parameters = params

  const responses: Record<string, Json> = {}
  for (const status of [...statuses].sort()) {
    const problem = problems[status]
    if (problem) {
      responses[status] = ref('responses', problem.name)
      continue
    }
    const response = op.responses[status] ?? { description: successes[status] }
    if (!response.description || response.description === 'Default Response') response.description = successes[status] ?? 'OK'
    const named = new Set<string>()
    for (const media of Object.values((response.content ?? {}) as Record<string, { schema?: Json }>)) {
      for (const name of (media.schema?.[HEADERS] as string[] | undefined) ?? []) named.add(name)
      delete media.schema?.[HEADERS]
    }
    if (read && ['200', '206', '304'].includes(status)) named.add('ETag')
    if (limited) RATE_LIMIT.forEach((name) => named.add(name))
    if (named.size > 0) response.headers = Object.fromEntries([...named].map((name) => [name, ref('headers', name)]))
    responses[status] = response
  }
  op.responses = responses

  const note = facts.role
    ? `Requires a token with the role \`${facts.role}\` or higher.`
    : 'No token needed; a token may be sent (what it shows depends on its role), and an invalid one is a 401.'
  op.description = op.description ? `${op.description}\n\n${note}` : note
  op.security = facts.role ? [{ bearerAuth: [] }] : [{}, { bearerAuth: [] }]
}

/** Finishes the document in place (see the module comment); `rateLimit` when limits are on. */
export function finishDocument(doc: Json, { rateLimit }: { rateLimit: boolean }): Json {
  for (const item of Object.values(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) finishOperation(method, op, rateLimit)
  }
  const components = (doc.components ??= {}) as Record<string, Record<string, unknown>>
  components.parameters = { ...parameters }
  components.headers = { ...headers }
  components.responses = Object.fromEntries(
    Object.values(problems).map(({ name, description, headers: named = [] }) => {
      const all = rateLimit ? [...named, ...RATE_LIMIT] : named
      return [name, { description, content: PROBLEM, ...(all.length > 0 && { headers: Object.fromEntries(all.map((h) => [h, ref('headers', h)])) }) }]
    }),
  )
  stripSafeBounds(doc)
  dropUnused(doc)
  return doc
}
