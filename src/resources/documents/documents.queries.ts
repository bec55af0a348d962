import { createHash } from 'node:crypto'
import { and, count, eq, gte, lt, not, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { answerBytes, isoSql } from '../../db/json-shape.js'
import { pageLimitValue, preparedStatements, queryPrepared } from '../../db/prepared.js'
import { documents } from '../../db/schema.js'
import { badRequest, NotFound } from '../../errors.js'
import { decodeCursor } from '../../shared/cursor.js'
import { isUuid } from '../../shared/ids.js'
import { afterCursor, orderBy, type SortSpec } from '../../shared/keyset.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import { isEmptyQuery, searchQuery } from '../../shared/search.js'
import { searchLevels } from '../../shared/search-levels.js'
import type { ShareSettings } from '../../shared/seo.js'
import { documentAnswer, type DocumentAnswerOptions, type DocumentInclude, inForceSql } from './documents.json.js'
import type { DocumentListQuery, DocumentSort } from './documents.schemas.js'
import { foldNumber } from './documents.service.js'

type ListSort = Exclude<DocumentSort, 'relevance'>

/** Each sort, and the value of a row's column that its cursor carries, as text. */
const sorts: Record<ListSort, SortSpec & { value: SQL }> = {
  '-issuedAt': { column: documents.issuedAt, direction: 'desc', nullable: false, cast: 'date', value: sql`${documents.issuedAt}::text` },
  issuedAt: { column: documents.issuedAt, direction: 'asc', nullable: false, cast: 'date', value: sql`${documents.issuedAt}::text` },
  number: { column: documents.number, direction: 'asc', nullable: false, cast: 'text', value: sql`${documents.number}` },
  '-updatedAt': { column: documents.updatedAt, direction: 'desc', nullable: false, cast: 'timestamptz', value: isoSql(sql`${documents.updatedAt}`) },
}

/** The filters of a list, each served by an index of its own (with the default sort, by issue date). */
function filters(query: DocumentListQuery): SQL[] {
  const where: SQL[] = []
  if (query.kind !== undefined) where.push(eq(documents.kind, query.kind))
  if (query.issuer !== undefined) where.push(eq(documents.issuer, query.issuer))
  if (query.field !== undefined) where.push(eq(documents.field, query.field))
  if (query.year !== undefined) {
    where.push(gte(documents.issuedAt, `${String(query.year).padStart(4, '0')}-01-01`))
    // Year 9999 has no next year PostgreSQL can write as a date.
    if (query.year < 9999) where.push(lt(documents.issuedAt, `${String(query.year + 1).padStart(4, '0')}-01-01`))
  }
  if (query.inForce !== undefined) {
    const inForce = inForceSql('documents')
    where.push(query.inForce === 'true' ? inForce : not(inForce))
  }
  return where
}

/** A cursor of a ranked search belongs to its q: another q cannot continue it. */
const queryTag = (q: string) => createHash('sha1').update(q).digest('base64url').slice(0, 10)

/** A row of a page: the document's id, the value its cursor carries, and its answer. */
interface PageRow {
  id: string
  position: string
  answer: string
}

export interface DocumentPage {
  /** The documents' answers as PostgreSQL sent them (see oneText). */
  data: string[]
  nextCursor: string | null
  total: number | undefined
}

/** What a read of documents answers with (see DocumentAnswerOptions). */
export interface DocumentReadOptions {
  anonymous: boolean
  include?: readonly DocumentInclude[] | undefined
  share?: ShareSettings | undefined
}

const answerColumn = (options: DocumentAnswerOptions) => documentAnswer('documents', options).mapWith(String).as('answer')

/**
 * `GET /v1/documents`: filtered, sorted, paged by cursor or offset, each document's answer built
 * by PostgreSQL in the statement that finds it. With q, the documents whose number or text match,
 * by relevance unless another sort is asked for.
 */
export async function listDocuments(db: Db, query: DocumentListQuery, options: DocumentReadOptions): Promise<DocumentPage> {
  const where = filters(query)
  const wanted = { ...options, include: query.include }
  let rank: SQL | undefined
  if (query.q !== undefined) {
    const search = await searchQuery(db, query.q)
    if (isEmptyQuery(search)) return { data: [], nextCursor: null, total: query.offset === undefined ? undefined : 0 }
    const { base, levels } = searchLevels(search)
    const number = foldNumber(query.q)
    // The GIN index answers the text, the number's own index its exact form.
    where.push(or(sql`${documents.search} @@ ${base}::tsquery`, number ? eq(documents.numberFolded, number) : undefined)!)
    // Relevance: the number exactly, then the levels of article search (all words in the number first).
    rank = sql`(case when ${documents.numberFolded} = ${number} then 0 ${sql.join(
      levels.map((level, i) => sql`when ${documents.search} @@ ${level}::tsquery then ${i + 1}`),
      sql` `,
    )} else ${levels.length + 1} end)`
  }
  const sort = query.sort ?? (rank ? 'relevance' : '-issuedAt')
  if (sort === 'relevance' && !rank) throw badRequest('sort', 'relevance needs q')
  const [page, total] = await Promise.all([
    sort === 'relevance' ? rankedPage(db, query, where, rank!, wanted) : sortedPage(db, query, where, sort, wanted),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(documents).where(and(...where)),
  ])
  return { data: page.rows.map((row) => row.answer), nextCursor: page.nextCursor, total: total?.[0]?.n }
}

function sortedStatement(db: Db, query: DocumentListQuery, where: SQL[], sort: ListSort, options: DocumentAnswerOptions) {
  const spec = sorts[sort]
  const start = pageStart(query, sort)
  // Without an offset the limit is written into the text, for the generic plan (see pageLimit).
  return db
    .select({ id: documents.id, position: spec.value.mapWith(String).as('position'), answer: answerColumn(options) })
    .from(documents)
    .where(and(...where, start.after && afterCursor(spec, documents.id, start.after)))
    .orderBy(...orderBy(spec, documents.id))
    .limit(start.offset ? query.limit + 1 : pageLimitValue(query.limit + 1))
    .offset(start.offset)
}

/** The statement of a list page without q, for the test of its plan. */
export const listStatement = (db: Db, query: DocumentListQuery) =>
  sortedStatement(db, query, filters(query), (query.sort ?? '-issuedAt') as ListSort, { anonymous: true, include: query.include }).getSQL()

async function sortedPage(db: Db, query: DocumentListQuery, where: SQL[], sort: ListSort, options: DocumentAnswerOptions) {
  // Prepared once per connection: a list is planned once, not on every request.
  const rows = (await queryPrepared(db, sortedStatement(db, query, where, sort, options))) as unknown[] as PageRow[]
  return finishPage(rows, query.limit, sort, (row) => ({ value: row.position, id: row.id }))
}

/** Best rank first, then newest issued; the cursor carries the rank, the date and the q it belongs to. */
async function rankedPage(db: Db, query: DocumentListQuery, where: SQL[], rank: SQL, options: DocumentAnswerOptions) {
  const sort = `relevance:${queryTag(query.q!)}`
  let after: SQL | undefined
  let offset = query.offset ?? 0
  if (query.cursor !== undefined) {
    if (query.offset !== undefined) throw badRequest('cursor', 'Use either cursor or offset, not both')
    const position = decodeCursor(query.cursor, sort)
    const [level, issuedAt] = String(position.value).split('|')
    if (!/^\d{1,3}$/.test(level ?? '') || !/^\d{4}-\d{2}-\d{2}$/.test(issuedAt ?? '')) throw badRequest('cursor', 'Not a cursor from meta.nextCursor')
    after = sql`(${rank} > ${Number(level)} or (${rank} = ${Number(level)} and (${documents.issuedAt}, ${documents.id}) < (${issuedAt}::date, ${position.id}::uuid)))`
    offset = 0
  }
  const rows = await db
    .select({ id: documents.id, position: sql<string>`${rank} || '|' || ${documents.issuedAt}::text`, answer: answerColumn(options) })
    .from(documents)
    .where(and(...where, after))
    .orderBy(sql`${rank}`, sql`${documents.issuedAt} desc`, sql`${documents.id} desc`)
    .limit(query.limit + 1)
    .offset(offset)
  return finishPage(rows, query.limit, sort, (row) => ({ value: row.position, id: row.id }))
}

/** A detail read's statement for each key, audience, include and site, made when first asked for. */
const documentStatements = preparedStatements((db) => {
  const details = new Map<string, ReturnType<typeof detail>>()
  const detail = (by: 'id' | 'slug', options: DocumentAnswerOptions, name: string) =>
    db
      .select({ version: documents.version, answer: answerColumn(options) })
      .from(documents)
      .where(eq(by === 'id' ? documents.id : documents.slug, sql.placeholder('key')))
      .prepare(name)
  return {
    detail(by: 'id' | 'slug', options: DocumentAnswerOptions) {
      const include = [...new Set(options.include ?? [])].sort()
      const site = options.share?.urls ? createHash('sha1').update(options.share.key).digest('hex').slice(0, 6) : ''
      const name = ['document', by, options.anonymous ? 'public' : 'any', ...include, site].filter(Boolean).join('_')
      let found = details.get(name)
      if (!found) details.set(name, (found = detail(by, { ...options, include }, name)))
      return found
    },
    /** Documents by id, as a token reads them: what the sync feed serves. */
    byIds: db
      .select({ id: documents.id, answer: answerColumn({ anonymous: false }) })
      .from(documents)
      .where(sql`${documents.id} = any(${sql.placeholder('ids')})`)
      .prepare('documents_by_ids'),
  }
})

/** One document as its GET answers it: its JSON bytes and its version. */
export async function readDocument(db: Db, idOrSlug: string, options: DocumentReadOptions): Promise<{ json: string; version: number }> {
  const byId = isUuid(idOrSlug)
  const [row] = await documentStatements(db).detail(byId ? 'id' : 'slug', options).execute({ key: byId ? idOrSlug.toLowerCase() : idOrSlug })
  if (!row) throw new NotFound('Document', idOrSlug)
  return { json: row.answer, version: row.version }
}

/** Current documents by id, as a token reads them (without the site's url): what the sync feed serves. */
export async function documentsByIds(db: Db, ids: string[]): Promise<Map<string, Buffer>> {
  const rows = await documentStatements(db).byIds.execute({ ids })
  return new Map(rows.map((row) => [row.id, answerBytes(row)]))
}
