import { createHash } from 'node:crypto'
import { and, eq, gte, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { pageLimit, queryPrepared } from '../../db/prepared.js'
import { articleSearch, articles } from '../../db/schema.js'
import { badRequest } from '../../errors.js'
import { decodeCursor, encodeCursor } from '../../shared/cursor.js'
import { afterCursor, orderBy } from '../../shared/keyset.js'
import { isEmptyQuery, type QueryRun, type QueryWord, type SearchQuery, searchQuery, tsLexeme } from '../../shared/search.js'
import type { Principal } from '../../shared/principal.js'
import { jsonArray, withKeys } from '../../shared/json.js'
import { listTag } from './articles.etag.js'
import { filters, sortSpec, sortValue } from './articles.filters.js'
import { type AnswerRow, answerBytes, answerColumns, type ArticleRow } from './articles.json.js'
import { isPublished, visibleTo } from './articles.visibility.js'
import { highlight } from './articles.highlight.js'
import type { ArticleListParams, ArticleSort } from './articles.schemas.js'

// ---- ranking --------------------------------------------------------------------------------
//
// Relevance is a ladder of levels, best first, each a tsquery that the GIN index answers exactly
// (no positions, no weights, so no row is read to check it); within a level, newest first. An
// article is on the first level it matches:
//
//   1. exact diacritics: every word typed with diacritics is found with exactly those ("bão", not
//      "báo"), when the query has any;
//   2. neighbours: how many of the query's neighbouring pairs ("dân vận") are found as pairs;
//   3. where: all words in the title, else all in the summary, tags or linked names, else anywhere.
//
// A page reads the levels in order and stops when it is full, so a common phrase costs what its
// best level holds, not what all its matches hold.

const lexeme = (prefix: string) => (alt: string) => tsLexeme(prefix + alt)
const anyOf = (items: string[]) => (items.length === 1 ? items[0]! : `(${items.join(' | ')})`)
const allOf = (items: string[]) => items.join(' & ')

/** Two neighbouring words of a run, as the pair lexemes they may be found as. */
interface Pair {
  alts: string[]
  words: [QueryWord, QueryWord]
}
const pairsOf = (run: QueryRun): Pair[] =>
  run.words.slice(1).map((b, i) => {
    const a = run.words[i]!
    return { alts: a.alts.flatMap((x) => b.alts.map((y) => `${x}_${y}`)).slice(0, 16), words: [a, b] }
  })

const combinations = <T>(items: T[], k: number): T[][] =>
  k === 0 ? [[]] : items.flatMap((item, i) => combinations(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]))

/**
 * What a query must match, and its levels of relevance, as tsquery text. A lexeme that another
 * required one implies is left out (a pair implies its words, an accent key its folded word, a
 * title copy the word itself): the same matches, fewer and rarer posting lists for GIN to walk.
 */
