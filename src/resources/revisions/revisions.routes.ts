import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import type { Db } from '../../db/client.js'
import { requiredVersion } from '../../plugins/http-cache.js'
import { IdOrSlugParams, many, one, Problem, withHeaders } from '../../shared/schemas.js'
import type { Principal } from '../../shared/principal.js'
import type { ExpectedVersion } from '../../shared/versions.js'
import { RevisionListQuery, RevisionParams } from './revisions.schemas.js'
import { capitalized, getRevision, listRevisions, type RevisionSubject } from './revisions.service.js'

const tags = ['revisions']

/** What the routes of one resource's revisions are made of. */
export interface RevisionRoutesOptions {
  subject: RevisionSubject<unknown>
  /** The answers: of a list, of one revision, and the resource's own after a restore. */
  schemas: { Summary: z.ZodType; Revision: z.ZodType; Resource: z.ZodType }
  /** Makes revision `number` the resource's current content, as a new revision: the answer and its ETag. */
  restore(db: Db, idOrSlug: string, number: number, auth: Principal, required: ExpectedVersion): Promise<{ data: unknown; etag: string }>
}

const withArticle = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`

/**
 * A resource's history: one revision per write, each restorable. Registered once per resource
 * that keeps revisions, under that resource's prefix (`/v1/articles`, `/v1/pages`).
 */
export const revisionRoutes: FastifyPluginAsyncZod<RevisionRoutesOptions> = async (app, { subject, schemas, restore }) => {
  const { noun } = subject
  app.get(
    '/:idOrSlug/revisions',
    {
      config: { role: 'reader' },
      schema: {
        tags,
        operationId: `list${capitalized(noun)}Revisions`,
        summary: `List ${withArticle(noun)}'s revisions, newest first`,
        params: IdOrSlugParams,
        querystring: RevisionListQuery,
        response: { 200: many(schemas.Summary), 404: Problem },
      },
    },
    async (req) => {
      const { data, nextCursor, total } = await listRevisions(app.db, subject, req.params.idOrSlug, req.query)
      const { limit, offset } = req.query
      return { data, meta: { limit, ...(offset !== undefined && { offset, total }), nextCursor } }
    },
  )

  app.get(
    '/:idOrSlug/revisions/:number',
    {
      config: { role: 'reader' },
      schema: {
        tags,
        operationId: `get${capitalized(noun)}Revision`,
        summary: `Get one revision with the full state of the ${noun} it kept`,
        params: RevisionParams,
        response: { 200: one(schemas.Revision), 404: Problem },
      },
    },
    async (req) => ({ data: await getRevision(app.db, subject, req.params.idOrSlug, req.params.number) }),
  )

  app.post(
    '/:idOrSlug/revisions/:number/restore',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: `restore${capitalized(noun)}Revision`,
        summary: `Make a revision's content the ${noun}'s current content`,
        description: 'Itself a new revision. If-Match is honoured as for PATCH.',
        params: RevisionParams,
        response: { 200: withHeaders(one(schemas.Resource), 'ETag'), 404: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const { data, etag } = await restore(app.db, req.params.idOrSlug, req.params.number, req.auth!, requiredVersion(req))
      reply.header('etag', etag)
      return { data }
    },
  )
}
