import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import type { Config } from '../config.js'
import { digest } from '../shared/etags.js'
import { FACTS, finishDocument, type RouteFacts } from './openapi.document.js'

declare module 'fastify' {
  interface FastifySchema {
    /**
     * A multipart/form-data body the handler reads itself (so Fastify validates nothing): the
     * name of its file part and a zod object of its text parts, for the document only.
     */
    form?: { file: string; fields: z.ZodObject }
  }
}

/** Paths the rate limit leaves alone (see guards.ts). */
const UNLIMITED = new Set(['/health', '/ready'])

const CONTRACT = 'docs/api.md'

const description = `A headless CMS REST API for news publishers: articles, categories, people, media, pages and menus, with a change feed and webhooks for integrators.

- The contract, with the rules this document cannot say (visibility, slugs, paging, caching), is \`${CONTRACT}\` in the repository.
- Errors are RFC 9457 problem details (\`application/problem+json\`); a 400 lists each field in \`errors[]\`.
- Reads are open; a token (\`Authorization: Bearer …\`, made with POST /v1/tokens or ADMIN_TOKEN) shows more, and writes need one of the role each operation names.`

const tags = [
  { name: 'articles', description: 'News articles: drafts, scheduled and published, with full-text search, trash and restore' },
  { name: 'categories', description: 'The category tree articles are filed under' },
  { name: 'people', description: 'People named in articles: authors, photographers and those mentioned' },
  { name: 'pages', description: 'Static pages of the portal ("Giới thiệu", "Sơ đồ tổ chức") in a tree, with drafts, trash and restore' },
  { name: 'menus', description: 'Named menus (header, footer) of links to pages, categories, articles and other sites, resolved on read' },
  { name: 'revisions', description: 'Every earlier state of an article or a page, and restoring one' },
  { name: 'documents', description: 'Official documents (văn bản): decisions, plans, notices, with number, issuer, signer, dates in force and files, and their kinds' },
  { name: 'media', description: 'Uploaded images, video, audio and documents, with resized image variants' },
  { name: 'tokens', description: 'API tokens and their roles (admin)' },
  { name: 'sync', description: 'The change feed for integrators that keep a copy of the content' },
  { name: 'webhooks', description: 'Events sent to integrators as they happen (Standard Webhooks)' },
  { name: 'site', description: 'RSS and Atom feeds and sitemaps for the public site, with its URLs (SITE_URL and the SITE_*_PATH patterns)' },
  { name: 'operations', description: 'Health, readiness and metrics for operators' },
]

/** OpenAPI 3.1 built from the same zod schemas that validate requests, at /openapi.json and /docs. */
export default fp(
  async function openapi(app: FastifyInstance, { config }: { config: Config }) {
    const rateLimit = config.rateLimit.max > 0
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'bantin', version: '1', description },
        servers: [{ url: '/', description: 'This server' }],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token made with POST /v1/tokens, or ADMIN_TOKEN' },
          },
        },
        tags,
      },
      transform(input) {
        const { schema, route } = input
        const form = schema?.form
        const out = jsonSchemaTransform({ ...input, schema: schema && { ...schema, form: undefined } }) as {
          schema: Record<string, unknown> & { hide?: boolean }
          url: string
        }
        if (out.schema.hide) return out
        const facts: RouteFacts = { ...(route.config?.role && { role: route.config.role }), rateLimited: !UNLIMITED.has(route.url) }
        out.schema[FACTS] = facts
        if (form) {
          // The text parts as zod documents them, with the file part first.
          const { body } = jsonSchemaTransform({ ...input, schema: { body: form.fields } }).schema as {
            body: { properties?: Record<string, unknown>; required?: string[] }
          }
          out.schema.body = {
            ...body,
            properties: { [form.file]: { type: 'string', format: 'binary', description: 'The file; its type is decided from its bytes' }, ...body.properties },
            required: [form.file, ...(body.required ?? [])],
          }
          out.schema.consumes = ['multipart/form-data']
        }
        return out
      },
      transformObject: (input) => finishDocument(jsonSchemaTransformObject(input) as Record<string, unknown>, { rateLimit }),
    })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      // No validator badge: it would send the document to validator.swagger.io.
      uiConfig: { deepLinking: true, displayOperationId: true, validatorUrl: null },
    })

    // Built once, when every route is known; then served as the same bytes with the same ETag.
    let document: { body: string; etag: string } | undefined
    app.addHook('onReady', async () => {
      const body = JSON.stringify(app.swagger())
      document = { body, etag: `"${digest(body)}"` }
    })
    app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => {
      const { body, etag } = document!
      return reply.header('etag', etag).type('application/json; charset=utf-8').send(body)
    })
  },
  { name: 'openapi' },
)
