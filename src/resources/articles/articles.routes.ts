import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdOrSlugParams, many, NoContent, one, Problem } from '../../shared/schemas.js'
import { listArticles, getArticle } from './articles.read.js'
import { Article, ArticleGetQuery, ArticleInput, ArticleListQuery, ArticlePatch } from './articles.schemas.js'
import { createArticle, restoreArticle, trashArticle, updateArticle } from './articles.service.js'

const tags = ['articles']

export const articleRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'List articles',
        description: 'Anonymous callers see published articles whose publishedAt has passed; callers with a token see every status.',
        querystring: ArticleListQuery,
        response: { 200: many(Article.partial()), 400: Problem },
      },
    },
    async (req) => {
      const { data, nextCursor, total } = await listArticles(app.db, req.query, req.auth)
      const { limit, offset } = req.query
      return { data, meta: { limit, ...(offset !== undefined && { offset, total }), nextCursor } }
    },
  )

  app.get(
    '/:idOrSlug',
    {
      schema: {
        tags,
        summary: 'Get an article',
        params: IdOrSlugParams,
        querystring: ArticleGetQuery,
        response: { 200: one(Article), 404: Problem },
      },
    },
    async (req) => ({ data: await getArticle(app.db, req.params.idOrSlug, req.auth, req.query) }),
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: { tags, summary: 'Create an article', body: ArticleInput, response: { 201: one(Article), 409: Problem, 422: Problem } },
    },
    async (req, reply) => {
      const article = await createArticle(app.db, req.body, req.auth!)
      reply.code(201).header('location', `/v1/articles/${article.id}`)
      return { data: article }
    },
  )

  app.patch(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        summary: 'Change an article',
        description: 'Only the fields given change; body and people are replaced whole. Each change raises version by one.',
        params: IdOrSlugParams,
        body: ArticlePatch,
        response: { 200: one(Article), 404: Problem, 409: Problem, 422: Problem },
      },
    },
    async (req) => ({ data: await updateArticle(app.db, req.params.idOrSlug, req.body, req.auth!) }),
  )

  app.delete(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        summary: 'Move an article to the trash',
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem },
      },
    },
    async (req, reply) => {
      await trashArticle(app.db, req.params.idOrSlug, req.auth!)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/:idOrSlug/restore',
    {
      config: { role: 'editor' },
      schema: { tags, summary: 'Bring an article back from the trash', params: IdOrSlugParams, response: { 200: one(Article), 404: Problem } },
    },
    async (req) => ({ data: await restoreArticle(app.db, req.params.idOrSlug, req.auth!) }),
  )
}
