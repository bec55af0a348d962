import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Database } from '../db/client.js'
import { Unavailable } from '../errors.js'
import { Problem } from '../shared/schemas.js'

const Status = z.object({ status: z.literal('ok') })

/** Liveness and readiness for load balancers and orchestrators. */
export const operationRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['operations']
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
