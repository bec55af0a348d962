import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Database } from '../db/client.js'
import { Unavailable } from '../errors.js'
import { Problem } from '../shared/schemas.js'

const Status = z.object({ status: z.literal('ok') })

const Index = z.object({
  name: z.literal('bantin'),
  docs: z.string().describe('Interactive docs (Swagger UI)'),
  openapi: z.string().describe('The OpenAPI 3.1 document: generate clients from it'),
  api: z.string().describe('The base path of the API'),
  contract: z.string().describe('The contract, with the rules the document cannot say, in the repository'),
})
const index = { name: 'bantin' as const, docs: '/docs', openapi: '/openapi.json', api: '/v1', contract: 'docs/api.md' }

/** Liveness and readiness for load balancers and orchestrators. */
export const operationRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['operations']
  app.get('/', { schema: { tags, operationId: 'getIndex', summary: 'Where the docs, the OpenAPI document and the API are', response: { 200: Index } } }, async () => index)

  app.get('/health', { schema: { tags, operationId: 'getHealth', summary: 'The process runs', response: { 200: Status } } }, async () => ({
    status: 'ok' as const,
  }))

  app.get(
    '/ready',
    { schema: { tags, operationId: 'getReadiness', summary: 'The database answers', response: { 200: Status, 503: Problem } } },
    async () => {
      try {
        await database.ping(2_000)
      } catch {
        throw new Unavailable('The database is not answering')
      }
      return { status: 'ok' as const }
    },
  )
}
