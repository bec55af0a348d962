import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

/** OpenAPI 3.1 built from the same zod schemas that validate requests, at /openapi.json and /docs. */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'bantin',
          version: '1',
          description:
            'A headless CMS REST API for news publishers. Errors are RFC 9457 problem details (application/problem+json).',
        },
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token made with POST /v1/tokens, or ADMIN_TOKEN' } },
        },
        tags: [
          { name: 'articles' },
          { name: 'categories' },
          { name: 'people' },
          { name: 'revisions' },
          { name: 'tokens' },
          { name: 'sync', description: 'The change feed for integrators that keep a copy of the content' },
          { name: 'webhooks', description: 'Events sent to integrators as they happen (Standard Webhooks)' },
          { name: 'media' },
          { name: 'operations' },
        ],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' },
)
