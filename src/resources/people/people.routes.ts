import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { notModified, requiredVersion } from '../../plugins/http-cache.js'
import { versionTag } from '../../shared/etags.js'
import { IdOrSlugParams, many, NoContent, NotModified, one, Problem, withHeaders } from '../../shared/schemas.js'
import { Person, PersonInput, PersonListQuery, PersonPatch } from './people.schemas.js'
import { createPerson, deletePerson, getPerson, listPeople, toPerson, updatePerson } from './people.service.js'

const tags = ['people']

export const personRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    { schema: { tags, operationId: 'listPeople', summary: 'List people', querystring: PersonListQuery, response: { 200: many(Person) } } },
    async (req) => {
      const { rows, nextCursor, total } = await listPeople(app.db, req.query)
      const { limit, offset } = req.query
      return { data: rows.map(toPerson), meta: { limit, ...(offset !== undefined && { offset, total }), nextCursor } }
    },
  )

  app.get(
    '/:idOrSlug',
    { schema: { tags, operationId: 'getPerson', summary: 'Get a person', params: IdOrSlugParams, response: { 200: one(Person), 304: NotModified, 404: Problem } } },
    async (req, reply) => {
      const row = await getPerson(app.db, req.params.idOrSlug)
      if (notModified(req, reply, versionTag(row.version))) return reply.send(null)
      return { data: toPerson(row) }
    },
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: { tags, operationId: 'createPerson', summary: 'Create a person', body: PersonInput, response: { 201: withHeaders(one(Person), 'Location', 'ETag'), 409: Problem, 422: Problem } },
    },
    async (req, reply) => {
      const row = await createPerson(app.db, req.body, req.auth!)
      reply.code(201).header('location', `/v1/people/${row.id}`).header('etag', versionTag(row.version))
      return { data: toPerson(row) }
    },
  )

  app.patch(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updatePerson',
        summary: 'Change a person',
        params: IdOrSlugParams,
        body: PersonPatch,
        response: { 200: withHeaders(one(Person), 'ETag'), 404: Problem, 409: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const row = await updatePerson(app.db, req.params.idOrSlug, req.body, req.auth!, requiredVersion(req))
      reply.header('etag', versionTag(row.version))
      return { data: toPerson(row) }
    },
  )

  app.delete(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'deletePerson',
        summary: 'Delete a person who is not linked to any article',
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 409: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await deletePerson(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )
}
