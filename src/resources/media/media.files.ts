import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Multipart } from '@fastify/multipart'
import type { Metadata } from 'sharp'
import { rgbaToThumbHash } from 'thumbhash'
import type { Config, MediaType } from '../../config.js'
import type { MediaKind } from '../../db/schema.js'
import { badRequest, PayloadTooLarge, UnreadableMedia, UnsupportedMediaType } from '../../errors.js'
import { newId } from '../../shared/ids.js'
import { NUL_MESSAGE, normalizeInput } from '../../shared/schemas.js'
import { MediaUploadFields, type VariantFormat } from './media.schemas.js'

// Loaded on first use: libvips and file-type's tables add some 40 MB to a process that only reads.
let sharpModule: Promise<typeof import('sharp').default> | undefined
// libvips' operation cache keeps the files it read open and mapped, so a temporary upload that
// was removed still held its disk space: nothing is cached (every rendering is kept in storage anyway).
const loadSharp = () =>
  (sharpModule ??= import('sharp').then((m) => {
    m.default.cache(false)
    return m.default
  }))
const loadFileType = () => import('file-type')

// The bytes of media: receiving them, telling their type, reading and resizing images.

export type MediaSettings = Config['media'] & { tempDir: string }

const TYPES: Record<MediaType, { kind: MediaKind; ext: string; aliases: string[] }> = {
  'image/jpeg': { kind: 'image', ext: 'jpg', aliases: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  'image/png': { kind: 'image', ext: 'png', aliases: ['png'] },
  'image/webp': { kind: 'image', ext: 'webp', aliases: ['webp'] },
  'image/avif': { kind: 'image', ext: 'avif', aliases: ['avif'] },
  'image/gif': { kind: 'image', ext: 'gif', aliases: ['gif'] },
  'application/pdf': { kind: 'document', ext: 'pdf', aliases: ['pdf'] },
  'video/mp4': { kind: 'video', ext: 'mp4', aliases: ['mp4', 'm4v'] },
  'audio/mpeg': { kind: 'audio', ext: 'mp3', aliases: ['mp3'] },
}
/** Names file-type gives to formats that are served as one of ours. */
const SAME_AS: Record<string, MediaType> = { 'image/apng': 'image/png' }

/** The type from the bytes (magic numbers), never from the client's name or claim; others are 415. */
export async function detectType(path: string, allowed: MediaType[]): Promise<{ mimeType: MediaType; kind: MediaKind }> {
  const { fileTypeFromFile } = await loadFileType()
  const detected = await fileTypeFromFile(path)
  const type = detected && (SAME_AS[detected.mime] ?? detected.mime)
  if (!type || !(allowed as string[]).includes(type)) {
    const what = detected ? `The file is ${detected.mime}` : 'The file is of no accepted type'
    throw new UnsupportedMediaType(`${what}; accepted are ${allowed.join(', ')}`)
  }
  return { mimeType: type as MediaType, kind: TYPES[type as MediaType].kind }
}

/** The client's filename without any path, control or bidi characters, with the extension of the real type. */
export function safeFilename(given: string, type: MediaType): string {
  const { ext, aliases } = TYPES[type]
  const base = (given.normalize('NFC').split(/[/\\]/).pop() ?? '')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '')
  const dot = base.lastIndexOf('.')
  const givenExt = dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
  // A wrong extension ("photo.jpg" holding a PNG) is replaced; a known alias ("anh.jpeg") is kept.
  const stem = (/^[a-z0-9]{1,5}$/.test(givenExt) ? base.slice(0, dot) : base) || 'file'
  return `${[...stem].slice(0, 200).join('')}.${aliases.includes(givenExt) ? base.slice(dot + 1) : ext}`
}

/** A file received from a client, in a temporary file that the caller must consume or remove. */
export interface Upload {
  path: string
  sha256: string
  size: number
  filename: string
  fields: MediaUploadFields
}

const FIELD_NAMES = new Set(['alt', 'caption', 'credit', 'creditPersonId'])

/**
 * Streams the one `file` part of a multipart body to a temporary file, hashing and counting on the
 * way: nothing is held whole in memory, and past `maxBytes` the upload stops with a 413.
 */
