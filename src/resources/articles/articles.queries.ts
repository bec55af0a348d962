import { count } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type FixedStatement, fixedStatementOf, pageLimitValueFor, runFixed } from '../../db/prepared.js'
import { articles } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { isUuid } from '../../shared/ids.js'
import { withKeys } from '../../shared/json.js'
import { finishPage } from '../../shared/paging.js'
import type { Principal } from '../../shared/principal.js'
import type { ShareSettings } from '../../shared/seo.js'
import { articleTag, listTag } from './articles.etag.js'
import { listPlan, sortValue } from './articles.filters.js'
import { answerBytes } from '../../db/json-shape.js'
import { type AnswerRow, stampList } from './articles.json.js'
import { answerSelection, articleStatements } from './articles.prepared.js'
import type { ArticleInclude, ArticleListQuery } from './articles.schemas.js'
import type { Block } from '../../shared/blocks.js'
import { renderBody } from './render.js'

/** The statement of a list page, with one row more than the page. Apart so that a test can read its plan. */
export function listStatement(db: Db, query: ArticleListQuery, auth: Principal | null, share?: ShareSettings) {
  const plan = listPlan(query, auth)
  const page = db
    .select({
      id: articles.id,
      version: articles.version,
      publishedAt: articles.publishedAt,
      updatedAt: articles.updatedAt,
      title: articles.title,
      ...answerSelection({ include: query.include, fields: query.fields, share }),
    })
    .from(articles)
    .where(plan.pageWhere)
    .orderBy(...plan.order)
    .limit(pageLimitValueFor(query.limit + 1, plan.offset))
    .offset(plan.offset)
  return { page, plan }
}

/** A row of a list page as the driver gives it. */
type ListRow = AnswerRow & { published_at: Date | null; updated_at: Date; title: string }

/**
 * List pages' statements by request (its URL and audience, which decide the query and so the
 * statement, values included) and site, as for the list's lean ETag check (see articleListTag):
 * written out once, not built by Drizzle and named by a digest of its text for every request.
 */
const pageStatements = new Map<string, FixedStatement>()

/**
 * A page of articles: their answers as JSON bytes that PostgreSQL built (`data`, a JSON array),
 * the cursor after it, the total with offset paging, and the page's ETag. `key` names the request
 * (its URL and audience): the same key must always come with the same query.
 */
export async function listArticles(db: Db, query: ArticleListQuery, auth: Principal | null, key: string, share?: ShareSettings) {
  const statement = fixedStatementOf(pageStatements, `${key}|${share?.key ?? ''}`, () => listStatement(db, query, auth, share).page.getSQL())
  const [raw, total] = await Promise.all([
    runFixed(db, statement, {}) as Promise<unknown[]> as Promise<ListRow[]>,
    query.offset === undefined ? undefined : db.select({ n: count() }).from(articles).where(listPlan(query, auth).where),
  ])
  const page = finishPage(raw, query.limit, query.sort, (row) => ({
    value: sortValue(query.sort, { publishedAt: row.published_at, updatedAt: row.updated_at, title: row.title }),
    id: row.id,
  }))
  const n = total?.[0]?.n
  return {
    data: page.rows.map((row) => row.answer),
    nextCursor: page.nextCursor,
    total: n,
    etag: listTag(key, page.rows, page.nextCursor !== null, n, page.rows.flatMap((r) => stampList(r.stamps))),
  }
}

/**
 * One article as its GET answers it: the JSON bytes PostgreSQL built (with `html` added when
 * asked for), and its ETag.
 */
export async function getArticle(
  db: Db,
  idOrSlug: string,
  auth: Principal | null,
  options: { include?: ArticleInclude[] | undefined; render?: 'html' | undefined; share?: ShareSettings | undefined } = {},
): Promise<{ json: Buffer | string; etag: string }> {
  const byId = isUuid(idOrSlug)
  const include = options.include ?? []
  const statement = articleStatements(db).detail({ by: byId ? 'id' : 'slug', anonymous: auth === null, include, render: options.render === 'html', share: options.share })
  const [row] = (await statement.execute({ key: byId ? idOrSlug.toLowerCase() : idOrSlug })) as (AnswerRow & { body?: Block[] })[]
  if (!row) throw new NotFound('Article', idOrSlug)
  return {
    // The answer as PostgreSQL sent it, decoded once into the text sent (see oneText), unless html joins it.
    json: row.body ? withKeys(answerBytes(row), { html: renderBody(row.body) }) : row.answer,
    etag: articleTag(row.version, options, row.stamps),
  }
}