export function searchLevels(query: SearchQuery): { base: string; levels: string[]; titleLevels: number[] } {
  const words = query.include.flatMap((run) => run.words)
  const word = (w: QueryWord, prefix = '') => anyOf(w.alts.map(lexeme(prefix)))
  const pair = (p: Pair, prefix = '') => anyOf(p.alts.map(lexeme(prefix)))
  const quoted = query.include.filter((run) => run.quoted).flatMap(pairsOf)
  const pairs = query.include.filter((run) => !run.quoted).flatMap(pairsOf)
  const keyed = words.filter((w) => w.key && !w.corrected)
  const keys = [...new Set(keyed.map((w) => w.key!))].map(tsLexeme)
  const excluded = query.exclude.map((run) =>
    run.words.length === 1 ? `!${tsLexeme(run.words[0]!.key ?? run.words[0]!.folded)}` : `!(${allOf(pairsOf(run).map((p) => pair(p)))})`,
  )
  const byQuoted = new Set(quoted.flatMap((p) => p.words))
  /** Every word not implied, then the required terms and the exclusions. */
  const conjunction = (required: string[], implied: Set<QueryWord>) =>
    allOf([...words.filter((w) => !implied.has(w)).map((w) => word(w)), ...required, ...excluded])
  const base = conjunction(quoted.map((p) => pair(p)), byQuoted)

  // Exactly k pairs found (for up to 4 pairs; beyond that: all, some, none).
  const atLeast = (k: number) =>
    k >= pairs.length ? `(${allOf(pairs.map((p) => pair(p)))})` : anyOf(combinations(pairs, k).map((c) => `(${allOf(c.map((p) => pair(p)))})`))
  const counts = pairs.length <= 4 ? [...Array(pairs.length + 1).keys()].reverse() : [pairs.length, 1, 0]

  /** In a field: every word, and when pairs count, at least one pair there too (one pair covers its words). */
  const inField = (prefix: string, withPairs: boolean): string[] => {
    const only = withPairs && pairs.length === 1 ? pairs[0]! : undefined
    return [
      ...words.filter((w) => !only?.words.includes(w)).map((w) => word(w, prefix)),
      ...quoted.map((p) => pair(p, prefix)),
      ...(only ? [pair(only, prefix)] : withPairs ? [anyOf(pairs.map((p) => pair(p, prefix)))] : []),
    ]
  }

  const levels: string[] = []
  /** The levels (1-based) whose hits have every word in the title. */
  const titleLevels: number[] = []
  for (const exact of keys.length ? [true, false] : [null]) {
    for (const [i, k] of (pairs.length ? counts : [0]).entries()) {
      const withPairs = pairs.length > 0 && k !== 0
      const allPairs = pairs.length > 0 && k === pairs.length
      const title = inField('t:', withPairs)
      const meta = inField('m:', withPairs)
      for (const where of ['title', 'meta', 'body'] as const) {
        const required = quoted.map((p) => pair(p))
        const implied = new Set(byQuoted)
        if (exact === true) {
          required.push(...keys)
          keyed.forEach((w) => implied.add(w))
        } else if (exact === false) required.push(`!(${allOf(keys)})`)
        // With one pair, the field's copy of it stands for the pair too.
        const pairInField = allPairs && pairs.length === 1 && where !== 'body'
        if (allPairs && !pairInField) required.push(...pairs.map((p) => pair(p)))
        else if (withPairs && !allPairs) required.push(atLeast(k))
        if (allPairs) pairs.forEach((p) => p.words.forEach((w) => implied.add(w)))
        if (pairs.length && i > 0) required.push(`!${atLeast(counts[i - 1]!)}`)
        if (where === 'title') required.push(...title)
        else required.push(`!(${allOf(title)})`, ...(where === 'meta' ? meta : [`!(${allOf(meta)})`]))
        if (where !== 'body') words.forEach((w) => implied.add(w))
        levels.push(conjunction(required, implied))
        if (where === 'title') titleLevels.push(levels.length)
      }
    }
  }
  return { base, levels, titleLevels }
}

// ---- the list -------------------------------------------------------------------------------

/**
 * A page's columns, read from the lateral subquery `x`: what the cursor, the highlight and the
 * answer need. The body's searchable text for the highlight (smaller to send than the blocks'
 * JSON), and not even that for title hits when the answer has no body, whose highlight is then
 * their title and summary.
 */