export async function receiveUpload(parts: AsyncIterable<Multipart>, settings: MediaSettings): Promise<Upload> {
  await mkdir(settings.tempDir, { recursive: true })
  const fields: Record<string, string> = {}
  let file: Omit<Upload, 'fields'> | undefined
  let temp: string | undefined
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!FIELD_NAMES.has(part.fieldname)) throw badRequest(part.fieldname, 'Unknown field')
        if (part.fieldname in fields) throw badRequest(part.fieldname, 'Given more than once')
        if (part.valueTruncated) throw badRequest(part.fieldname, 'Too long')
        // Browsers send empty inputs as empty parts: that is not giving the field.
        if (part.value !== '') fields[part.fieldname] = String(part.value)
        continue
      }
      if (part.fieldname !== 'file') throw badRequest(part.fieldname, 'The file part must be named file')
      if (temp) throw badRequest('file', 'Send exactly one file part')
      temp = join(settings.tempDir, `${newId()}.upload`)
      const hash = createHash('sha256')
      let size = 0
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length
          if (size > settings.maxBytes) return done(tooLarge(settings.maxBytes))
          hash.update(chunk)
          done(null, chunk)
        },
      })
      // Opened before the bytes flow: a stream that opens its file lazily could create it after a
      // failed upload's clean-up had already run, and leave it behind.
      const handle = await open(temp, 'wx')
      await pipeline(part.file, meter, createWriteStream('', { fd: handle }))
      if (part.file.truncated) throw tooLarge(settings.maxBytes)
      file = { path: temp, sha256: hash.digest('hex'), size, filename: part.filename ?? '' }
    }
    if (!file) throw badRequest('file', 'A file part is required')
    const nul: (string | number)[][] = []
    const normalized = normalizeInput(fields, nul)
    if (nul.length) throw badRequest(nul[0]!.join('.'), NUL_MESSAGE)
    const parsed = MediaUploadFields.safeParse(normalized)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw badRequest(issue.path.join('.'), issue.message)
    }
    return { ...file, fields: parsed.data }
  } catch (err) {
    if (temp) await unlink(temp).catch(() => {})
    throw isParseError(err) ? badRequest('body', 'The multipart body is malformed') : err
  }
}

/** Busboy reports a broken body with plain errors: no HTTP status, no system error code (ENOSPC…). */
const isParseError = (err: unknown) => {
  const e = err as { statusCode?: unknown; code?: unknown }
  return e.statusCode === undefined && !(typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code))
}

/**
 * Removes temporary uploads last written before `before`: what a crashed or killed process left
 * behind. Uploads in flight are being written (or were, moments ago), so they are newer.
 */
export async function sweepTempDir(tempDir: string, before: Date): Promise<number> {
  let removed = 0
  for (const name of await readdir(tempDir).catch(() => [] as string[])) {
    const path = join(tempDir, name)
    const info = await stat(path).catch(() => undefined)
    if (info && info.mtimeMs < before.getTime()) {
      await rm(path, { force: true, recursive: true })
      removed++
    }
  }
  return removed
}

export const tooLarge = (maxBytes: number) => new PayloadTooLarge(`The file is larger than ${maxBytes} bytes`)

export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { sha256: hash.digest('hex'), size }
}

export interface ImageFacts {
  /** As displayed, after the EXIF orientation is applied. */
  width: number
  height: number
  placeholder: string
  /** Orientation or metadata (EXIF with GPS, XMP, IPTC, comments) that the served bytes must not carry. */
  needsCleaning: boolean
}

const CLEANABLE = new Set(['jpeg', 'png', 'webp', 'heif'])

/**
 * Reads an image's size and paints its placeholder. The placeholder decodes every pixel, so a
 * truncated or damaged file fails here, at upload, rather than later for a reader.
 */
