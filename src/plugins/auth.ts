import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { TokenRole } from '../db/schema.js'
import { Forbidden, Unauthorized } from '../errors.js'
import { findToken, touchToken } from '../resources/tokens/tokens.service.js'
import { hasRole, type Principal } from '../shared/principal.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a caller needs; routes without one are open to anonymous callers. */
    role?: TokenRole
  }
  interface FastifyRequest {
    /** The caller's token, or null for an anonymous caller. */
    auth: Principal | null
    /** Why the Authorization header was refused, if it was. */
    authRefusal: string | null
  }
}

const TOUCH_INTERVAL_MS = 60_000

function bearer(req: FastifyRequest): string | null | undefined {
  const header = req.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim())
  return match ? match[1]! : null
}

/**
 * Who the caller is, and whether the route's declared role lets them in. Every role check is here.
 *
 * The caller is identified first (onRequest), refused later (preParsing): in between, the rate
 * limit counts the request, by token for a valid token and by IP otherwise, so guessing tokens
 * is limited like any anonymous traffic.
 */
export default fp(
  async function auth(app: FastifyInstance) {
    const lastTouched = new Map<string, number>()
    app.decorateRequest('auth', null)
    app.decorateRequest('authRefusal', null)

    app.addHook('onRequest', async (req) => {
      const token = bearer(req)
      if (token === undefined) return
      if (token === null) {
        req.authRefusal = 'The Authorization header must be "Bearer <token>"'
        return
      }
      const principal = await findToken(app.db, token)
      if (!principal) {
        req.authRefusal = 'The token is invalid or revoked'
        return
      }
      req.auth = principal
      const now = Date.now()
      if ((lastTouched.get(principal.tokenId) ?? 0) < now - TOUCH_INTERVAL_MS) {
        lastTouched.set(principal.tokenId, now)
        await touchToken(app.db, principal.tokenId)
      }
    })

    app.addHook('preParsing', async (req) => {
      if (req.authRefusal) throw new Unauthorized(req.authRefusal)
      const needed = req.routeOptions.config.role
      if (!needed) return
      if (!req.auth) throw new Unauthorized('This request needs a token')
      if (!hasRole(req.auth, needed)) throw new Forbidden(needed)
    })
  },
  { name: 'auth', dependencies: ['errors'] },
)
