import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
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

const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/')

/**
 * Security headers on every answer, from helmet's defaults, with these choices: pages are never
 * framed (DENY); resources may be embedded by other origins (a news site shows our images and
 * calls the API from its own domain); HSTS is left to the proxy that terminates TLS, as the app
 * cannot tell whether it is reached over HTTPS. Registered before any hook that can refuse a
 * request, so refusals carry them too.
 */
export default fp(
  async function securityHeaders(app: FastifyInstance) {
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
      frameguard: { action: 'deny' },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      strictTransportSecurity: false,
    })
    // Every route of the docs plugin, whatever it serves (the page, its scripts, the JSON it reads).
    app.addHook('onRoute', (route) => {
      if (!isDocs(route.url)) return
      route.config = { ...route.config, helmet: { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } } } as typeof route.config
    })
  },
  { name: 'security-headers' },
)
