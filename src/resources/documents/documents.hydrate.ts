import { and, getTableColumns, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articles, documents, people } from '../../db/schema.js'
import { mediaByIds } from '../media/media.service.js'
import { toPerson } from '../people/people.service.js'
import { visibility } from '../articles/articles.visibility.js'
import type { Document } from './documents.schemas.js'
import type { SiteSettings } from '../../config.js'
import { urlOf } from '../../site/urls.js'

const { search: _search, ...columns } = getTableColumns(documents)
/** What reads of documents select: every column but the search lexemes, which only the index needs. */
export const readColumns = columns
export type DocumentRow = Omit<typeof documents.$inferSelect, 'search'>

// As a prepared statement answers them (see queryPrepared): keyed by column name, dates as text,
// since the pg driver would make Dates of them, at midnight in the server's zone.
const dated = new Set<string>([documents.issuedAt.name, documents.effectiveAt.name, documents.expiredAt.name])
/** The columns of `readColumns` for a statement that queryPrepared runs. */
export const preparedColumns = Object.fromEntries(
  Object.entries(columns).map(([key, column]) => [key, dated.has(column.name) ? sql<string>`${column}::text`.as(column.name) : column]),
) as unknown as typeof columns

/** A row of a statement with `preparedColumns`, as Drizzle would have mapped it. */
export function toDocumentRow(raw: Record<string, unknown>): DocumentRow {
  return Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, raw[column.name]])) as unknown as DocumentRow
}
export type DocumentInclude = 'signer' | 'files' | 'articles'

/** Documents are dated on the calendar of Việt Nam, whatever the server's zone: today there (UTC+7). */
export const todayInVietnam = (now = new Date()) => new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10)

/** In force: its effective day (or, without one, its issue day) has come, and its expiry day has not. */
export const isInForce = (row: Pick<DocumentRow, 'issuedAt' | 'effectiveAt' | 'expiredAt'>, today: string) =>
  (row.effectiveAt ?? row.issuedAt) <= today && (row.expiredAt === null || today < row.expiredAt)

/** The same rule in SQL, for the inForce filter (served by documents_in_force_idx). */
export const inForceSql = (today: string) =>
  sql`(coalesce(${documents.effectiveAt}, ${documents.issuedAt}) <= ${today}::date and (${documents.expiredAt} is null or ${documents.expiredAt} > ${today}::date))`

/**
 * Rows as the API answers them: `inForce` derived today, `articleIds` only the related articles
 * the caller may read (anonymous callers: published ones), the embeds asked for, and (reads, with a
 * site) `url`. One query per relation, whatever the number of rows.
 */
export async function toDocuments(
  db: Db,
  rows: DocumentRow[],
  anonymous: boolean,
  include: readonly DocumentInclude[] = [],
  site?: SiteSettings,
): Promise<Document[]> {
  if (rows.length === 0) return []
  const today = todayInVietnam()
  const articleIds = [...new Set(rows.flatMap((r) => r.articleIds))]
  const signerIds = [...new Set(rows.flatMap((r) => (r.signerId ? [r.signerId] : [])))]
  const [related, signers, files] = await Promise.all([
    articleIds.length
      ? db
          .select({ id: articles.id, slug: articles.slug, title: articles.title, publishedAt: articles.publishedAt })
          .from(articles)
          .where(and(inArray(articles.id, articleIds), visibility(anonymous)))
      : [],
    include.includes('signer') && signerIds.length ? db.select().from(people).where(inArray(people.id, signerIds)) : [],
    include.includes('files') ? mediaByIds(db, rows.flatMap((r) => r.fileIds)) : new Map(),
  ])
  const readable = new Map(related.map((a) => [a.id, { ...a, publishedAt: a.publishedAt?.toISOString() ?? null }]))
  const signerById = new Map(signers.map((p) => [p.id, toPerson(p)]))
  return rows.map((row) => {
    const linked = row.articleIds.filter((id) => readable.has(id))
    const document: Document = {
      id: row.id,
      slug: row.slug,
      number: row.number,
      kind: row.kind,
      issuer: row.issuer,
      signerId: row.signerId,
      issuedAt: row.issuedAt,
      effectiveAt: row.effectiveAt,
      expiredAt: row.expiredAt,
      inForce: isInForce(row, today),
      summary: row.summary,
      field: row.field,
      fileIds: row.fileIds,
      articleIds: linked,
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    }
    const url = urlOf(site, 'document', row)
    if (url !== null) document.url = url
    if (include.includes('signer')) document.signer = row.signerId ? (signerById.get(row.signerId) ?? null) : null
    if (include.includes('files')) document.files = row.fileIds.flatMap((id) => files.get(id) ?? [])
    if (include.includes('articles')) document.articles = linked.map((id) => readable.get(id)!)
    return document
  })
}

/** Current documents by id, as a reader sees them: what the sync feed serves. */
export async function documentsByIds(db: Db, ids: string[]): Promise<Map<string, Document>> {
  const rows = await db.select(readColumns).from(documents).where(inArray(documents.id, ids))
  return new Map((await toDocuments(db, rows, false)).map((d) => [d.id, d]))
}
