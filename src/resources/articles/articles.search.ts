import { createHash } from 'node:crypto'
import { and, eq, gte, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type FixedStatement, fixedStatementOf, inlineValues, pageLimitFor, queryPrepared, runFixed, type StatementValues } from '../../db/prepared.js'
import { articleSearch, articles } from '../../db/schema.js'
import { badRequest } from '../../errors.js'
import { decodeCursor, encodeCursor } from '../../shared/cursor.js'
import { afterCursor, orderBy } from '../../shared/keyset.js'
import { isEmptyQuery, type SearchQuery, searchQuery } from '../../shared/search.js'
import { searchLevels } from '../../shared/search-levels.js'
import type { Principal } from '../../shared/principal.js'
import type { ShareSettings } from '../../shared/seo.js'
import { jsonArray, withKeys } from '../../shared/json.js'
import { listTag } from './articles.etag.js'
import { filters, sortSpec, sortValue } from './articles.filters.js'
import { answerBytes } from '../../db/json-shape.js'
import { type AnswerRow, answerColumns, type ArticleRow, stampList } from './articles.json.js'
import { isPublished, visibleTo } from './articles.visibility.js'
import { highlight } from './articles.highlight.js'
import type { ArticleListParams, ArticleSort } from './articles.schemas.js'

// ---- the list -------------------------------------------------------------------------------

/**
 * A page's columns, read from the lateral subquery `x`: what the cursor, the highlight and the
 * answer need. The body's searchable text for the highlight (smaller to send than the blocks'
 * JSON), and not even that for title hits when the answer has no body, whose highlight is then
 * their title and summary.
 */
function pageColumns(params: SearchParams, withBody: boolean, titleLevels: SQL | null, share: ShareSettings | undefined): SQL {
  const { answer, stamps } = answerColumns('x', { include: params.include, fields: params.fields, share })
  const text = sql`bantin_body_search_text(x.body)`
  return sql`x.id as "id", x.version as "version", x.published_at as "publishedAt", x.updated_at as "updatedAt", x.title as "title",
    x.summary as "summary", x.tags as "tags", x.excerpt as "excerpt", ${answer} as "answer", ${stamps} as "stamps",
    ${withBody || !titleLevels ? text : sql`case when l.lvl = any(${titleLevels}::int[]) then null else ${text} end`} as "searchText"`
}

/** A cursor of a search belongs to its query: another q cannot continue it. */
const queryTag = (q: string) => createHash('sha1').update(q).digest('base64url').slice(0, 10)

interface SearchPosition {
  level: number
  value: string | null
  id: string
}

function readCursor(cursor: string, sort: string, q: string): SearchPosition {
  const position = decodeCursor(cursor, `search:${sort}`)
  const parts = typeof position.value === 'string' ? (JSON.parse(position.value) as unknown) : null
  if (!Array.isArray(parts) || parts.length !== 3 || typeof parts[0] !== 'number' || typeof parts[2] !== 'string') {
    throw badRequest('cursor', 'Not a cursor from meta.nextCursor')
  }
  if (parts[2] !== queryTag(q)) throw badRequest('cursor', 'The cursor belongs to another q: start again without it')
  return { level: parts[0], value: parts[1] as string | null, id: position.id }
}

type SearchRow = AnswerRow &
  Pick<ArticleRow, 'publishedAt' | 'updatedAt' | 'title' | 'summary' | 'tags' | 'excerpt'> & { searchLevel: number; searchNames: string[]; searchText: string | null }

type SearchParams = ArticleListParams & { q: string }

/**
 * How a statement takes a value: as a parameter, or as a placeholder of a statement written out
 * once (whose values pageValues gives, without building the statement).
 */
type Bind = StatementValues['value']
const asParameter: Bind = inlineValues.value
const asPlaceholder: Bind = (name) => sql.placeholder(name) as unknown as SQL

/** The values a search page's statement takes, by the names `bind` is given. */
function pageValues(params: SearchParams, { levels, titleLevels, base }: ReturnType<typeof searchLevels>, start: SearchPosition | undefined) {
  const sort = params.sort ?? 'relevance'
  return {
    levels: JSON.stringify(sort === 'relevance' ? levels : [base]),
    titleLevels: `{${(sort === 'relevance' ? titleLevels : []).join(',')}}`,
    startLevel: start?.level ?? 1,
  }
}

