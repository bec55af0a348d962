import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyServerOptions, LogController } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Config } from './config.js'
import type { Database, Db } from './db/client.js'
import { BadRequest, Unavailable } from './errors.js'
import { redactUrl } from './logger.js'
import auth from './plugins/auth.js'
import errors, { clientErrorHandler, frameworkErrors } from './plugins/errors.js'
import guards from './plugins/guards.js'
import httpCache from './plugins/http-cache.js'
import metrics from './plugins/metrics.js'
import openapi from './plugins/openapi.js'
import securityHeaders from './plugins/security-headers.js'
import { operationRoutes } from './plugins/operations.js'
import slowClients, { serverTimeouts } from './plugins/slow-clients.js'
import { articleRevisionRoutes, articleRoutes } from './resources/articles/articles.routes.js'
import { categoryRoutes } from './resources/categories/categories.routes.js'
import { documentKindRoutes, documentRoutes } from './resources/documents/documents.routes.js'
import { mediaRoutes } from './resources/media/media.routes.js'
import { menuRoutes } from './resources/menus/menus.routes.js'
import { pageRevisionRoutes, pageRoutes } from './resources/pages/pages.routes.js'
import { personRoutes } from './resources/people/people.routes.js'
import { revisionRoutes } from './resources/revisions/revisions.routes.js'
import { syncRoutes } from './resources/sync/sync.routes.js'
import { tokenRoutes } from './resources/tokens/tokens.routes.js'
import { webhookRegistry } from './resources/webhooks/webhooks.metrics.js'
import { webhookRoutes } from './resources/webhooks/webhooks.routes.js'
import { parseJsonBody } from './shared/json.js'
import { checkedSerializerCompiler, checkJsonText, inputValidatorCompiler } from './shared/schemas.js'
import { siteRoutes } from './site/site.routes.js'
import { readSettings } from './site/urls.js'
import { openStorage, type Storage } from './storage/storage.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
  }
}

export interface AppOptions {
  config: Config
  database: Database
  logger?: FastifyServerOptions['loggerInstance'] | false
  /** Where media bytes live; by default the configured storage (tests pass one that fails). */
  storage?: Storage
  /**
   * Check every JSON answer against the schema its route declares (tests): a mapper that drifts
   * from the OpenAPI document fails loudly. Servers keep plain JSON.stringify.
   */
  checkResponses?: boolean
}

/**
 * TRUST_PROXY for Fastify. A hop count trusts that many addresses from the socket's end of
 * X-Forwarded-For, whoever sent it (Fastify itself no longer takes a count, as it cannot tell a
 * proxy from a client that adds the header itself): only for a server no one reaches directly.
 */
function trustProxyOption(trust: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

/** Builds a ready app on an open database. It never listens: server.ts does, tests inject. */
export async function buildApp({ config, database, logger = false, storage, checkResponses = false }: AppOptions) {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    ...serverTimeouts(config),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: trustProxyOption(config.trustProxy),
    clientErrorHandler,
    frameworkErrors,
    // One line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Answered by the hook below, as problem+json.
    return503OnClosing: false,
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(inputValidatorCompiler)
  // Responses are built by our own mappers from our own rows: plain JSON.stringify, no second validation.
  app.setSerializerCompiler(checkResponses ? checkedSerializerCompiler : () => (data) => JSON.stringify(data))
  if (checkResponses) checkJsonText(app)
  app.decorate('db', database.db)
  // JSON in: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser(['text/plain', 'application/json'])
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(new BadRequest('The body is empty: send JSON'), undefined)
    try {
      done(null, parseJsonBody(body as string))
    } catch (err) {
      done(err as Error, undefined)
    }
  })

  // First: every answer carries them, refusals by the hooks below included.
  await app.register(securityHeaders)

  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id)
    // While draining, a request that still arrives on an open connection goes elsewhere.
    done(closing ? new Unavailable('The server is shutting down; try again') : undefined)
  })
  // One log line per request; ip is the client's as far as TRUST_PROXY believes the proxies.
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info(
      {
        method: req.method,
        url: redactUrl(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: req.ip,
        token: req.auth?.name,
      },
      'request',
    )
    done()
  })

  await app.register(errors)
  await app.register(slowClients, { config })
  await app.register(guards, { config })
  await app.register(openapi, { config })
  await app.register(auth)
  await app.register(httpCache)

  const share = readSettings(config.site, config.publicUrl)
  await app.register(operationRoutes, { database })
  await app.register(metrics, { more: [webhookRegistry(database.db)] })
  await app.register(categoryRoutes, { prefix: '/v1/categories', share })
  await app.register(personRoutes, { prefix: '/v1/people' })
  await app.register(articleRoutes, { prefix: '/v1/articles', share })
  await app.register(revisionRoutes, { prefix: '/v1/articles', ...articleRevisionRoutes })
  await app.register(pageRoutes, { prefix: '/v1/pages', share })
  await app.register(revisionRoutes, { prefix: '/v1/pages', ...pageRevisionRoutes })
  await app.register(menuRoutes, { prefix: '/v1/menus' })
  await app.register(documentRoutes, { prefix: '/v1/documents', share })
  await app.register(documentKindRoutes, { prefix: '/v1/document-kinds' })
  await app.register(tokenRoutes, { prefix: '/v1/tokens' })
  await app.register(syncRoutes, { prefix: '/v1/sync' })
  await app.register(webhookRoutes, { prefix: '/v1/webhooks', settings: config.webhooks })
  await app.register(mediaRoutes, { prefix: '/v1/media', config, storage: storage ?? (await openStorage(config)) })
  await app.register(siteRoutes, { site: config.site, publicUrl: config.publicUrl })

  await app.ready()
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
