import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { notModified, requiredVersion } from '../../plugins/http-cache.js'
import { versionTag } from '../../shared/etags.js'
import { IdOrSlugParams, many, NoContent, NotModified, one, Problem, withHeaders } from '../../shared/schemas.js'
import type { ShareSettings } from '../../shared/seo.js'
import { Category, CategoryInput, CategoryListQuery, CategoryPatch } from './categories.schemas.js'
import {
  createCategory,
  deleteCategory,
  getCategory,
  listCategories,
  toCategory,
  toSharedCategory,
  updateCategory,
} from './categories.service.js'

const tags = ['categories']

export const categoryRoutes: FastifyPluginAsyncZod<{ share: ShareSettings }> = async (app, { share }) => {
  app.get(
    '/',
    { schema: { tags, operationId: 'listCategories', summary: 'List categories', querystring: CategoryListQuery, response: { 200: many(Category) } } },
    async (req) => {
      const { rows, total } = await listCategories(app.db, req.query, share)
      return { data: rows.map(toSharedCategory), meta: { limit: req.query.limit, offset: req.query.offset, total, nextCursor: null } }
    },
  )

  app.get(
    '/:idOrSlug',
    { schema: { tags, operationId: 'getCategory', summary: 'Get a category', params: IdOrSlugParams, response: { 200: one(Category), 304: NotModified, 404: Problem } } },
    async (req, reply) => {
      const row = await getCategory(app.db, req.params.idOrSlug, share)
      if (notModified(req, reply, versionTag(row.version))) return reply.send(null)
      return { data: toSharedCategory(row) }
    },
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: { tags, operationId: 'createCategory', summary: 'Create a category', body: CategoryInput, response: { 201: withHeaders(one(Category), 'Location', 'ETag'), 409: Problem, 422: Problem } },
    },
    async (req, reply) => {
      const row = await createCategory(app.db, req.body, req.auth!)
      reply.code(201).header('location', `/v1/categories/${row.id}`).header('etag', versionTag(row.version))
      return { data: toCategory(row) }
    },
  )

  app.patch(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updateCategory',
        summary: 'Change a category',
        params: IdOrSlugParams,
        body: CategoryPatch,
        response: { 200: withHeaders(one(Category), 'ETag'), 404: Problem, 409: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const row = await updateCategory(app.db, req.params.idOrSlug, req.body, req.auth!, requiredVersion(req))
      reply.header('etag', versionTag(row.version))
      return { data: toCategory(row) }
    },
  )

  app.delete(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'deleteCategory',
        summary: 'Delete a category without sub-categories or articles',
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 409: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await deleteCategory(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )
}
