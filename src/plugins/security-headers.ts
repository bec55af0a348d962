import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'
import fp from 'fastify-plugin'

/** JSON never needs to run, load or frame anything. */
export const API_CSP = { "default-src": ["'none'"], 'frame-ancestors': ["'none'"] }

/**
 * The interactive docs (Swagger UI at /docs): its own scripts and styles, the icons it draws as
 * data: images, and calls to this API for "Try it out"; nothing from elsewhere, never framed.
 * Swagger UI sets inline styles as it renders, so styles (never scripts) may be inline.
 */
export const DOCS_CSP = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
}

const isDocs = (url: string | undefined) => url !== undefined && (url === '/docs' || url.startsWith('/docs/'))

/** helmet's defaults, with the choices said below. */
const options = (csp: Record<string, string[]>): HelmetOptions => ({
  contentSecurityPolicy: { useDefaults: false, directives: csp },
  frameguard: { action: 'deny' },
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  strictTransportSecurity: false,
})

/**
 * The headers helmet sets for `options`, worked out once: with no nonces they depend on nothing
 * in the request, and building them per request (as helmet's Fastify plugin does, directives
 * parsed again each time) cost a few percent of a detail read's CPU.
 */
export function helmetHeaders(helmetOptions: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  }
  let done = false
  helmet(helmetOptions)({} as IncomingMessage, res as unknown as ServerResponse, () => (done = true))
  if (!done) throw new Error('helmet did not set its headers at once')
  return headers
}

/**
 * Security headers on every answer, from helmet's defaults, with these choices: pages are never
 * framed (DENY); resources may be embedded by other origins (a news site shows our images and
 * calls the API from its own domain); HSTS is left to the proxy that terminates TLS, as the app
 * cannot tell whether it is reached over HTTPS. The interactive docs (every route under /docs:
 * the page, its scripts, the JSON it reads) get their own CSP. Registered before any hook that
 * can refuse a request, so refusals carry them too.
 */
export default fp(
  async function securityHeaders(app: FastifyInstance) {
    const api = helmetHeaders(options(API_CSP))
    const docs = helmetHeaders(options(DOCS_CSP))
    app.addHook('onRequest', (req, reply, done) => {
      reply.headers(isDocs(req.routeOptions.url) ? docs : api)
      done()
    })
  },
  { name: 'security-headers' },
)
