import { z } from 'zod'
import { pageRevisions, pages, type PageSnapshotRow, type RevisionOp } from '../../db/schema.js'
import type { Principal } from '../../shared/principal.js'
import { revisionSchemas } from '../revisions/revisions.schemas.js'
import { revisionRow, type RevisionSubject } from '../revisions/revisions.service.js'
import { pageByIdOrSlug, type PageRow, toPage } from './pages.queries.js'
import { Page, PageInput, type PagePatch, PageStatus } from './pages.schemas.js'

/**
 * What a page revision keeps: every field of the page input, as the page held it. Derived from
 * the input's keys, so a field the input gains is kept, and restored, with no change here.
 */
const keptKeys = Object.keys(PageInput.shape) as (keyof PageInput)[]
const kept = Object.fromEntries(keptKeys.map((key) => [key, true])) as { [K in keyof typeof PageInput.shape]: true }

export const PageSnapshot = Page.pick(kept)
  .extend({ deleted: z.boolean().describe('The write left the page in the trash') })
  .meta({ id: 'PageSnapshot' })

export const pageRevisionSchemas = revisionSchemas({
  noun: 'page',
  key: 'pageId',
  snapshot: PageSnapshot,
  status: PageStatus,
  ids: { summary: 'PageRevisionSummary', revision: 'PageRevision' },
})

export const pageRevisionSubject: RevisionSubject<PageSnapshotRow> = {
  noun: 'page',
  key: 'pageId',
  table: pageRevisions,
  async findId(db, idOrSlug) {
    const [row] = await db.select({ id: pages.id }).from(pages).where(pageByIdOrSlug(idOrSlug))
    return row?.id
  },
}

/** The revision row that keeps the page as this write left it, as number `row.version`. */
export function pageRevisionRow(row: PageRow, op: RevisionOp, auth: Principal) {
  const page: Record<string, unknown> = toPage(row)
  const snapshot = { ...Object.fromEntries(keptKeys.map((key) => [key, page[key]])), deleted: row.deletedAt !== null }
  return revisionRow(row, op, snapshot, auth)
}

/**
 * The patch that brings a revision's content back. A field the revision did not keep (it was
 * written before the page had that field) stays as it is.
 */
export function patchFrom(snapshot: PageSnapshotRow): PagePatch {
  return Object.fromEntries(keptKeys.filter((key) => key in snapshot).map((key) => [key, snapshot[key]])) as PagePatch
}