function pageColumns(params: SearchParams, withBody: boolean, titleLevels: number[]): SQL {
  const { answer, stamps } = answerColumns('x', { include: params.include, fields: params.fields })
  const text = sql`bantin_body_search_text(x.body)`
  return sql`x.id as "id", x.version as "version", x.published_at as "publishedAt", x.updated_at as "updatedAt", x.title as "title",
    x.summary as "summary", x.tags as "tags", x.excerpt as "excerpt", ${answer} as "answer", ${stamps} as "stamps",
    ${withBody ? text : sql`case when l.lvl = any(${`{${titleLevels.join(',')}}`}::int[]) then null else ${text} end`} as "searchText"`
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
 * The two statements of a search page: the page itself, and the count that offset paging adds.
 * Apart from `searchArticles` so that a test can read their plans.
 */
export function searchStatements(query: SearchQuery, params: SearchParams, auth: Principal | null) {
  const sort: ArticleSort | 'relevance' = params.sort ?? 'relevance'
  const { base, levels: ranked, titleLevels } = searchLevels(query)
  const levels = sort === 'relevance' ? ranked : [base]
  const list = { ...params, sort: sort === 'relevance' ? ('-publishedAt' as const) : sort }
  const spec = sortSpec(list.sort, auth)
  const start = params.cursor === undefined ? undefined : readCursor(params.cursor, sort, params.q)
  const position = start && { sort, value: start.value, id: start.id }
  const offset = params.offset ?? 0
  const take = params.limit + 1
  // Without an offset the limits are written into the text, for the generic plan (see pageLimit).
  const inner = offset ? sql`${offset + take}` : pageLimit(take)
  const outer = offset ? sql`${take} offset ${offset}` : pageLimit(take)
  const withBody = !params.fields || params.fields.includes('body') || (params.include ?? []).includes('media')
  const matching = (q: SQL) => sql`bantin_search_document(${articleSearch.doc}, ${articleSearch.people}) @@ ${q}`

  // A level's matches, sorted and cut to the page before anything is joined: from the search
  // table alone, whose copy of visibility and date is enough unless the list also filters by
  // category, person or tag, or sorts by another column.
  const alone = !params.category && !params.person && !params.role && params.tag === undefined && (list.sort === '-publishedAt' || list.sort === 'publishedAt')
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
  const page = sql`select l.lvl::int as "searchLevel", ${pageColumns(params, withBody, sort === 'relevance' ? titleLevels : [])},
      array(select p.name from article_people ap join people p on p.id = ap.person_id where ap.article_id = x.id order by ap.position) as "searchNames"
    from jsonb_array_elements_text(${JSON.stringify(levels)}::jsonb) with ordinality as l(q, lvl)
    cross join lateral (${level}) x
    where l.lvl >= ${start?.level ?? 1}
    limit ${outer}`
  const cursorAfter = (row: SearchRow) =>
    encodeCursor({ sort: `search:${sort}`, value: JSON.stringify([row.searchLevel, sortValue(list.sort, row), queryTag(params.q)]), id: row.id })
  return { page, counted, cursorAfter }
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
export async function searchArticles(db: Db, params: SearchParams, auth: Principal | null, key: string) {
  if (params.cursor !== undefined && params.offset !== undefined) throw badRequest('cursor', 'Use either cursor or offset, not both')
  const query = await searchQuery(db, params.q)
  if (isEmptyQuery(query)) return { data: jsonArray([]), nextCursor: null, total: params.offset === undefined ? undefined : 0, etag: listTag(key, [], false, 0, []) }
  const { page, counted, cursorAfter } = searchStatements(query, params, auth)
  const [raw, total] = await Promise.all([
    queryPrepared(db, page) as unknown as Promise<SearchRow[]>,
    params.offset === undefined ? undefined : (queryPrepared(db, counted) as Promise<{ n: number }[]>),
  ])

  const rows = raw.slice(0, params.limit)
  const nextCursor = raw.length > params.limit ? cursorAfter(rows[rows.length - 1]!) : null
  // Each hit is its answer as PostgreSQL built it, with its highlight added at the end.
  const data = jsonArray(rows.map((row) => withKeys(answerBytes(row), { highlight: highlight({ ...row, bodyText: row.searchText }, query, row.searchNames) })))
  const n = total?.[0]?.n
  return { data, nextCursor, total: n, etag: listTag(key, rows, nextCursor !== null, n, rows.flatMap((r) => r.stamps)) }
}
