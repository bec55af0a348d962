import { unlink } from 'node:fs/promises'
import { and, arrayContains, count, eq, inArray, or, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { LOCKS, lockForTransaction } from '../../db/locks.js'
import { articles, documents, media, pages, people } from '../../db/schema.js'
import { badRequest, InUse, invalidReference, NotFound, Unavailable, unknownReference } from '../../errors.js'
import type { Principal } from '../../shared/principal.js'
import { checkVersion, type ExpectedVersion } from '../../shared/versions.js'
import { changedFields, rowChange, write } from '../../shared/write.js'
import { newId } from '../../shared/ids.js'
import { afterCursor, cursorValue, orderBy, type SortSpec } from '../../shared/keyset.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import { foldedTextMatch, isEmptyQuery, rememberWords, searchQuery } from '../../shared/search.js'
import { fold } from '../../shared/text.js'
import type { Storage } from '../../storage/storage.js'
import { cleanImage, detectType, hashFile, inspectImage, makeVariant, type MediaSettings, safeFilename, type Upload } from './media.files.js'
import { type Media, type MediaFileQuery, type MediaListQuery, type MediaPatch, variantFormats } from './media.schemas.js'
import { type MediaRow, toMedia } from './media.shape.js'


export const blobKey = (sha256: string) => `${sha256.slice(0, 2)}/${sha256}`
const originalKey = (sha256: string) => `${blobKey(sha256)}/original`
const variantKey = (sha256: string, width: number, format: string) => `${blobKey(sha256)}/${width}.${format}`


export async function getMedia(db: Db, id: string): Promise<MediaRow> {
  const [row] = await db.select().from(media).where(eq(media.id, id))
  if (!row) throw new NotFound('Media', id)
  return row
}

/** Media by id, for embedding in articles: one query whatever the number. */
export async function mediaByIds(db: Db, ids: Iterable<string>): Promise<Map<string, Media>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const rows = await db.select().from(media).where(inArray(media.id, unique))
  return new Map(rows.map((row) => [row.id, toMedia(row)]))
}

/**
 * Every reference must name existing media: a 422 names the first path that does not. The rows are
 * locked for share, so a concurrent delete waits for this write and then sees the reference.
 */
export async function assertMediaExist(db: Db, refs: { path: string; id: string; image?: boolean }[]): Promise<void> {
  if (refs.length === 0) return
  const ids = [...new Set(refs.map((r) => r.id))]
  const found = new Map((await db.select({ id: media.id, kind: media.kind }).from(media).where(inArray(media.id, ids)).for('share')).map((r) => [r.id, r.kind]))
  const missing = refs.find((r) => !found.has(r.id))
  if (missing) throw unknownReference(missing.path, 'media')
  const notImage = refs.find((r) => r.image && found.get(r.id) !== 'image')
  if (notImage) throw invalidReference(notImage.path, `media ${notImage.id} is a ${found.get(notImage.id)}, not an image`)
}

/** An SEO image must be an image media item: a 422 naming `seo.imageId` otherwise. */
export const assertSeoImage = (db: Db, seo: { imageId?: string | null | undefined } | null | undefined) =>
  assertMediaExist(db, seo?.imageId ? [{ path: 'seo.imageId', id: seo.imageId, image: true }] : [])

const sorts: Record<MediaListQuery['sort'], SortSpec> = {
  '-createdAt': { column: media.createdAt, direction: 'desc', nullable: false, cast: 'timestamptz' },
  createdAt: { column: media.createdAt, direction: 'asc', nullable: false, cast: 'timestamptz' },
}

export async function listMedia(db: Db, query: MediaListQuery) {
  const spec = sorts[query.sort]
  const start = pageStart(query, query.sort)
  const search = query.q === undefined ? undefined : await searchQuery(db, query.q)
  const filter = and(
    search && (isEmptyQuery(search) ? sql`false` : foldedTextMatch(media.searchFolded, search)),
    query.kind ? eq(media.kind, query.kind) : undefined,
  )
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(media)
      .where(and(filter, start.after && afterCursor(spec, media.id, start.after)))
      .orderBy(...orderBy(spec, media.id))
      .limit(query.limit + 1)
      .offset(start.offset),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(media).where(filter),
  ])
  const page = finishPage(rows, query.limit, query.sort, (row) => ({ value: cursorValue(row.createdAt), id: row.id }))
  return { ...page, total: total?.[0]?.n }
}

/** Writes that store or drop the same bytes take turns. */
const lockBlob = (db: Db, sha256: string) => lockForTransaction(db, LOCKS.mediaBlob, sha256)

async function assertPerson(db: Db, path: string, id: string) {
  const [found] = await db.select({ id: people.id }).from(people).where(eq(people.id, id))
  if (!found) throw unknownReference(path, 'person')
}

/**
 * Decides the type from the bytes, reads and cleans images, then stores the bytes under their hash
 * and writes the row in one transaction. The temporary file is gone afterwards, whatever happens.
 */
