import { count, getTableColumns } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { pageLimitValue, queryPrepared } from '../../db/prepared.js'
import { articles } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { isUuid } from '../../shared/ids.js'
import { finishPage } from '../../shared/paging.js'
import type { Principal } from '../../shared/principal.js'
import { listTag, relatedStamps } from './articles.etag.js'
import { listPlan, sortValue } from './articles.filters.js'
import { hydrate, toArticleRow } from './articles.hydrate.js'
import { type Relations, relationColumns, relationsFor } from './articles.relations.js'
import { articleStatements } from './articles.prepared.js'
import type { Article, ArticleInclude, ArticleListQuery } from './articles.schemas.js'
import { renderBody } from './render.js'

const { body: _body, ...withoutBody } = getTableColumns(articles)

/** The statement of a list page, with one row more than the page. Apart so that a test can read its plan. */
export function listStatement(db: Db, query: ArticleListQuery, auth: Principal | null) {
  const plan = listPlan(query, auth)
  const needsBody = !query.fields || query.fields.includes('body')
  const embedded = relationColumns('articles', relationsFor(query))
  const page = db
    .select({ ...(needsBody ? getTableColumns(articles) : withoutBody), ...embedded })
    .from(articles)
    .where(plan.pageWhere)
    .orderBy(...plan.order)
    .limit(plan.offset ? query.limit + 1 : pageLimitValue(query.limit + 1))
    .offset(plan.offset)
  return { page, plan }
}

export async function listArticles(db: Db, query: ArticleListQuery, auth: Principal | null, key: string) {
  const { page: statement, plan } = listStatement(db, query, auth)
  const [raw, total] = await Promise.all([
    queryPrepared(db, statement),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(articles).where(plan.where),
  ])
  const rows = raw.map(toArticleRow)
  const page = finishPage(rows, query.limit, query.sort, (row) => ({ value: sortValue(query.sort, row), id: row.id }))
  const data = await hydrate(db, page.rows, { include: query.include ?? [], fields: query.fields })
  const related = data.flatMap(relatedStamps)
  const n = total?.[0]?.n
  return { data, nextCursor: page.nextCursor, total: n, etag: listTag(key, page.rows, page.nextCursor !== null, n, related) }
}

async function findArticleRow(db: Db, idOrSlug: string, auth: Principal | null, relations: Relations) {
  const byId = isUuid(idOrSlug)
  const statements = articleStatements(db)
  const query = (byId ? statements.byId : statements.bySlug)[auth ? 'any' : 'public']
  const [row] = await query.execute({ key: byId ? idOrSlug.toLowerCase() : idOrSlug, ...relations })
  if (!row) throw new NotFound('Article', idOrSlug)
  return row
}

export async function getArticle(
  db: Db,
  idOrSlug: string,
  auth: Principal | null,
  options: { include?: ArticleInclude[] | undefined; render?: 'html' | undefined } = {},
): Promise<Article> {
  const include = options.include ?? []
  const row = await findArticleRow(db, idOrSlug, auth, relationsFor({ include }))
  const [article] = await hydrate(db, [row], { include })
  if (options.render === 'html') article!.html = renderBody(row.body)
  return article!
}