/**
 * Whether a search's matches can be sorted and cut to the page from the search table alone, whose
 * copy of visibility and date is enough unless the list also filters by category, person or tag,
 * or sorts by another column than the date.
 */
const searchAlone = (params: SearchParams) =>
  !params.category && !params.person && !params.role && params.tag === undefined && params.sort !== '-updatedAt' && params.sort !== 'title'

/**
 * The key of a search page's statement when its text is the same for every q: a search alone
 * (no category, person, tag, status or date, sorted by relevance or date) from its first page,
 * which is what a site's search box sends. Other searches build their statement per request.
 */
function fixedKey(params: SearchParams, auth: Principal | null, share: ShareSettings | undefined): string | null {
  const dated = params.status !== undefined || params.publishedAfter !== undefined || params.publishedBefore !== undefined
  if (!searchAlone(params) || dated || params.cursor !== undefined || params.offset !== undefined) return null
  return JSON.stringify([auth === null, params.trashed ?? false, params.sort ?? 'relevance', params.limit, params.fields ?? null, params.include ?? null, share?.key ?? null])
}
const fixedPages = new Map<string, FixedStatement>()

/**
 * The two statements of a search page: the page itself, and the count that offset paging adds.
 * Apart from `searchArticles` so that a test can read their plans.
 */
export function searchStatements(query: SearchQuery, params: SearchParams, auth: Principal | null, share?: ShareSettings, bind: Bind = asParameter) {
  const sort: ArticleSort | 'relevance' = params.sort ?? 'relevance'
  const found = searchLevels(query)
  const { base } = found
  const list = { ...params, sort: sort === 'relevance' ? ('-publishedAt' as const) : sort }
  const spec = sortSpec(list.sort, auth)
  const start = params.cursor === undefined ? undefined : readCursor(params.cursor, sort, params.q)
  const values = pageValues(params, found, start)
  const position = start && { sort, value: start.value, id: start.id }
  const offset = params.offset ?? 0
  const take = params.limit + 1
  const inner = pageLimitFor(offset + take, offset)
  const outer = offset ? sql`${take} offset ${offset}` : pageLimitFor(take, offset)
  const withBody = !params.fields || params.fields.includes('body') || (params.include ?? []).includes('media')
  const matching = (q: SQL) => sql`bantin_search_document(${articleSearch.doc}, ${articleSearch.people}) @@ ${q}`

  // A level's matches, sorted and cut to the page before anything is joined (see searchAlone).
  const alone = searchAlone(params)
  let level: SQL
  let counted: SQL
  if (alone) {
    const own = { ...spec, column: articleSearch.publishedAt }
    const where = searchVisibility(auth, params)
    const after = position && sql`(l.lvl > ${start.level} or ${afterCursor(own, articleSearch.articleId, position)})`
    level = sql`select ${articles}.* from (
        select ${articleSearch.articleId}, ${articleSearch.publishedAt} from ${articleSearch}
        where ${matching(sql`l.q::tsquery`)} and ${and(where, after)}
        order by ${sql.join(orderBy(own, articleSearch.articleId), sql`, `)}
        limit ${inner}
      ) m join ${articles} on ${articles.id} = m.article_id
      order by ${sql.join(orderBy({ ...own, column: sql.raw('m.published_at') as never }, sql.raw('m.article_id') as never), sql`, `)}`
    counted = sql`select count(*)::int as n from ${articleSearch} where ${matching(sql`(select ${base}::tsquery)`)} and ${where}`
  } else {
    const where = and(visibleTo(auth, params.trashed), ...filters(list))
    const after = position && sql`(l.lvl > ${start.level} or ${afterCursor(spec, articles.id, position)})`
    level = sql`select ${articles}.* from ${articleSearch} join ${articles} on ${articles.id} = ${articleSearch.articleId}
      where ${matching(sql`l.q::tsquery`)} and ${and(where, after)}
      order by ${sql.join(orderBy(spec, articles.id), sql`, `)}
      limit ${inner}`
    // The tsquery is a subquery's result, as in the page: the planner takes it for a selective one
    // and joins articles by key instead of scanning them.
    counted = sql`select count(*)::int as n from ${articleSearch} join ${articles} on ${articles.id} = ${articleSearch.articleId}
      where ${matching(sql`(select ${base}::tsquery)`)} and ${where}`
  }

  // One level after the other: a function scan over the levels drives a lateral subquery that the
  // GIN index serves, and the outer LIMIT stops the loop once the page is full.
  const page = sql`select l.lvl::int as "searchLevel", ${pageColumns(params, withBody, sort === 'relevance' ? bind('titleLevels', values.titleLevels) : null, share)},
      array(select p.name from article_people ap join people p on p.id = ap.person_id where ap.article_id = x.id order by ap.position) as "searchNames"
    from jsonb_array_elements_text(${bind('levels', values.levels)}::jsonb) with ordinality as l(q, lvl)
    cross join lateral (${level}) x
    where l.lvl >= ${bind('startLevel', values.startLevel)}
    limit ${outer}`
  return { page, counted, cursorAfter: cursorAfter(params) }
}

