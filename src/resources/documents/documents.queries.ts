import { createHash } from 'node:crypto'
import { and, count, eq, fillPlaceholders, not, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { answerBytes, isoSql } from '../../db/json-shape.js'
import { type FixedStatement, fixedStatementOf, pageLimitValue, preparedStatements, queryPrepared, runFixed } from '../../db/prepared.js'
import { documents } from '../../db/schema.js'
import { badRequest, NotFound } from '../../errors.js'
import { decodeCursor } from '../../shared/cursor.js'
import { isUuid } from '../../shared/ids.js'
import { afterValues, orderBy, type SortSpec } from '../../shared/keyset.js'
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

/** The values a list's filters compare with, by name. */
type FilterValues = Partial<Record<'kind' | 'issuer' | 'field' | 'from' | 'until', string>>

function filterValues(query: DocumentListQuery): FilterValues {
  const values: FilterValues = {}
  if (query.kind !== undefined) values.kind = query.kind
  if (query.issuer !== undefined) values.issuer = query.issuer
  if (query.field !== undefined) values.field = query.field
  if (query.year !== undefined) {
    values.from = `${String(query.year).padStart(4, '0')}-01-01`
    // Year 9999 has no next year PostgreSQL can write as a date.
    if (query.year < 9999) values.until = `${String(query.year + 1).padStart(4, '0')}-01-01`
  }
  return values
}

/**
 * The filters of a list, each served by an index of its own (with the default sort, by issue
 * date), each value as `bind` binds it: a parameter, or a placeholder of a statement written out once.
 */
function filters(query: DocumentListQuery, values: FilterValues, bind: (name: keyof FilterValues) => unknown): SQL[] {
  const where: SQL[] = []
  if (values.kind !== undefined) where.push(sql`${documents.kind} = ${bind('kind')}`)
  if (values.issuer !== undefined) where.push(sql`${documents.issuer} = ${bind('issuer')}`)
  if (values.field !== undefined) where.push(sql`${documents.field} = ${bind('field')}`)
  if (values.from !== undefined) where.push(sql`${documents.issuedAt} >= ${bind('from')}::date`)
  if (values.until !== undefined) where.push(sql`${documents.issuedAt} < ${bind('until')}::date`)
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
  const values = filterValues(query)
  const where = filters(query, values, (name) => values[name])
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
    sort === 'relevance' ? rankedPage(db, query, where, rank!, wanted) : sortedPage(db, query, values, where, sort, wanted),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(documents).where(and(...where)),
  ])
  return { data: page.rows.map((row) => row.answer), nextCursor: page.nextCursor, total: total?.[0]?.n }
}

/** A sorted page's select, one row more than the page, its values bound as `where` and `bind` bind them. */
function sortedSelect(db: Db, query: DocumentListQuery, where: SQL[], sort: ListSort, options: DocumentAnswerOptions, bind: (name: 'after' | 'afterId' | 'limit' | 'offset', value: unknown) => unknown) {
  const spec = sorts[sort]
  const start = pageStart(query, sort)
  const after = start.after && afterValues(spec, documents.id, bind('after', String(start.after.value)), bind('afterId', start.after.id))
  const select = db
    .select({ id: documents.id, position: spec.value.mapWith(String).as('position'), answer: answerColumn(options) })
    .from(documents)
    .where(and(...where, after))
    .orderBy(...orderBy(spec, documents.id))
    // Without an offset the limit is written into the text, for the generic plan (see pageLimit).
    .limit(start.offset ? (bind('limit', query.limit + 1) as number) : pageLimitValue(query.limit + 1))
  return start.offset ? select.offset(bind('offset', start.offset) as number) : select
}

/** The statements of sorted pages without q, one for each shape of list (see sortedStatement). */
const sortedStatements = new Map<string, FixedStatement>()

/**
 * The statement of a sorted page without q, and the values it runs with. Its text depends only
 * on the list's shape (the sort, which filters, a cursor or an offset, the page size without an
 * offset, the audience, the embeds, the site): it is written out once per shape, with
 * placeholders for the values, and PostgreSQL plans it once per connection.
 */
function sortedStatement(db: Db, query: DocumentListQuery, values: FilterValues, sort: ListSort, options: DocumentAnswerOptions) {
  const start = pageStart(query, sort)
  const bound: Record<string, unknown> = { ...values }
  if (start.after) Object.assign(bound, { after: String(start.after.value), afterId: start.after.id })
  if (start.offset) Object.assign(bound, { limit: query.limit + 1, offset: start.offset })
  const include = [...new Set(options.include ?? [])].sort()
  const key = [sort, Object.keys(bound).join(','), query.inForce, include.join(','), options.anonymous, options.share?.urls ? options.share.key : '', start.offset ? '' : query.limit].join('|')
  const statement = fixedStatementOf(sortedStatements, key, () =>
    sortedSelect(db, query, filters(query, values, (name) => sql.placeholder(name)), sort, { ...options, include }, (name) => sql.placeholder(name)).getSQL(),
  )
  return { statement, values: bound }
}

/** The statement of a list page without q with its values, for the test of its plan. */
export function listStatement(db: Db, query: DocumentListQuery) {
  const { statement, values } = sortedStatement(db, query, filterValues(query), (query.sort ?? '-issuedAt') as ListSort, { anonymous: true, include: query.include })
  const params = fillPlaceholders(statement.params, values)
  return { text: statement.text, params, toSQL: () => ({ sql: statement.text, params }) }
}

async function sortedPage(db: Db, query: DocumentListQuery, values: FilterValues, where: SQL[], sort: ListSort, options: DocumentAnswerOptions) {
  let rows: unknown[]
  if (query.q === undefined) {
    const { statement, values: bound } = sortedStatement(db, query, values, sort, options)
    rows = await runFixed(db, statement, bound)
  } else {
    // With q, the search's conditions join the filters: the text varies with the query.
    rows = await queryPrepared(db, sortedSelect(db, query, where, sort, options, (_name, value) => value))
  }
  return finishPage(rows as PageRow[], query.limit, sort, (row) => ({ value: row.position, id: row.id }))
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
