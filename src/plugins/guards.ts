import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { badRequest, CorsRefused, RateLimited, UnsupportedMediaType } from '../errors.js'

const OPEN_PATHS = new Set(['/health', '/ready'])
const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']

/** Counts per valid token (by its id), else per IP: a wrong or garbled token counts against the IP. */
function rateKey(req: FastifyRequest): string {
  return req.auth ? `t:${req.auth.tokenId}` : `ip:${req.ip}`
}

/** Why a CORS preflight is refused, if it is. */
function preflightRefusal(req: FastifyRequest, origins: Config['corsOrigins']): Error | undefined {
  const origin = req.headers.origin
  const method = req.headers['access-control-request-method']
  if (!origin) return badRequest('Origin', 'A CORS preflight needs an Origin header')
  if (!method) return badRequest('Access-Control-Request-Method', 'A CORS preflight needs an Access-Control-Request-Method header')
  if (origins !== '*' && !origins.includes(origin)) return new CorsRefused(`The origin ${origin.slice(0, 200)} may not call this API from a browser`)
  if (!CORS_METHODS.includes(method.toUpperCase())) return new CorsRefused(`The method ${method.slice(0, 20)} is not allowed from a browser`)
  return undefined
}

/** Rate limits and CORS: what every request meets before any route runs (security headers: security-headers.ts). */
export default fp(
  async function guards(app: FastifyInstance, { config }: { config: Config }) {
    // Before the CORS plugin's own hook: a preflight that would be refused is a problem that says
    // why (the plugin answers it in plain text, or with a 204 only a browser reads as a no). And
    // compressed bodies are not decoded: said plainly, rather than as "not valid JSON".
    app.addHook('onRequest', (req, _reply, done) => {
      const encoding = req.headers['content-encoding']?.trim().toLowerCase()
      if (encoding && encoding !== 'identity') {
        return done(new UnsupportedMediaType(`Content-Encoding ${encoding.slice(0, 40)} is not accepted: send the body uncompressed`))
      }
      done(req.method === 'OPTIONS' ? preflightRefusal(req, config.corsOrigins) : undefined)
    })

    await app.register(cors, {
      origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
      methods: CORS_METHODS,
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'X-Request-Id'],
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
      maxAge: 600,
    })

    if (config.rateLimit.max > 0) {
      // ioredis is loaded only when there is a Redis to talk to.
      const redis = config.rateLimit.redisUrl
        ? new (await import('ioredis')).Redis(config.rateLimit.redisUrl, {
            connectTimeout: 1000,
            maxRetriesPerRequest: 1,
            enableOfflineQueue: false,
          })
        : undefined
      // A Redis that is down must not take the API with it: limiting is skipped until it is back.
      redis?.on('error', (err) => app.log.warn({ err: err.message }, 'rate limit store unavailable'))
      if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())))
      await app.register(rateLimit, {
        global: true,
        max: config.rateLimit.max,
        timeWindow: config.rateLimit.windowMs,
        ...(redis && { redis, nameSpace: 'bantin:ratelimit:' }),
        skipOnError: true,
        keyGenerator: rateKey,
        allowList: (req) => OPEN_PATHS.has(req.url),
        errorResponseBuilder: (_req, context) => new RateLimited(context.after),
      })
    }
  },
  { name: 'guards' },
)
