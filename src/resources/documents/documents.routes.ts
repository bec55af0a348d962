import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { notModified, requiredVersion } from '../../plugins/http-cache.js'
import { digest, versionTag } from '../../shared/etags.js'
import { IdOrSlugParams, many, manyText, NoContent, NotModified, one, oneText, Problem, sendJsonText, withHeaders } from '../../shared/schemas.js'
import type { ShareSettings } from '../../shared/seo.js'
import { createDocumentKind, deleteDocumentKind, getDocumentKind, listDocumentKinds, toDocumentKind, updateDocumentKind } from './documents.kinds.js'
import { listDocuments, readDocument } from './documents.queries.js'
import { Document, DocumentInput, DocumentKind, DocumentKindInput, DocumentKindParams, DocumentKindPatch, DocumentListQuery, DocumentPatch, DocumentReadQuery } from './documents.schemas.js'
import { createDocument, deleteDocument, updateDocument } from './documents.service.js'

const tags = ['documents']
const ifMatch = 'Send the ETag of your last read as If-Match: a stale one is a 412 and nothing is written. Without If-Match the write goes through.'

/**
 * A document's ETag: its version, and a digest of the answer, since what is derived when read
 * (inForce, the related articles a caller may see, embeds) changes without a new version.
 * If-Match reads the version from it.
 */
const documentTag = (answer: { version: number; json: string }) => versionTag(answer.version, digest(answer.json))

export const documentRoutes: FastifyPluginAsyncZod<{ share: ShareSettings }> = async (app, { share }) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        operationId: 'listDocuments',
        summary: 'List official documents',
        description:
          'Newest issued first. Documents are published records: everyone sees every document; the related articles listed are those the caller may read. With q, the number whatever its case, diacritics and separators, or the words of the summary with the folding of article search, ranked: the number exactly, then number words, then the rest.',
        querystring: DocumentListQuery,
        response: { 200: many(Document), 304: NotModified, 400: Problem },
      },
    },
    async (req, reply) => {
      const { data, nextCursor, total } = await listDocuments(app.db, req.query, { anonymous: !req.auth, share })
      const { limit, offset } = req.query
      return sendJsonText(reply, manyText(data, { limit, ...(offset !== undefined && { offset, total }), nextCursor }))
    },
  )

  app.get(
    '/:idOrSlug',
    {
      schema: {
        tags,
        operationId: 'getDocument',
        summary: 'Get an official document',
        params: IdOrSlugParams,
        querystring: DocumentReadQuery,
        response: { 200: one(Document), 304: NotModified, 400: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const answer = await readDocument(app.db, req.params.idOrSlug, { anonymous: !req.auth, include: req.query.include, share })
      if (notModified(req, reply, documentTag(answer))) return reply.send(null)
      return sendJsonText(reply, oneText(answer.json))
    },
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'createDocument',
        summary: 'Create an official document',
        description: 'The slug is made from the kind and the number unless given. A number its issuer already used (whatever its case, diacritics and separators) is a 409.',
        body: DocumentInput,
        response: { 201: withHeaders(one(Document), 'Location', 'ETag'), 400: Problem, 409: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const written = await createDocument(app.db, req.body, req.auth!)
      reply.code(201).header('location', `/v1/documents/${written.id}`).header('etag', documentTag(written))
      return sendJsonText(reply, oneText(written.json))
    },
  )

  app.patch(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updateDocument',
        summary: 'Change an official document',
        description: ifMatch,
        params: IdOrSlugParams,
        body: DocumentPatch,
        response: { 200: withHeaders(one(Document), 'ETag'), 400: Problem, 404: Problem, 409: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const written = await updateDocument(app.db, req.params.idOrSlug, req.body, req.auth!, requiredVersion(req))
      reply.header('etag', documentTag(written))
      return sendJsonText(reply, oneText(written.json))
    },
  )

  app.delete(
    '/:idOrSlug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'deleteDocument',
        summary: 'Delete an official document for good',
        description: ifMatch,
        params: IdOrSlugParams,
        response: { 204: NoContent, 404: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await deleteDocument(app.db, req.params.idOrSlug, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )
}

export const documentKindRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        operationId: 'listDocumentKinds',
        summary: 'List the kinds of official documents',
        description: 'The managed list a document\'s kind is taken from, in display order.',
        response: { 200: z.object({ data: z.array(DocumentKind) }), 304: NotModified },
      },
    },
    async () => ({ data: (await listDocumentKinds(app.db)).map(toDocumentKind) }),
  )

  app.get(
    '/:slug',
    {
      schema: {
        tags,
        operationId: 'getDocumentKind',
        summary: 'Get a kind of official document',
        params: DocumentKindParams,
        response: { 200: one(DocumentKind), 304: NotModified, 404: Problem },
      },
    },
    async (req) => ({ data: toDocumentKind(await getDocumentKind(app.db, req.params.slug)) }),
  )

  app.post(
    '/',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'createDocumentKind',
        summary: 'Add a kind of official document',
        body: DocumentKindInput,
        response: { 201: withHeaders(one(DocumentKind), 'Location'), 400: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const row = await createDocumentKind(app.db, req.body)
      reply.code(201).header('location', `/v1/document-kinds/${row.slug}`)
      return { data: toDocumentKind(row) }
    },
  )

  app.patch(
    '/:slug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updateDocumentKind',
        summary: 'Rename or move a kind of official document',
        description: 'The slug stays: documents name their kind by it.',
        params: DocumentKindParams,
        body: DocumentKindPatch,
        response: { 200: one(DocumentKind), 400: Problem, 404: Problem, 409: Problem },
      },
    },
    async (req) => ({ data: toDocumentKind(await updateDocumentKind(app.db, req.params.slug, req.body)) }),
  )

  app.delete(
    '/:slug',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'deleteDocumentKind',
        summary: 'Remove a kind that no document has',
        params: DocumentKindParams,
        response: { 204: NoContent, 404: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      await deleteDocumentKind(app.db, req.params.slug)
      return reply.code(204).send(null)
    },
  )
}
