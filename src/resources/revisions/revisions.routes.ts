import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requiredVersion } from '../../plugins/http-cache.js'
import { IdOrSlugParams, many, one, Problem, withHeaders } from '../../shared/schemas.js'
import { articleTag } from '../articles/articles.etag.js'
import { Article } from '../articles/articles.schemas.js'
import { revertArticle } from '../articles/articles.service.js'
import { Revision, RevisionListQuery, RevisionParams, RevisionSummary } from './revisions.schemas.js'
import { getRevision, listRevisions } from './revisions.service.js'

const tags = ['revisions']

/** An article's history: one revision per write, each restorable. Mounted under /v1/articles. */
export const revisionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/:idOrSlug/revisions',
    {
      config: { role: 'reader' },
      schema: {
        tags,
        operationId: 'listArticleRevisions',
        summary: "List an article's revisions, newest first",
        params: IdOrSlugParams,
        querystring: RevisionListQuery,
        response: { 200: many(RevisionSummary), 404: Problem },
      },
    },
    async (req) => {
      const { data, nextCursor, total } = await listRevisions(app.db, req.params.idOrSlug, req.query)
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
        operationId: 'getArticleRevision',
        summary: 'Get one revision with the full state of the article it kept',
        params: RevisionParams,
        response: { 200: one(Revision), 404: Problem },
      },
    },
    async (req) => ({ data: await getRevision(app.db, req.params.idOrSlug, req.params.number) }),
  )

  app.post(
    '/:idOrSlug/revisions/:number/restore',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'restoreArticleRevision',
        summary: "Make a revision's content the article's current content",
        description: 'Itself a new revision. If-Match is honoured as for PATCH.',
        params: RevisionParams,
        response: { 200: withHeaders(one(Article), 'ETag'), 404: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const article = await revertArticle(app.db, req.params.idOrSlug, req.params.number, req.auth!, requiredVersion(req))
      reply.header('etag', articleTag(article.version, {}))
      return { data: article }
    },
  )
}
