import createError from '@fastify/error'

/** A problem that the API answers with; `code` becomes the problem type URI. */
export interface ProblemFields {
  errors?: { path: string; message: string }[]
  headers?: Record<string, string>
}

export const BadRequest = createError<[string]>('BAD_REQUEST', '%s', 400)
export const Unauthorized = createError<[string]>('UNAUTHORIZED', '%s', 401)
export const Forbidden = createError<[string]>('FORBIDDEN', 'This token lacks the role %s', 403)
export const CorsRefused = createError<[string]>('CORS_REFUSED', '%s', 403)
export const NotFound = createError<[string, string]>('NOT_FOUND', '%s %s not found', 404)
export const RouteNotFound = createError<[string, string]>('NOT_FOUND', 'No route %s %s', 404)
/** Feeds and sitemaps link to the public site: without its address there is nothing to serve. */
export const SiteNotConfigured = createError<[]>(
  'SITE_NOT_CONFIGURED',
  'This server does not know the public site: set SITE_URL (and the SITE_*_PATH patterns) to serve feeds and sitemaps',
  404,
)
export const SlugTaken = createError<[string]>('SLUG_TAKEN', 'The slug "%s" is already taken', 409)
export const InUse = createError<[string]>('IN_USE', '%s', 409)
export const NameTaken = createError<[string]>('NAME_TAKEN', 'The name "%s" is already taken', 409)
export const NumberTaken = createError<[string]>('NUMBER_TAKEN', '%s', 409)
/** A sync cursor from before what the server can still serve: the client starts a full sync. */
export const CursorExpired = createError<[string]>('CURSOR_EXPIRED', '%s', 410)
export const RequestTimeout = createError<[string]>('REQUEST_TIMEOUT', '%s', 408)
export const PreconditionFailed = createError<[string]>('PRECONDITION_FAILED', '%s', 412)
export const PayloadTooLarge = createError<[string]>('PAYLOAD_TOO_LARGE', '%s', 413)
export const UnsupportedMediaType = createError<[string]>('UNSUPPORTED_MEDIA_TYPE', '%s', 415)
export const UnreadableMedia = createError<[string]>('UNREADABLE_MEDIA', '%s', 422)
export const RangeNotSatisfiable = createError<[string]>('RANGE_NOT_SATISFIABLE', '%s', 416)
export const UnknownReference = createError<[string, string]>('UNKNOWN_REFERENCE', '%s refers to a %s that does not exist', 422)
export const InvalidReference = createError<[string]>('INVALID_REFERENCE', '%s', 422)
export const RateLimited = createError<[string]>('RATE_LIMITED', 'Too many requests: try again in %s', 429)
export const Unavailable = createError<[string]>('UNAVAILABLE', '%s', 503)
/** The disk (or the storage behind it) is full: nothing of the request was kept. */
export const InsufficientStorage = createError<[string]>('INSUFFICIENT_STORAGE', '%s', 507)

/** A 422 that names the field of the request that refers to something missing. */
export function unknownReference(path: string, what: string) {
  const err = new UnknownReference(path, what) as InstanceType<typeof UnknownReference> & ProblemFields
  err.errors = [{ path, message: `${what} not found` }]
  return err
}

/** A 422 for a field that refers to something of the wrong kind. */
export function invalidReference(path: string, message: string) {
  const err = new InvalidReference(`${path}: ${message}`) as InstanceType<typeof InvalidReference> & ProblemFields
  err.errors = [{ path, message }]
  return err
}

/** A 400 with one entry per offending field, like a schema violation. */
export function badRequest(path: string, message: string) {
  const err = new BadRequest(`${path}: ${message}`) as InstanceType<typeof BadRequest> & ProblemFields
  err.errors = [{ path, message }]
  return err
}

export const problemTitles: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition failed',
  413: 'Content too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Unprocessable content',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
  507: 'Insufficient storage',
}

/** A 409 for a document number that its issuer already used. */
export function numberTaken(number: string, issuer: string) {
  const err = new NumberTaken(`${issuer} already has a document numbered "${number}"`) as InstanceType<typeof NumberTaken> & ProblemFields
  err.errors = [{ path: 'number', message: 'Already used by another document of this issuer' }]
  return err
}
