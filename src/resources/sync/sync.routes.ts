import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { Problem, sendJsonText } from '../../shared/schemas.js'
import { SyncPage, SyncQuery } from './sync.schemas.js'
import { readSync } from './sync.service.js'

const description = `Every change to every resource, oldest first, for integrators that keep a copy.

- Without a cursor the feed starts at the beginning; follow meta.nextCursor until hasMore is false, then keep polling from the last nextCursor.
- Each page names each resource at most once, with its current state (op upsert) or as a tombstone (op delete: deleted, or in the trash). Drafts are included.
- A scheduled article appears again when it becomes visible to the public.
- A page never skips a change that commits later: changes are served once no earlier transaction can still add to them.
- A cursor the server can no longer serve is a 410: start a full sync.`

export const syncRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['sync'],
        operationId: 'listChanges',
        summary: 'Read the change feed',
        description,
        querystring: SyncQuery,
        response: { 200: SyncPage, 400: Problem, 410: Problem },
      },
    },
    // The page is JSON text already, written a chunk at a time (see readSync).
    async (req, reply) => sendJsonText(reply, await readSync(app.db, req.query)),
  )
}