function cursorAfter(params: SearchParams) {
  const sort = params.sort ?? 'relevance'
  const listSort = sort === 'relevance' ? ('-publishedAt' as const) : sort
  return (row: SearchRow) =>
    encodeCursor({ sort: `search:${sort}`, value: JSON.stringify([row.searchLevel, sortValue(listSort, row), queryTag(params.q)]), id: row.id })
}

/**
 * What a caller may find, on the search table's copy of the article's status and dates: the
 * rule of `visibleTo` (anonymous callers: published and due, never the trash; a token: every
 * status, the trash when asked), with the list's status and date filters.
 */
function searchVisibility(auth: Principal | null, params: SearchParams): SQL {
  const s = articleSearch
  const visible =
    auth && params.trashed
      ? isNotNull(s.deletedAt)
      : auth
        ? isNull(s.deletedAt)
        : and(isNull(s.deletedAt), isPublished(s.status), sql`${s.publishedAt} <= now()`)!
  return and(
    visible,
    params.status !== undefined ? eq(s.status, params.status) : undefined,
    params.publishedAfter ? gte(s.publishedAt, params.publishedAfter) : undefined,
    params.publishedBefore ? lt(s.publishedAt, params.publishedBefore) : undefined,
  )!
}

/**
 * `GET /v1/articles?q=`: the visible articles that match, by relevance (or another sort), each
 * with its highlight. Paging by cursor or offset, as every list; the cursor is bound to q.
 */
export async function searchArticles(db: Db, params: SearchParams, auth: Principal | null, key: string, share?: ShareSettings) {
  if (params.cursor !== undefined && params.offset !== undefined) throw badRequest('cursor', 'Use either cursor or offset, not both')
  const query = await searchQuery(db, params.q)
  if (isEmptyQuery(query)) return { data: jsonArray([]), nextCursor: null, total: params.offset === undefined ? undefined : 0, etag: listTag(key, [], false, 0, []) }
  // A search box's query runs one statement text whatever its q, written out once; others are built here.
  const fixed = fixedKey(params, auth, share)
  let raw: SearchRow[]
  let total: { n: number }[] | undefined
  if (fixed !== null) {
    const statement = fixedStatementOf(fixedPages, fixed, () => searchStatements(query, params, auth, share, asPlaceholder).page)
    raw = (await runFixed(db, statement, pageValues(params, searchLevels(query), undefined))) as unknown as SearchRow[]
  } else {
    const { page, counted } = searchStatements(query, params, auth, share)
    ;[raw, total] = await Promise.all([
      queryPrepared(db, page) as unknown as Promise<SearchRow[]>,
      params.offset === undefined ? undefined : (queryPrepared(db, counted) as Promise<{ n: number }[]>),
    ])
  }
  const after = cursorAfter(params)

  const rows = raw.slice(0, params.limit)
  const nextCursor = raw.length > params.limit ? after(rows[rows.length - 1]!) : null
  // Each hit is its answer as PostgreSQL built it, with its highlight added at the end.
  const data = jsonArray(rows.map((row) => withKeys(answerBytes(row), { highlight: highlight({ ...row, bodyText: row.searchText }, query, row.searchNames) })))
  const n = total?.[0]?.n
  return { data, nextCursor, total: n, etag: listTag(key, rows, nextCursor !== null, n, rows.flatMap((r) => stampList(r.stamps))) }
}
