import { createHash } from 'node:crypto'
import { and, count, eq, gte, lt, not, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { pageLimitValue, queryPrepared } from '../../db/prepared.js'
import { documents } from '../../db/schema.js'
import { badRequest } from '../../errors.js'
import { decodeCursor, encodeCursor } from '../../shared/cursor.js'
import { afterCursor, cursorValue, orderBy, type SortSpec } from '../../shared/keyset.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import { isEmptyQuery, searchQuery } from '../../shared/search.js'
import { searchLevels } from '../../shared/search-levels.js'
import { type DocumentRow, inForceSql, preparedColumns, readColumns, todayInVietnam, toDocumentRow } from './documents.hydrate.js'
import type { DocumentListQuery, DocumentSort } from './documents.schemas.js'
import { foldNumber } from './documents.service.js'

type ListSort = Exclude<DocumentSort, 'relevance'>

const sorts: Record<ListSort, SortSpec> = {
  '-issuedAt': { column: documents.issuedAt, direction: 'desc', nullable: false, cast: 'date' },
  issuedAt: { column: documents.issuedAt, direction: 'asc', nullable: false, cast: 'date' },
  number: { column: documents.number, direction: 'asc', nullable: false, cast: 'text' },
  '-updatedAt': { column: documents.updatedAt, direction: 'desc', nullable: false, cast: 'timestamptz' },
}

const sortValue = (sort: ListSort, row: DocumentRow) =>
  sort === 'number' ? row.number : sort === '-updatedAt' ? cursorValue(row.updatedAt) : row.issuedAt

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
    const inForce = inForceSql(todayInVietnam())
    where.push(query.inForce === 'true' ? inForce : not(inForce))
  }
  return where
}

/** A cursor of a ranked search belongs to its q: another q cannot continue it. */
const queryTag = (q: string) => createHash('sha1').update(q).digest('base64url').slice(0, 10)

export interface DocumentPage {
  rows: DocumentRow[]
  nextCursor: string | null
  total: number | undefined
}

/**
 * `GET /v1/documents`: filtered, sorted, paged by cursor or offset. With q, the documents whose
 * number or text match (see `matching`), by relevance unless another sort is asked for.
 */
export async function listDocuments(db: Db, query: DocumentListQuery): Promise<DocumentPage> {
  const where = filters(query)
  let rank: SQL | undefined
  if (query.q !== undefined) {
    const search = await searchQuery(db, query.q)
    if (isEmptyQuery(search)) return { rows: [], nextCursor: null, total: query.offset === undefined ? undefined : 0 }
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
    sort === 'relevance' ? rankedPage(db, query, where, rank!) : sortedPage(db, query, where, sort),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(documents).where(and(...where)),
  ])
  return { ...page, total: total?.[0]?.n }
}

function sortedStatement(db: Db, query: DocumentListQuery, where: SQL[], sort: ListSort) {
  const spec = sorts[sort]
  const start = pageStart(query, sort)
  // Without an offset the limit is written into the text, for the generic plan (see pageLimit).
  return db
    .select(preparedColumns)
    .from(documents)
    .where(and(...where, start.after && afterCursor(spec, documents.id, start.after)))
    .orderBy(...orderBy(spec, documents.id))
    .limit(start.offset ? query.limit + 1 : pageLimitValue(query.limit + 1))
    .offset(start.offset)
}

/** The statement of a list page without q, for the test of its plan. */
export const listStatement = (db: Db, query: DocumentListQuery) => sortedStatement(db, query, filters(query), (query.sort ?? '-issuedAt') as ListSort).getSQL()

async function sortedPage(db: Db, query: DocumentListQuery, where: SQL[], sort: ListSort) {
  // Prepared once per connection: a list is planned once, not on every request.
  const rows = (await queryPrepared(db, sortedStatement(db, query, where, sort))).map(toDocumentRow)
  return finishPage(rows, query.limit, sort, (row) => ({ value: sortValue(sort, row), id: row.id }))
}

/** Best rank first, then newest issued; the cursor carries the rank, the date and the q it belongs to. */
async function rankedPage(db: Db, query: DocumentListQuery, where: SQL[], rank: SQL) {
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
    .select({ row: readColumns, rank: sql<number>`${rank}`.mapWith(Number) })
    .from(documents)
    .where(and(...where, after))
    .orderBy(sql`${rank}`, sql`${documents.issuedAt} desc`, sql`${documents.id} desc`)
    .limit(query.limit + 1)
    .offset(offset)
  if (rows.length <= query.limit) return { rows: rows.map((r) => r.row), nextCursor: null }
  const kept = rows.slice(0, query.limit)
  const last = kept.at(-1)!
  return { rows: kept.map((r) => r.row), nextCursor: encodeCursor({ sort, value: `${last.rank}|${last.row.issuedAt}`, id: last.row.id }) }
}
