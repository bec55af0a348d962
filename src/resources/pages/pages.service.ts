import { and, count, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { pageRevisions, pages, type RevisionOp } from '../../db/schema.js'
import { InUse, InvalidReference, NotFound, unknownReference } from '../../errors.js'
import { newId } from '../../shared/ids.js'
import { assertNotInMenus } from '../../shared/menu-links.js'
import type { Principal } from '../../shared/principal.js'
import { seoColumnsOf } from '../../shared/seo.js'
import { claimFreeSlug, claimingSlug } from '../../shared/slugs.js'
import { checkVersion, type ExpectedVersion } from '../../shared/versions.js'
import { type Change, changedFields, write, type Written } from '../../shared/write.js'
import { deriveReadingFields } from '../articles/blocks.js'
import { assertMediaExist, assertSeoImage } from '../media/media.service.js'
import { revisionSnapshot } from '../revisions/revisions.service.js'
import { isPublicPage, pageByIdOrSlug, pageColumns, type PageRow } from './pages.queries.js'
import { pageRevisionRow, pageRevisionSubject, patchFrom } from './pages.revisions.js'
import type { PageInput, PagePatch } from './pages.schemas.js'

/**
 * The change of a write: what it did, and whether the page became visible to the public
 * (`page.published`) or stopped being visible (`page.unpublished`).
 */
function changeOf(op: RevisionOp, before: PageRow | null, after: PageRow, auth: Principal): Change {
  const was = before !== null && isPublicPage(before)
  const is = isPublicPage(after)
  const events =
    op === 'trash'
      ? ['page.deleted']
      : [
          op === 'create' ? 'page.created' : op === 'restore' ? 'page.restored' : 'page.updated',
          ...(is && !was ? ['page.published'] : []),
          ...(was && !is ? ['page.unpublished'] : []),
        ]
  const changeOp = after.deletedAt ? 'delete' : 'upsert'
  return { type: 'page', id: after.id, op: changeOp, events, version: after.version, slug: after.slug, actor: auth, at: after.updatedAt }
}

/** Media in image blocks must exist: a 422 names the first that does not. */
async function assertBodyMedia(db: Db, body: PageInput['body']) {
  await assertMediaExist(db, (body ?? []).flatMap((b, i) => (b.type === 'image' ? [{ path: `body.${i}.mediaId`, id: b.mediaId }] : [])))
}

/** The ids of a page and all of its descendants, trashed ones included. */
const subtree = (rootId: string) => sql`(with recursive sub(id) as (
    select ${rootId}::uuid
    union all
    select p.id from pages p join sub on p.parent_id = sub.id
  ) select id from sub)`

/** A parent must be a page out of the trash, and never the page itself or one below it. */
async function assertParent(db: Db, parentId: string, selfId?: string) {
  const [parent] = await db
    .select({ id: pages.id })
    .from(pages)
    .where(and(eq(pages.id, parentId), isNull(pages.deletedAt)))
    .for('share')
  if (!parent) throw unknownReference('parentId', 'page')
  if (selfId === undefined) return
  const [cycle] = await rawRows<{ hit: boolean }>(db, sql`select exists(select 1 from ${subtree(selfId)} s where s.id = ${parentId}::uuid) as hit`)
  if (cycle?.hit) throw new InvalidReference('parentId: a page cannot be placed under itself or one of its own sub-pages')
}

/** The page as a write left it, with its path. */
async function reread(tx: Db, id: string): Promise<PageRow> {
  const [row] = await tx.select(pageColumns).from(pages).where(eq(pages.id, id))
  return row!
}

/** The page, locked until the transaction ends, at the version If-Match requires. */
async function lockPage(db: Db, idOrSlug: string, required: ExpectedVersion, trashed = false): Promise<PageRow> {
  const [row] = await db
    .select(pageColumns)
    .from(pages)
    .where(and(pageByIdOrSlug(idOrSlug), trashed ? isNotNull(pages.deletedAt) : isNull(pages.deletedAt)))
    .for('update', { of: pages })
  if (!row) throw new NotFound(trashed ? 'Trashed page' : 'Page', idOrSlug)
  checkVersion(required, row.version)
  return row
}

export async function createPage(db: Db, input: PageInput, auth: Principal): Promise<PageRow> {
  return claimingSlug('pages_slug_key', input.slug, () =>
    write(db, async (tx) => {
      if (input.parentId) await assertParent(tx, input.parentId)
      await assertBodyMedia(tx, input.body)
      await assertSeoImage(tx, input.seo)
      const now = new Date()
      const body = input.body ?? []
      const id = newId()
      await tx.insert(pages).values({
        id,
        slug: input.slug ?? (await claimFreeSlug(tx, pages, input.title, 'page')),
        title: input.title,
        body,
        excerpt: deriveReadingFields(null, body).excerpt,
        parentId: input.parentId ?? null,
        position: input.position ?? 0,
        status: input.status ?? 'draft',
        ...seoColumnsOf(input.seo),
        createdAt: now,
        updatedAt: now,
      })
      const row = await reread(tx, id)
      await tx.insert(pageRevisions).values(pageRevisionRow(row, 'create', auth))
      return { result: row, change: changeOf('create', null, row, auth) }
    }),
  )
}

/** The op of a write that changes content: whether it published the page, or took it back. */
function opFor(before: PageRow['status'], after: PageRow['status']): RevisionOp {
  if (before === after) return 'update'
  return after === 'published' ? 'publish' : 'unpublish'
}

/**
 * Writes a patch over a page, with a revision. A patch that changes nothing writes nothing: no new
 * version, no revision, the same ETag. A revert always writes: it is asked for as a new revision.
 */
async function changePage(tx: Db, current: PageRow, patch: PagePatch, op: RevisionOp | null, auth: Principal): Promise<Written<PageRow>> {
  const { seo, ...rest } = patch
  const changes = changedFields(current, { ...rest, ...(seo !== undefined && seoColumnsOf(seo)) })
  if (!changes && op === null) return { result: current, change: null }
  if (changes?.seoImageId) await assertSeoImage(tx, seo)
  if (changes?.parentId) await assertParent(tx, changes.parentId, current.id)
  if (changes?.body) await assertBodyMedia(tx, changes.body)
  await tx
    .update(pages)
    .set({
      ...changes,
      ...(changes?.body && { excerpt: deriveReadingFields(null, changes.body).excerpt }),
      version: current.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(pages.id, current.id))
  const row = await reread(tx, current.id)
  const writeOp = op ?? opFor(current.status, row.status)
  await tx.insert(pageRevisions).values(pageRevisionRow(row, writeOp, auth))
  return { result: row, change: changeOf(writeOp, current, row, auth) }
}

export async function updatePage(db: Db, idOrSlug: string, patch: PagePatch, auth: Principal, required?: ExpectedVersion): Promise<PageRow> {
  return claimingSlug('pages_slug_key', patch.slug, () =>
    write(db, async (tx) => changePage(tx, await lockPage(tx, idOrSlug, required), patch, null, auth)),
  )
}

async function setTrashed(tx: Db, current: PageRow, trashed: boolean, auth: Principal): Promise<Written<PageRow>> {
  const now = new Date()
  await tx
    .update(pages)
    .set({ deletedAt: trashed ? now : null, updatedAt: now, version: current.version + 1 })
    .where(eq(pages.id, current.id))
  const row = await reread(tx, current.id)
  const op = trashed ? 'trash' : 'restore'
  await tx.insert(pageRevisions).values(pageRevisionRow(row, op, auth))
  return { result: row, change: changeOf(op, current, row, auth) }
}

async function countChildren(tx: Db, id: string, withTrashed: boolean): Promise<number> {
  const [found] = await tx
    .select({ n: count() })
    .from(pages)
    .where(and(eq(pages.parentId, id), withTrashed ? undefined : isNull(pages.deletedAt)))
  return found?.n ?? 0
}

/**
 * Moves a page to the trash: gone from reads, its slug still reserved. Refused while pages below
 * it are out of the trash, or while a menu links to it.
 */
export async function trashPage(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => {
    const current = await lockPage(tx, idOrSlug, required)
    const children = await countChildren(tx, current.id, false)
    if (children) throw new InUse(`Page ${current.slug} still has ${children} sub-pages: move or delete them first`)
    await assertNotInMenus(tx, 'page', current.id, `Page ${current.slug}`)
    return setTrashed(tx, current, true, auth)
  })
}

/** Brings a page back from the trash, unless the page above it is still there. */
export async function restorePage(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<PageRow> {
  return write(db, async (tx) => {
    const current = await lockPage(tx, idOrSlug, required, true)
    if (current.parentId) {
      const [parent] = await tx.select({ slug: pages.slug, deletedAt: pages.deletedAt }).from(pages).where(eq(pages.id, current.parentId)).for('share')
      if (parent?.deletedAt) throw new InUse(`The page above it, ${parent.slug}, is in the trash: restore that first`)
    }
    return setTrashed(tx, current, false, auth)
  })
}

/** Deletes a page from the trash for good, with its revisions. */
export async function purgePage(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => {
    const [row] = await tx.select().from(pages).where(pageByIdOrSlug(idOrSlug)).for('update')
    if (!row) throw new NotFound('Page', idOrSlug)
    if (!row.deletedAt) throw new InUse('Only a page in the trash can be purged: DELETE it first')
    checkVersion(required, row.version)
    const children = await countChildren(tx, row.id, true)
    if (children) throw new InUse(`Page ${row.slug} still has ${children} sub-pages in the trash: purge them first`)
    await assertNotInMenus(tx, 'page', row.id, `Page ${row.slug}`)
    await tx.delete(pages).where(eq(pages.id, row.id))
    const change: Change = { type: 'page', id: row.id, op: 'delete', events: ['page.purged'], version: null, slug: row.slug, actor: auth, at: new Date() }
    return { result: undefined, change }
  })
}

/**
 * Makes a revision's content the page's current content, as a new revision. Its parent must still
 * be a page out of the trash, and not one below it now (a 422 otherwise); the slug stays as it is
 * when another page has taken the old one meanwhile.
 */
export async function revertPage(db: Db, idOrSlug: string, number: number, auth: Principal, required?: ExpectedVersion): Promise<PageRow> {
  return write(db, async (tx) => {
    const current = await lockPage(tx, idOrSlug, required)
    const patch = patchFrom(await revisionSnapshot(tx, pageRevisionSubject, current.id, number))
    if (patch.slug !== undefined) {
      const [owner] = await tx.select({ id: pages.id }).from(pages).where(eq(pages.slug, patch.slug))
      if (owner && owner.id !== current.id) delete patch.slug
    }
    return changePage(tx, current, patch, 'revert', auth)
  })
}