export async function createMedia(db: Db, storage: Storage, upload: Upload, settings: MediaSettings, auth: Principal): Promise<MediaRow> {
  const temps = [upload.path]
  try {
    const { mimeType, kind } = await detectType(upload.path, settings.allowedTypes)
    const { fields } = upload
    if (fields.creditPersonId) await assertPerson(db, 'creditPersonId', fields.creditPersonId)

    let stored = { path: upload.path, sha256: upload.sha256, size: upload.size }
    let image: { width: number; height: number; placeholder: string } | undefined
    if (kind === 'image') {
      const facts = await inspectImage(upload.path, settings.maxPixels)
      image = facts
      if (facts.needsCleaning) {
        const cleaned = `${upload.path}.clean`
        temps.push(cleaned)
        await cleanImage(upload.path, cleaned, settings.maxPixels)
        stored = { path: cleaned, ...(await hashFile(cleaned)) }
      }
    }

    const filename = safeFilename(upload.filename, mimeType)
    const key = originalKey(stored.sha256)
    // Stored before the transaction: bytes are addressed by their hash, so storing them twice is
    // harmless, and a long transfer (to S3, say) holds no database connection.
    const created = await storage.putFile(key, stored.path, mimeType)
    try {
      return await write(db, async (tx) => {
        await lockBlob(tx, stored.sha256)
        // A delete of other media with the same bytes may have removed them in between (putFile
        // moved ours into place): then nothing is written and the client sends the file again.
        if ((await storage.size(key)) === null) throw new Unavailable('The same file was being deleted meanwhile: send it again')
        const now = new Date()
        const [row] = await tx
          .insert(media)
          .values({
            id: newId(),
            kind,
            filename,
            mimeType,
            size: stored.size,
            width: image?.width ?? null,
            height: image?.height ?? null,
            sha256: stored.sha256,
            alt: fields.alt ?? null,
            caption: fields.caption ?? null,
            credit: fields.credit ?? null,
            creditPersonId: fields.creditPersonId ?? null,
            placeholder: image?.placeholder ?? null,
            searchFolded: searchText(filename, fields.caption, fields.credit),
            createdAt: now,
            updatedAt: now,
          })
          .returning()
        await rememberWords(tx, filename, fields.caption, fields.credit)
        return { result: row!, change: rowChange('media', 'media.created', row!, auth) }
      })
    } catch (err) {
      if (created) await dropBytesIfUnused(db, storage, stored.sha256)
      throw err
    }
  } finally {
    for (const path of temps) await unlink(path).catch(() => {})
  }
}

const searchText = (filename: string, caption: string | null | undefined, credit: string | null | undefined) =>
  fold([filename, caption, credit].filter(Boolean).join(' '))

/** A patch that changes nothing writes nothing: no new version, the same ETag. */
export async function updateMedia(db: Db, id: string, patch: MediaPatch, auth: Principal, required?: ExpectedVersion): Promise<MediaRow> {
  return write(db, async (tx) => {
    const [current] = await tx.select().from(media).where(eq(media.id, id)).for('update')
    if (!current) throw new NotFound('Media', id)
    checkVersion(required, current.version)
    const changes = changedFields(current, patch)
    if (!changes) return { result: current, change: null }
    if (changes.creditPersonId) await assertPerson(tx, 'creditPersonId', changes.creditPersonId)
    const next = { ...current, ...changes }
    const [row] = await tx
      .update(media)
      .set({
        alt: next.alt,
        caption: next.caption,
        credit: next.credit,
        creditPersonId: next.creditPersonId,
        searchFolded: searchText(next.filename, next.caption, next.credit),
        version: current.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(media.id, id))
      .returning()
    if (changes.caption !== undefined || changes.credit !== undefined) await rememberWords(tx, next.caption, next.credit)
    return { result: row!, change: rowChange('media', 'media.updated', row!, auth) }
  })
}

const imageBlock = (body: typeof articles.body | typeof pages.body, id: string) => sql`${body} @> ${JSON.stringify([{ type: 'image', mediaId: id }])}::jsonb`

/** Where media is used: articles and pages (trashed ones too, they can come back), people, documents and share cards. */
export async function mediaUsage(db: Db, id: string): Promise<string[]> {
  const [inArticles, asPhoto, inPages, asFile, asShare] = await Promise.all([
    db
      .select({ slug: articles.slug, cover: sql<boolean>`${articles.coverId} is not distinct from ${id}::uuid` })
      .from(articles)
      .where(or(eq(articles.coverId, id), imageBlock(articles.body, id)))
      .orderBy(articles.slug)
      .limit(10),
    db.select({ slug: people.slug }).from(people).where(eq(people.photoId, id)).orderBy(people.slug).limit(10),
    db.select({ slug: pages.slug }).from(pages).where(imageBlock(pages.body, id)).orderBy(pages.slug).limit(10),
    db.select({ slug: documents.slug }).from(documents).where(arrayContains(documents.fileIds, [id])).orderBy(documents.slug).limit(10),
    rawRows<{ what: string; slug: string }>(
      db,
      sql`(select 'article' as what, slug from articles where seo_image_id = ${id} limit 10)
        union all (select 'page', slug from pages where seo_image_id = ${id} limit 10)
        union all (select 'category', slug from categories where seo_image_id = ${id} limit 10)`,
    ),
  ])
  return [
    ...inArticles.map((a) => (a.cover ? `the cover of article ${a.slug}` : `the body of article ${a.slug}`)),
    ...asPhoto.map((p) => `the photo of person ${p.slug}`),
    ...inPages.map((p) => `the body of page ${p.slug}`),
    ...asFile.map((d) => `the files of document ${d.slug}`),
    ...asShare.map((s) => `the SEO image of ${s.what} ${s.slug}`),
  ]
}

/**
 * Media still used anywhere cannot go (409 that says where). Bytes that no other media shares go
 * after the row has: a failed commit never leaves a row without its bytes. The second
 * transaction holds the lock on the bytes, so an upload of the same bytes meanwhile keeps them.
 */
export async function deleteMedia(db: Db, storage: Storage, id: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  const sha256 = await write(db, async (tx) => {
    const [row] = await tx.select().from(media).where(eq(media.id, id)).for('update')
    if (!row) throw new NotFound('Media', id)
    checkVersion(required, row.version)
    const places = await mediaUsage(tx, id)
    if (places.length) throw new InUse(`Media ${id} is used in ${places.join('; ')}`)
    await tx.delete(media).where(eq(media.id, id))
    return { result: row.sha256, change: rowChange('media', 'media.deleted', row, auth, 'delete') }
  })
  await dropBytesIfUnused(db, storage, sha256)
}

/** Removes stored bytes (and their variants) that no media row has, under the lock on those bytes. */
async function dropBytesIfUnused(db: Db, storage: Storage, sha256: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockBlob(tx, sha256)
    const [shared] = await tx.select({ id: media.id }).from(media).where(eq(media.sha256, sha256)).limit(1)
    if (!shared) await storage.remove(blobKey(sha256))
  })
}

