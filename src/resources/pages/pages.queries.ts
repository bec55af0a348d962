import { and, count, eq, getTableColumns, isNotNull, isNull, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { pages } from '../../db/schema.js'
import { badRequest, NotFound } from '../../errors.js'
import { isUuid } from '../../shared/ids.js'
import { pageSlugsSql } from '../../shared/page-path.js'
import { afterCursor, cursorValue, orderBy, type SortSpec } from '../../shared/keyset.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import type { Principal } from '../../shared/principal.js'
import { seoOf, type Share, type ShareSettings, shareSql } from '../../shared/seo.js'
import { renderBody } from '../articles/render.js'
import { type Page, type PageGetQuery, type PageListQuery, ROOT } from './pages.schemas.js'

export type PageRow = typeof pages.$inferSelect & { path: string }

/** The page's path: the slugs of its ancestors and its own, from the top down. One expression, no query per row. */
export const pagePath = sql<string>`('/pages/' || ${pageSlugsSql('pages')})`

/** A page's row with its path. */
export const pageColumns = { ...getTableColumns(pages), path: pagePath }

/** A page's row as reads have it: with its path, its `url` (null without a site) and its `share`. */
type SharedRow = PageRow & { url: string | null; share: Share }
const sharedColumns = (share: ShareSettings) => ({
  ...pageColumns,
  url: sql<string | null>`${share.siteUrl('page', 'pages')}`,
  share: sql<Share>`${shareSql({ alias: 'pages', title: sql`pages.title`, description: sql`pages.excerpt`, url: share.siteUrl('page', 'pages') }, share.mediaBase)}`,
})

export const toPage = (row: PageRow & { url?: string | null; share?: Share }, query: PageGetQuery = {}): Page => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  body: row.body,
  excerpt: row.excerpt,
  parentId: row.parentId,
  position: row.position,
  path: row.path,
  status: row.status,
  seo: seoOf(row),
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  ...(query.render === 'html' && { html: renderBody(row.body) }),
  ...(row.url && { url: row.url }),
  ...(row.share && { share: row.share }),
})

export const pageByIdOrSlug = (idOrSlug: string): SQL =>
  isUuid(idOrSlug) ? eq(pages.id, idOrSlug.toLowerCase()) : eq(pages.slug, idOrSlug)

/** Anonymous callers see published pages only; tokens every page not in the trash (or the trash). */
export const pageVisibility = (auth: Principal | null, trashed = false): SQL =>
  auth && trashed ? isNotNull(pages.deletedAt) : auth ? isNull(pages.deletedAt) : and(isNull(pages.deletedAt), sql`${pages.status} = 'published'`)!

/** Whether anonymous callers see a page in this state. */
export const isPublicPage = (row: { status: string; deletedAt: Date | null }) => row.deletedAt === null && row.status === 'published'

export async function getPage(db: Db, idOrSlug: string, auth: Principal | null, share: ShareSettings): Promise<SharedRow> {
  const [row] = await db.select(sharedColumns(share)).from(pages).where(and(pageByIdOrSlug(idOrSlug), pageVisibility(auth)))
  if (!row) throw new NotFound('Page', idOrSlug)
  return row
}

const sorts: Record<PageListQuery['sort'], SortSpec> = {
  position: { column: pages.position, direction: 'asc', nullable: false, cast: 'integer' },
  title: { column: pages.title, direction: 'asc', nullable: false, cast: 'text' },
  '-updatedAt': { column: pages.updatedAt, direction: 'desc', nullable: false, cast: 'timestamptz' },
}

const sortValue = (row: PageRow, sort: PageListQuery['sort']) =>
  sort === 'position' ? row.position : sort === 'title' ? row.title : cursorValue(row.updatedAt)

async function parentFilter(db: Db, parent: string | undefined, auth: Principal | null): Promise<SQL | undefined> {
  if (parent === undefined) return undefined
  if (parent === ROOT) return isNull(pages.parentId)
  const [found] = await db.select({ id: pages.id }).from(pages).where(and(pageByIdOrSlug(parent), pageVisibility(auth)))
  if (!found) throw new NotFound('Page', parent)
  return eq(pages.parentId, found.id)
}

export async function listPages(db: Db, query: PageListQuery, auth: Principal | null, share: ShareSettings) {
  // A filter that would show an anonymous caller more is refused, not emptied (as for articles).
  if (!auth && query.status !== undefined && query.status !== 'published') {
    throw badRequest('status', 'Only callers with a token can list pages that are not published')
  }
  if (!auth && query.trashed) throw badRequest('trashed', 'Only callers with a token can list the trash')
  const spec = sorts[query.sort]
  const start = pageStart(query, query.sort)
  const filter = and(
    pageVisibility(auth, query.trashed),
    await parentFilter(db, query.parent, auth),
    query.status ? eq(pages.status, query.status) : undefined,
  )
  const [rows, total] = await Promise.all([
    db
      .select(sharedColumns(share))
      .from(pages)
      .where(and(filter, start.after && afterCursor(spec, pages.id, start.after)))
      .orderBy(...orderBy(spec, pages.id))
      .limit(query.limit + 1)
      .offset(start.offset),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(pages).where(filter),
  ])
  const page = finishPage(rows, query.limit, query.sort, (row) => ({ value: sortValue(row, query.sort), id: row.id }))
  return { data: page.rows.map((row) => toPage(row)), nextCursor: page.nextCursor, total: total?.[0]?.n }
}
