import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { TokenRole } from '../db/schema.js'
import { Forbidden, Unauthorized } from '../errors.js'
import { findToken, hasRole, type Principal, touchToken } from '../resources/tokens/tokens.service.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a caller needs; routes without one are open to anonymous callers. */
    role?: TokenRole
  }
  interface FastifyRequest {
    /** The caller's token, or null for an anonymous caller. */
    auth: Principal | null
  }
}

const TOUCH_INTERVAL_MS = 60_000

function bearer(req: FastifyRequest): string | null | undefined {
  const header = req.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim())
  return match ? match[1]! : null
}

/** Who the caller is, and whether the route's declared role lets them in. Every role check is here. */
export default fp(
  async function auth(app: FastifyInstance) {
    const lastTouched = new Map<string, number>()
    app.decorateRequest('auth', null)

    app.addHook('onRoute', (route) => {
      const role = route.config?.role
      if (!role || !route.schema) return
      route.schema.security = [{ bearerAuth: [] }]
      const note = `Requires a token with the role \`${role}\` or higher.`
      route.schema.description = route.schema.description ? `${route.schema.description}\n\n${note}` : note
    })

    app.addHook('onRequest', async (req) => {
      const token = bearer(req)
      if (token === null) throw new Unauthorized('The Authorization header must be "Bearer <token>"')
      if (token !== undefined) {
        const principal = await findToken(app.db, token)
        if (!principal) throw new Unauthorized('The token is invalid or revoked')
        req.auth = principal
        const now = Date.now()
        if ((lastTouched.get(principal.tokenId) ?? 0) < now - TOUCH_INTERVAL_MS) {
          lastTouched.set(principal.tokenId, now)
          await touchToken(app.db, principal.tokenId)
        }
      }
      const needed = req.routeOptions.config.role
      if (!needed) return
      if (!req.auth) throw new Unauthorized('This request needs a token')
      if (!hasRole(req.auth, needed)) throw new Forbidden(needed)
    })
  },
  { name: 'auth', dependencies: ['errors'] },
)