export interface StoredFile {
  row: MediaRow
  key: string
  size: number
  contentType: string
  etag: string
  filename: string
}

const pending = new WeakMap<Storage, Map<string, Promise<number>>>()

/** The original bytes, or a variant from the fixed list, made on first request and kept in storage. */
export async function mediaFile(db: Db, storage: Storage, id: string, query: MediaFileQuery, maxPixels: number): Promise<StoredFile> {
  const row = await getMedia(db, id)
  if (query.w === undefined) {
    return { row, key: originalKey(row.sha256), size: row.size, contentType: row.mimeType, etag: `"${row.sha256}"`, filename: row.filename }
  }
  if (row.kind !== 'image') throw badRequest('w', 'Only images have sizes')
  const format = query.format ?? 'webp'
  const key = variantKey(row.sha256, query.w, format)
  const size = (await storage.size(key)) ?? (await makeOnce(storage, key, () => renderVariant(storage, row, key, query.w!, format, maxPixels)))
  const stem = row.filename.replace(/\.[^.]*$/, '')
  return {
    row,
    key,
    size,
    contentType: `image/${format}`,
    etag: `"${row.sha256}-${query.w}.${format}"`,
    filename: `${stem}-${query.w}.${format === 'jpeg' ? 'jpg' : format}`,
  }
}

/** Concurrent requests for a variant that is not there yet share one rendering. */
function makeOnce(storage: Storage, key: string, make: () => Promise<number>): Promise<number> {
  const running = pending.get(storage) ?? new Map<string, Promise<number>>()
  pending.set(storage, running)
  const existing = running.get(key)
  if (existing) return existing
  const promise = make().finally(() => running.delete(key))
  running.set(key, promise)
  return promise
}

async function renderVariant(
  storage: Storage,
  row: MediaRow,
  key: string,
  width: number,
  format: (typeof variantFormats)[number],
  maxPixels: number,
): Promise<number> {
  const data = await withRenderSlot(async () => {
    const chunks: Buffer[] = []
    for await (const chunk of await storage.read(originalKey(row.sha256))) chunks.push(chunk as Buffer)
    return makeVariant(Buffer.concat(chunks), width, format, maxPixels)
  })
  await storage.putBuffer(key, data, `image/${format}`)
  return data.length
}

/**
 * At most this many variants are rendered at once; the rest queue. A crawler asking for every size of
 * every photo then costs time, not memory (each rendering holds its original in memory).
 */
const RENDER_SLOTS = 2
let rendering = 0
const waitingForSlot: (() => void)[] = []

async function withRenderSlot<T>(work: () => Promise<T>): Promise<T> {
  if (rendering < RENDER_SLOTS) rendering++
  else await new Promise<void>((resolve) => waitingForSlot.push(resolve))
  try {
    return await work()
  } finally {
    // The slot passes straight to the next in line, so no newcomer can slip past the queue.
    const next = waitingForSlot.shift()
    if (next) next()
    else rendering--
  }
}

