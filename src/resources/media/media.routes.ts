import { join } from 'node:path'
import multipart from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Config } from '../../config.js'
import { RangeNotSatisfiable, UnsupportedMediaType } from '../../errors.js'
import { notModified, requiredVersion } from '../../plugins/http-cache.js'
import { versionTag } from '../../shared/etags.js'
import { Binary, IdParams, many, NoContent, NotModified, one, Problem, withHeaders } from '../../shared/schemas.js'
import type { ByteRange, Storage } from '../../storage/storage.js'
import { Media, MediaFileQuery, MediaListQuery, MediaPatch, MediaUploadFields, fileWidths, variantFormats } from './media.schemas.js'
import { type MediaSettings, receiveUpload, tooLarge } from './media.files.js'
import { createMedia, deleteMedia, getMedia, listMedia, mediaFile, type StoredFile, updateMedia } from './media.service.js'
import { toMedia } from './media.shape.js'

const tags = ['media']
/** Room for the multipart framing and the text parts around the file. */
const FORM_OVERHEAD = 64 * 1024

export const mediaRoutes: FastifyPluginAsyncZod<{ config: Config; storage: Storage }> = async (app, { config, storage }) => {
  const settings: MediaSettings = { ...config.media, tempDir: join(config.dataDir, 'tmp') }
  await app.register(multipart, {
    // The service counts the bytes itself; busboy's limit only stops it from reading far past that.
    throwFileSizeLimit: false,
    limits: { fileSize: settings.maxBytes + 1, files: 2, fields: 8, parts: 12, fieldSize: 16 * 1024, headerPairs: 100 },
  })

  app.get(
    '/',
    { schema: { tags, operationId: 'listMedia', summary: 'List media', querystring: MediaListQuery, response: { 200: many(Media), 400: Problem } } },
    async (req) => {
      const { rows, nextCursor, total } = await listMedia(app.db, req.query)
      const { limit, offset } = req.query
      return { data: rows.map(toMedia), meta: { limit, ...(offset !== undefined && { offset, total }), nextCursor } }
    },
  )

  app.get(
    '/:id',
    { schema: { tags, operationId: 'getMedia', summary: 'Get media', params: IdParams, response: { 200: one(Media), 304: NotModified, 404: Problem } } },
    async (req, reply) => {
      const row = await getMedia(app.db, req.params.id)
      if (notModified(req, reply, versionTag(row.version))) return reply.send(null)
      return { data: toMedia(row) }
    },
  )

  app.post(
    '/',
    {
      config: { role: 'editor', upload: true },
      schema: {
        tags,
        operationId: 'createMediaUpload',
        summary: 'Upload a file',
        description:
          'multipart/form-data with one `file` part and optional text parts `alt`, `caption`, `credit`, `creditPersonId`. ' +
          'The type is decided from the bytes.',
        form: { file: 'file', fields: MediaUploadFields },
        response: { 201: withHeaders(one(Media), 'Location', 'ETag'), 400: Problem, 413: Problem, 415: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new UnsupportedMediaType('Send multipart/form-data')
      if (Number(req.headers['content-length'] ?? 0) > settings.maxBytes + FORM_OVERHEAD) throw tooLarge(settings.maxBytes)
      const upload = await receiveUpload(req.parts(), settings)
      const row = await createMedia(app.db, storage, upload, settings, req.auth!)
      reply.code(201).header('location', `/v1/media/${row.id}`).header('etag', versionTag(row.version))
      return { data: toMedia(row) }
    },
  )

  app.patch(
    '/:id',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'updateMedia',
        summary: 'Change the alt text, caption or credit',
        params: IdParams,
        body: MediaPatch,
        response: { 200: withHeaders(one(Media), 'ETag'), 404: Problem, 412: Problem, 422: Problem },
      },
    },
    async (req, reply) => {
      const row = await updateMedia(app.db, req.params.id, req.body, req.auth!, requiredVersion(req))
      reply.header('etag', versionTag(row.version))
      return { data: toMedia(row) }
    },
  )

  app.delete(
    '/:id',
    {
      config: { role: 'editor' },
      schema: {
        tags,
        operationId: 'deleteMedia',
        summary: 'Delete media that nothing uses',
        description: 'While an article (trashed ones too) or a person uses it, the answer is 409 and says where.',
        params: IdParams,
        response: { 204: NoContent, 404: Problem, 409: Problem, 412: Problem },
      },
    },
    async (req, reply) => {
      await deleteMedia(app.db, storage, req.params.id, req.auth!, requiredVersion(req))
      return reply.code(204).send(null)
    },
  )

  // Images, video, audio and documents are served as stored; resized variants are images.
  const fileContent = { 'image/*': { schema: Binary }, 'video/*': { schema: Binary }, 'audio/*': { schema: Binary }, 'application/octet-stream': { schema: Binary } }
  const fileRoute = {
    schema: {
      tags,
      operationId: 'getMediaFile',
      summary: 'The bytes, or a resized image',
      description: `\`w\` (${fileWidths.join(', ')}) with \`format\` (${variantFormats.join(', ')}; default webp) returns a resized image, made once and then kept.`,
      params: IdParams,
      querystring: MediaFileQuery,
      response: {
        200: { description: 'The bytes, of the type the upload was found to be', content: fileContent },
        206: { description: 'The one range asked for (Range: bytes=…)', content: fileContent },
        304: NotModified,
        400: Problem,
        404: Problem,
        416: Problem,
      },
    },
  }
  const serveFile = async (req: FastifyRequest<{ Params: { id: string }; Querystring: MediaFileQuery }>, reply: FastifyReply) => {
    const file = await mediaFile(app.db, storage, req.params.id, req.query, settings.maxPixels)
    return sendFile(req, reply, storage, file)
  }
  // HEAD has its own route: Fastify's automatic one would read the whole file to throw it away.
  app.get('/:id/file', { ...fileRoute, exposeHeadRoute: false }, serveFile)
  app.head('/:id/file', fileRoute, serveFile)
}