export async function inspectImage(path: string, maxPixels: number): Promise<ImageFacts> {
  const sharp = await loadSharp()
  const open = () => sharp(path, { limitInputPixels: maxPixels, failOn: 'truncated' })
  let meta: Metadata
  try {
    // Reading the header decodes no pixels, so the size can be checked against the limit first.
    meta = await sharp(path, { limitInputPixels: false }).metadata()
  } catch {
    throw new UnreadableMedia('The image cannot be read')
  }
  if (!meta.width || !meta.height) throw new UnreadableMedia('The image has no size')
  if (meta.width * meta.height > maxPixels) {
    throw new PayloadTooLarge(`The image is ${meta.width}×${meta.height} pixels; at most ${maxPixels} pixels are accepted`)
  }
  const turned = (meta.orientation ?? 1) >= 5
  let placeholder: string
  try {
    const { data, info } = await open()
      .rotate()
      .resize(100, 100, { fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    placeholder = Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64')
  } catch {
    throw new UnreadableMedia('The image is damaged or incomplete')
  }
  const animated = (meta.pages ?? 1) > 1
  const carriesMetadata = Boolean(meta.exif || meta.xmp || meta.iptc || meta.comments?.length) || (meta.orientation ?? 1) !== 1
  return {
    width: turned ? meta.height : meta.width,
    height: turned ? meta.width : meta.height,
    placeholder,
    needsCleaning: carriesMetadata && !animated && CLEANABLE.has(meta.format ?? ''),
  }
}

/**
 * Writes the image upright and without metadata (the colour profile stays), in its own format. An
 * upright JPEG only loses its metadata segments, so its pixels stay exactly as the camera made them.
 */
export async function cleanImage(input: string, output: string, maxPixels: number): Promise<void> {
  const sharp = await loadSharp()
  const image = sharp(input, { limitInputPixels: maxPixels, failOn: 'truncated' }).rotate().keepIccProfile()
  const { format, orientation } = await image.metadata()
  if (format === 'jpeg' && (orientation ?? 1) === 1) {
    const stripped = stripJpegMetadata(await readFile(input))
    if (stripped) return writeFile(output, stripped)
  }
  const cleaned =
    format === 'png'
      ? image.png()
      : format === 'webp'
        ? image.webp({ quality: 90 })
        : format === 'heif'
          ? image.avif({ quality: 70 })
          : image.jpeg({ quality: 90 })
  await cleaned.toFile(output)
}

/** A resized copy, never wider than the original. */
export async function makeVariant(original: Buffer, width: number, format: VariantFormat, maxPixels: number): Promise<Buffer> {
  const sharp = await loadSharp()
  const image = sharp(original, { limitInputPixels: maxPixels }).rotate().resize({ width, withoutEnlargement: true })
  const encoded =
    format === 'webp'
      ? image.webp({ quality: 80 })
      : format === 'avif'
        ? image.avif({ quality: 55, effort: 2 })
        : image.flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true })
  return encoded.toBuffer()
}

const ICC_PROFILE = Buffer.from('ICC_PROFILE\0', 'latin1')

/** Segments that describe how to draw the image: tables, frame and scan headers, JFIF, Adobe, ICC. */
function drawsImage(marker: number, body: Buffer): boolean {
  if (marker === 0xfe) return false // comment
  if (marker < 0xe0 || marker > 0xef) return true
  return marker === 0xe0 || marker === 0xee || (marker === 0xe2 && body.subarray(0, ICC_PROFILE.length).equals(ICC_PROFILE))
}

/**
 * A JPEG without its EXIF, XMP, IPTC, comment segments and anything after the end marker (where
 * phones keep preview images with their own EXIF), the compressed pixels copied untouched. Null
 * when the file is not laid out as expected, so that the caller re-encodes instead.
 */
export function stripJpegMetadata(data: Buffer): Buffer | null {
  if (data[0] !== 0xff || data[1] !== 0xd8) return null
  const kept: Buffer[] = [data.subarray(0, 2)]
  let i = 2
  while (i + 1 < data.length) {
    if (data[i] !== 0xff) return null
    const marker = data[i + 1]!
    if (marker === 0xff) {
      i++ // fill byte
      continue
    }
    if (marker === 0xd9) {
      kept.push(data.subarray(i, i + 2))
      return Buffer.concat(kept)
    }
    if (i + 4 > data.length) return null
    const end = i + 2 + data.readUInt16BE(i + 2)
    if (end > data.length || end < i + 4) return null
    if (marker === 0xda) {
      // The scan's compressed data runs to the next marker that is neither a stuffed 0xFF nor a restart.
      let j = end
      while (j + 1 < data.length && !(data[j] === 0xff && data[j + 1] !== 0x00 && (data[j + 1]! < 0xd0 || data[j + 1]! > 0xd7))) j++
      if (j + 1 >= data.length) return null
      kept.push(data.subarray(i, j))
      i = j
      continue
    }
    if (drawsImage(marker, data.subarray(i + 4, end))) kept.push(data.subarray(i, end))
    i = end
  }
  return null
}
