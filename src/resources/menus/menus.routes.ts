import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { notModified, requiredVersion } from '../../plugins/http-cache.js'
import { digest, versionTag } from '../../shared/etags.js'
import { IdOrSlugParams, many, NoContent, NotModified, one, oneText, Problem, sendJsonText, withHeaders } from '../../shared/schemas.js'
import { listMenus, resolveMenu, toMenu } from './menus.queries.js'
import { Menu, MenuInput, MenuListQuery, MenuPatch, ResolvedMenu } from './menus.schemas.js'
import { createMenu, deleteMenu, updateMenu } from './menus.service.js'

const tags = ['menus']
const ifMatch = 'Send the ETag of your last read as If-Match: a stale one is a 412 and nothing is written. Without If-Match the write goes through.'

export const menuRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        operationId: 'listMenus',
        summary: 'List menus',
        description: 'Each menu as it is stored: its links by id, unresolved. GET one menu for the resolved tree.',
        querystring: MenuListQuery,
        response: { 200: many(Menu), 400: Problem },
      },
    },
    async (req) => {
      const { rows, total } = await listMenus(app.db, req.query)
      return { data: rows.map((row) => toMenu(row)), meta: { limit: req.query.limit, offset: req.query.offset, total, nextCursor: null } }
    },
  )

  app.get(
    '/:idOrSlug',
    {
      schema: {
        tags,
        operationId: 'getMenu',
        summary: 'Get a menu with its links resolved',
        description:
          "Every link carries its target's current slug and path. A link to something gone, unpublished or in the trash is left out, with the items below it, for anonymous callers, and flagged broken for tokens. The ETag changes with the menu's version and with what its links resolve to.",
        params: IdOrSlugParams,
        response: { 200: one(ResolvedMenu), 304: NotModified, 404: Problem },
      },
    },
    async (req, reply) => {
      const menu = await resolveMenu(app.db, req.params.idOrSlug, req.auth)
      if (notModified(req, reply, versionTag(menu.version, digest(menu.json)))) return reply.send(null)
      return sendJsonText(reply, oneText(menu.json))
    },
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'createMenu',
        summary: 'Create a menu',
        description: 'Items nest at most 3 levels. A link to a page, category or article that does not exist is a 422 naming the item.',
        body: MenuInput,
        response: { 201: withHeaders(one(Menu), 'Location', 'ETag'), 409: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const row = await createMenu(app.db, req.body, req.auth!)
      reply.code(201).header('location', `/v1/menus/${row.id}`).header('etag', versionTag(row.version))
      return { data: toMenu(row) }
    },
  )

  app.patch(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updateMenu',
        summary: 'Change a menu',
        description: `Only the fields given change; items are replaced whole. ${ifMatch}`,
        params: IdOrSlugParams,
        body: MenuPatch,
        response: { 200: withHeaders(one(Menu), 'ETag'), 404: Problem, 409: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const row = await updateMenu(app.db, req.params.idOrSlug, req.body, req.auth!, requiredVersion(req))
      reply.header('etag', versionTag(row.version))
      return { data: toMenu(row) }
    },
  )

  app.delete(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'deleteMenu',
        summary: 'Delete a menu',
        description: ifMatch,
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await deleteMenu(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )
}
