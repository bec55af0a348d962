import { count, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type FixedStatement, fixedStatementOf, pageLimitFor, pageLimitValueFor, runFixed } from '../../db/prepared.js'
import { articles } from '../../db/schema.js'
import { digest, versionTag } from '../../shared/etags.js'
import type { Principal } from '../../shared/principal.js'
import { listPlan } from './articles.filters.js'
import { stampSql, urlNamesCategory } from './articles.json.js'
import type { ShareSettings } from '../../shared/seo.js'
import type { ArticleInclude, ArticleListQuery } from './articles.schemas.js'

/**
 * A list's ETag: which articles at which versions, whether more follow, the total, and the
 * versions of what is embedded. The same whether computed from a full answer or by the lean check.
 */
export function listTag(key: string, rows: { id: string; version: number }[], hasMore: boolean, total: number | null | undefined, related: string[]) {
  // A set: the order of a page follows from its rows' content, which their versions stand for.
  const versions = rows.map((r) => `${r.id}:${r.version}`).sort().join(',')
  return `W/"${digest(key, versions, String(hasMore), String(total ?? ''), [...new Set(related)].sort().join(','))}"`
}

/**
 * The statement of `articleListTag`: one query over ids and versions, no bodies read (unless
 * image blocks' media are embedded). Apart so that a test can read its plan.
 */
export function listTagStatement(db: Db, query: ArticleListQuery, auth: Principal | null, share?: ShareSettings): SQL {
  const plan = listPlan(query, auth)
  const include = query.include ?? []
  const withBody = include.includes('media') && (!query.fields || query.fields.includes('body'))
  const shown = pageLimitFor(query.limit, plan.offset)
  const page = db
    .select({ id: articles.id, version: articles.version, categoryId: articles.categoryId, coverId: articles.coverId, ...(withBody ? { body: articles.body } : {}) })
    .from(articles)
    .where(plan.pageWhere)
    .orderBy(...plan.order)
    .limit(pageLimitValueFor(query.limit + 1, plan.offset))
    .offset(plan.offset)
  const related = [
    (include.includes('category') || urlNamesCategory({ include, fields: query.fields, share })) &&
      sql`select ${stampSql('c')} from categories c where c.id in (select category_id from shown)`,
    include.includes('people') &&
      sql`select ${stampSql('p')} from article_people ap join people p on p.id = ap.person_id where ap.article_id in (select id from shown)`,
    include.includes('cover') && sql`select ${stampSql('m')} from media m where m.id in (select cover_id from shown)`,
    withBody &&
      sql`select ${stampSql('m')} from media m where m.id in (
        select (b ->> 'mediaId')::uuid from shown, jsonb_array_elements(shown.body) b where b ->> 'type' = 'image')`,
  ].filter((q): q is SQL => Boolean(q))
  return sql`with page as (${page}), shown as (select * from page limit ${shown})
      select
        (select coalesce(json_agg(json_build_array(id, version)), '[]'::json) from shown) as rows,
        (select count(*) > ${shown} from page) as more,
        ${query.offset === undefined ? sql`null::int` : sql`(${db.select({ n: count() }).from(articles).where(plan.where)})::int`} as total,
        ${related.length ? sql`array(${sql.join(related, sql` union `)})` : sql`'{}'::text[]`} as related`
}

/**
 * The lean check's statements by request (its URL and audience, which decide the query and so
 * the statement, values included) and site: a client revalidates the same URLs again and again,
 * and building the statement with Drizzle and naming it by a digest of its text each time cost
 * about a fifth of a revalidation's CPU.
 */
const tagStatements = new Map<string, FixedStatement>()

/** The ETag `listArticles` would give, without reading what it would answer: nothing hydrated, nothing serialized. */
export async function articleListTag(db: Db, query: ArticleListQuery, auth: Principal | null, key: string, share?: ShareSettings) {
  const statement = fixedStatementOf(tagStatements, `${key}|${share?.key ?? ''}`, () => listTagStatement(db, query, auth, share))
  const [row] = (await runFixed(db, statement, {})) as {
    rows: [string, number][]
    more: boolean
    total: number | null
    related: string[]
  }[]
  const rows = row!.rows.map(([id, version]: [string, number]) => ({ id, version }))
  return listTag(key, rows, row!.more, row!.total, row!.related)
}

/**
 * A single article's ETag: its version, plus a variant for what is embedded or rendered, which
 * changes with the `stamps` of what it embeds (see answerColumns).
 */
export function articleTag(version: number, options: { include?: readonly ArticleInclude[] | undefined; render?: 'html' | undefined }, stamps = '') {
  if (!options.include?.length && !options.render && !stamps) return versionTag(version)
  return versionTag(version, digest(options.include?.join(',') ?? '', options.render ?? '', stamps))
}
