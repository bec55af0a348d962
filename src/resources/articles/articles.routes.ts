import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { badRequest } from '../../errors.js'
import { notModified, requiredVersion } from '../../plugins/http-cache.js'
import type { ShareSettings } from '../../shared/seo.js'
import { IdOrSlugParams, many, manyText, NoContent, NotModified, one, oneText, Problem, sendJsonText, withHeaders } from '../../shared/schemas.js'
import type { RevisionRoutesOptions } from '../revisions/revisions.routes.js'
import { articleListTag, articleTag } from './articles.etag.js'
import { getArticle, listArticles } from './articles.queries.js'
import { articleRevisionSchemas, articleRevisionSubject } from './articles.revisions.js'
import { searchArticles } from './articles.search.js'
import { RelatedQuery, relatedArticles, WEIGHTS } from './articles.related.js'
import { Article, ArticleFields, ArticleGetQuery, ArticleInput, ArticleListQuery, ArticlePatch } from './articles.schemas.js'
import { createArticle, purgeArticle, restoreArticle, revertArticle, trashArticle, updateArticle } from './articles.service.js'

const tags = ['articles']
const ifMatch = 'Send the ETag of your last read as If-Match: a stale one is a 412 and nothing is written. Without If-Match the write goes through.'

export const articleRoutes: FastifyPluginAsyncZod<{ share: ShareSettings }> = async (app, { share }) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        operationId: 'listArticles',
        summary: 'List articles',
        description:
          'Anonymous callers see published articles whose publishedAt has passed; callers with a token see every status. A matching If-None-Match is answered 304 without building the list. With q, a search: ranked by relevance unless another sort is asked for, each hit with highlight; the cursor continues only the same q.',
        querystring: ArticleListQuery,
        response: { 200: many(z.union([Article, ArticleFields])), 304: NotModified, 400: Problem },
      },
    },
    async (req, reply) => {
      // Anonymous callers see published articles only: a filter that would show more is refused, not emptied.
      if (!req.auth && req.query.status !== undefined && req.query.status !== 'published') {
        throw badRequest('status', 'Only callers with a token can list articles that are not published')
      }
      if (!req.auth && req.query.trashed) throw badRequest('trashed', 'Only callers with a token can list the trash')
      const key = `${req.url}|${req.auth ? 'token' : 'public'}`
      const { q, sort, limit, offset } = req.query
      if (q !== undefined) {
        const { data, nextCursor, total, etag } = await searchArticles(app.db, { ...req.query, q }, req.auth, key, share)
        if (notModified(req, reply, etag)) return reply.send(null)
        return sendJsonText(reply, manyText(data, { limit, ...(offset !== undefined && { offset, total }), nextCursor }))
      }
      const query = { ...req.query, sort: sort === undefined || sort === 'relevance' ? ('-publishedAt' as const) : sort }
      if (req.headers['if-none-match'] && notModified(req, reply, await articleListTag(app.db, query, req.auth, key, share))) {
        return reply.send(null)
      }
      const { data, nextCursor, total, etag } = await listArticles(app.db, query, req.auth, key, share)
      reply.header('etag', etag)
      return sendJsonText(reply, manyText(data, { limit, ...(offset !== undefined && { offset, total }), nextCursor }))
    },
  )

  app.get(
    '/:idOrSlug',
    {
      schema: {
        tags,
        operationId: 'getArticle',
        summary: 'Get an article',
        description: 'The ETag changes with the version (and with what include embeds).',
        params: IdOrSlugParams,
        querystring: ArticleGetQuery,
        response: { 200: one(Article), 304: NotModified, 404: Problem },
      },
    },
    async (req, reply) => {
      const { json, etag } = await getArticle(app.db, req.params.idOrSlug, req.auth, { ...req.query, share })
      if (notModified(req, reply, etag)) return reply.send(null)
      return sendJsonText(reply, oneText(json))
    },
  )

  app.get(
    '/:idOrSlug/related',
    {
      schema: {
        tags,
        operationId: 'listRelatedArticles',
        summary: 'Articles related to an article',
        description: `Published articles that share tags (each worth ${WEIGHTS.tag}), people (${WEIGHTS.person}) or the category (${WEIGHTS.category}) with this one, the highest sum first, newest on ties; never the article itself. Callers with a token may ask for a draft's; the related ones are always published.`,
        params: IdOrSlugParams,
        querystring: RelatedQuery,
        response: { 200: many(z.union([Article, ArticleFields])), 304: NotModified, 404: Problem },
      },
    },
    async (req, reply) => {
      const key = `${req.url}|${req.auth ? 'token' : 'public'}`
      const { data, etag } = await relatedArticles(app.db, req.params.idOrSlug, req.auth, req.query, key, share)
      if (notModified(req, reply, etag)) return reply.send(null)
      return sendJsonText(reply, manyText(data, { limit: req.query.limit, nextCursor: null }))
    },
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: { tags, operationId: 'createArticle', summary: 'Create an article', body: ArticleInput, response: { 201: withHeaders(one(Article), 'Location', 'ETag'), 409: Problem, 422: Problem } },
    },
    async (req, reply) => {
      const article = await createArticle(app.db, req.body, req.auth!)
      reply.code(201).header('location', `/v1/articles/${article.id}`).header('etag', articleTag(article.version, {}))
      return { data: article }
    },
  )

  app.patch(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updateArticle',
        summary: 'Change an article',
        description: `Only the fields given change; body and people are replaced whole. Each change raises version by one and keeps a revision. ${ifMatch}`,
        params: IdOrSlugParams,
        body: ArticlePatch,
        response: { 200: withHeaders(one(Article), 'ETag'), 404: Problem, 409: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const article = await updateArticle(app.db, req.params.idOrSlug, req.body, req.auth!, requiredVersion(req))
      reply.header('etag', articleTag(article.version, {}))
      return { data: article }
    },
  )

  app.delete(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'trashArticle',
        summary: 'Move an article to the trash',
        description: `Gone from every read; the slug stays reserved; POST …/restore brings it back. ${ifMatch}`,
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await trashArticle(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/:idOrSlug/restore',
    {
      config: { role: 'editor' },
      schema: { tags, operationId: 'restoreArticle', summary: 'Bring an article back from the trash', params: IdOrSlugParams, response: { 200: withHeaders(one(Article), 'ETag'), 404: Problem, 412: Problem } },
    },
    async (req, reply) => {
      const article = await restoreArticle(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      reply.header('etag', articleTag(article.version, {}))
      return { data: article }
    },
  )

  app.post(
    '/:idOrSlug/purge',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        operationId: 'purgeArticle',
        summary: 'Delete an article in the trash for good, with its revisions',
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 409: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await purgeArticle(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )
}

/** An article's revisions, for revisionRoutes under /v1/articles. */
export const articleRevisionRoutes: RevisionRoutesOptions = {
  subject: articleRevisionSubject,
  schemas: { ...articleRevisionSchemas, Resource: Article },
  async restore(db, idOrSlug, number, auth, required) {
    const article = await revertArticle(db, idOrSlug, number, auth, required)
    return { data: article, etag: articleTag(article.version, {}) }
  },
}
