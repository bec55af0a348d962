import type { ShareSettings } from '../../shared/seo.js'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { notModified, requiredVersion } from '../../plugins/http-cache.js'
import { versionTag } from '../../shared/etags.js'
import { IdOrSlugParams, many, NoContent, NotModified, one, Problem, withHeaders } from '../../shared/schemas.js'
import type { RevisionRoutesOptions } from '../revisions/revisions.routes.js'
import { getPage, listPages, toPage } from './pages.queries.js'
import { pageRevisionSchemas, pageRevisionSubject } from './pages.revisions.js'
import { Page, PageGetQuery, PageInput, PageListQuery, PagePatch } from './pages.schemas.js'
import { createPage, purgePage, restorePage, revertPage, trashPage, updatePage } from './pages.service.js'

const tags = ['pages']
const ifMatch = 'Send the ETag of your last read as If-Match: a stale one is a 412 and nothing is written. Without If-Match the write goes through.'

export const pageRoutes: FastifyPluginAsyncZod<{ share: ShareSettings }> = async (app, { share }) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        operationId: 'listPages',
        summary: 'List pages',
        description: 'Anonymous callers see published pages; callers with a token see drafts too, and the trash with trashed=true.',
        querystring: PageListQuery,
        response: { 200: many(Page), 304: NotModified, 400: Problem, 404: Problem },
      },
    },
    async (req) => {
      const { data, nextCursor, total } = await listPages(app.db, req.query, req.auth, share)
      const { limit, offset } = req.query
      return { data, meta: { limit, ...(offset !== undefined && { offset, total }), nextCursor } }
    },
  )

  app.get(
    '/:idOrSlug',
    {
      schema: {
        tags,
        operationId: 'getPage',
        summary: 'Get a page',
        description: 'The ETag changes with the version (and with render). A draft is a 404 for anonymous callers.',
        params: IdOrSlugParams,
        querystring: PageGetQuery,
        response: { 200: one(Page), 304: NotModified, 404: Problem },
      },
    },
    async (req, reply) => {
      const row = await getPage(app.db, req.params.idOrSlug, req.auth, share)
      if (notModified(req, reply, versionTag(row.version, req.query.render))) return reply.send(null)
      return { data: toPage(row, req.query) }
    },
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: { tags, operationId: 'createPage', summary: 'Create a page', body: PageInput, response: { 201: withHeaders(one(Page), 'Location', 'ETag'), 409: Problem, 422: Problem } },
    },
    async (req, reply) => {
      const row = await createPage(app.db, req.body, req.auth!)
      reply.code(201).header('location', `/v1/pages/${row.id}`).header('etag', versionTag(row.version))
      return { data: toPage(row) }
    },
  )

  app.patch(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updatePage',
        summary: 'Change a page',
        description: `Only the fields given change; body is replaced whole. Each change raises version by one and keeps a revision. ${ifMatch}`,
        params: IdOrSlugParams,
        body: PagePatch,
        response: { 200: withHeaders(one(Page), 'ETag'), 404: Problem, 409: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const row = await updatePage(app.db, req.params.idOrSlug, req.body, req.auth!, requiredVersion(req))
      reply.header('etag', versionTag(row.version))
      return { data: toPage(row) }
    },
  )

  app.delete(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'trashPage',
        summary: 'Move a page to the trash',
        description: `Gone from every read; the slug stays reserved; POST …/restore brings it back. A page with sub-pages, or one a menu links to, is a 409 that says which. ${ifMatch}`,
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 409: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await trashPage(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/:idOrSlug/restore',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'restorePage',
        summary: 'Bring a page back from the trash',
        params: IdOrSlugParams,
        response: { 200: withHeaders(one(Page), 'ETag'), 404: Problem, 409: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      const row = await restorePage(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      reply.header('etag', versionTag(row.version))
      return { data: toPage(row) }
    },
  )

  app.post(
    '/:idOrSlug/purge',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        operationId: 'purgePage',
        summary: 'Delete a page in the trash for good, with its revisions',
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 409: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await purgePage(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )
}

/** A page's revisions, for revisionRoutes under /v1/pages. */
export const pageRevisionRoutes: RevisionRoutesOptions = {
  subject: pageRevisionSubject,
  schemas: { ...pageRevisionSchemas, Resource: Page },
  async restore(db, idOrSlug, number, auth, required) {
    const row = await revertPage(db, idOrSlug, number, auth, required)
    return { data: toPage(row), etag: versionTag(row.version) }
  },
}
