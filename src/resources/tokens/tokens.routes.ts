import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { many, NoContent, one, Problem, withHeaders } from '../../shared/schemas.js'
import { NewToken, Token, TokenInput, TokenListQuery } from './tokens.schemas.js'
import { createToken, getToken, listTokens, revokeToken } from './tokens.service.js'

const tags = ['tokens']

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        operationId: 'createToken',
        summary: 'Create a token',
        description: 'The answer holds the token itself, the only time it is shown. Roles: reader < editor < admin.',
        body: TokenInput,
        response: { 201: withHeaders(one(NewToken), 'Location'), 400: Problem },
      },
    },
    async (req, reply) => {
      const token = await createToken(app.db, req.body)
      reply.code(201).header('location', `/v1/tokens/${token.id}`)
      return { data: token }
    },
  )

  app.get(
    '/',
    {
      config: { role: 'admin' },
      schema: { tags, operationId: 'listTokens', summary: 'List the live tokens (never their secrets)', querystring: TokenListQuery, response: { 200: many(Token) } },
    },
    async (req) => {
      const { tokens, total } = await listTokens(app.db, req.query)
      return { data: tokens, meta: { limit: req.query.limit, offset: req.query.offset, total, nextCursor: null } }
    },
  )

  app.get(
    '/:id',
    {
      config: { role: 'admin' },
      schema: { tags, operationId: 'getToken', summary: 'Get a live token (never its secret)', params: z.strictObject({ id: z.string().min(1).max(100) }), response: { 200: one(Token), 404: Problem } },
    },
    async (req) => ({ data: await getToken(app.db, req.params.id) }),
  )

  app.delete(
    '/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        operationId: 'revokeToken',
        summary: 'Revoke a token, at once',
        params: z.strictObject({ id: z.string().min(1).max(100) }),
        response: { 204: NoContent, 404: Problem },
      },
    },
    async (req, reply) => {
      await revokeToken(app.db, req.params.id)
      return reply.code(204).send(null)
    },
  )
}