/** Sends stored bytes with the headers a CDN and a browser need, honouring If-None-Match and Range. */
async function sendFile(req: FastifyRequest, reply: FastifyReply, storage: Storage, file: StoredFile) {
  const range = requestedRange(req, file)
  reply
    .header('etag', file.etag)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('content-disposition', contentDisposition(file.filename))
    .header('accept-ranges', 'bytes')
    .type(file.contentType)
  if (matches(req.headers['if-none-match'], file.etag)) return reply.code(304).send()
  if (range) {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
      .header('content-length', range.end - range.start + 1)
    return reply.send(await storage.read(file.key, range))
  }
  reply.header('content-length', file.size)
  // HEAD answers the same headers without opening the bytes.
  if (req.method === 'HEAD') return reply.send()
  return reply.send(await storage.read(file.key))
}

const matches = (header: string | undefined, etag: string) =>
  header !== undefined && (header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))

/**
 * One byte range (RFC 9110); several ranges, another unit or a stale If-Range get the whole file,
 * as the RFC allows. A range that starts past the end is a 416.
 */
export function requestedRange(req: FastifyRequest, file: Pick<StoredFile, 'etag' | 'size'>): ByteRange | undefined {
  const header = req.headers.range
  if (!header || req.method === 'HEAD') return undefined
  const ifRange = req.headers['if-range']
  if (ifRange !== undefined && ifRange !== file.etag) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) {
    if (/^bytes=/.test(header) && !header.includes(',')) throw unsatisfiable(file.size)
    return undefined
  }
  const size = file.size
  let start: number
  let end: number
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0 || size === 0) throw unsatisfiable(size)
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
    if (start >= size || start > end) throw unsatisfiable(size)
  }
  return { start, end }
}

function unsatisfiable(size: number) {
  const err = new RangeNotSatisfiable(`The file has ${size} bytes`) as InstanceType<typeof RangeNotSatisfiable> & {
    headers: Record<string, string>
  }
  err.headers = { 'content-range': `bytes */${size}` }
  return err
}

/** Inline, with an ASCII fallback name that cannot break out of its quotes and the exact name encoded. */
export function contentDisposition(filename: string): string {
  const ascii = filename
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\w.\- ]+/g, '_').slice(0, 150) || 'file'
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
