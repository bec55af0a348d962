import { and, arrayContains, eq, gte, lt, type SQL, sql } from 'drizzle-orm'
import { articlePeople, articles, categories, people } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'
import { afterCursor, cursorValue, orderBy, type SortSpec } from '../../shared/keyset.js'
import { pageStart } from '../../shared/paging.js'
import type { Principal } from '../../shared/principal.js'
import type { ArticleListQuery, ArticleSort } from './articles.schemas.js'
import type { ArticleRow } from './articles.json.js'
import { visibleTo } from './articles.visibility.js'

const refCondition = (table: typeof categories | typeof people, idOrSlug: string) =>
  isUuid(idOrSlug) ? eq(table.id, idOrSlug.toLowerCase()) : eq(table.slug, idOrSlug)

export function sortSpec(sort: ArticleSort, auth: Principal | null): SortSpec {
  switch (sort) {
    case '-publishedAt':
    case 'publishedAt':
      // Only callers with a token can see drafts, whose publishedAt may be null.
      return { column: articles.publishedAt, direction: sort === 'publishedAt' ? 'asc' : 'desc', nullable: auth !== null, cast: 'timestamptz' }
    case '-updatedAt':
      return { column: articles.updatedAt, direction: 'desc', nullable: false, cast: 'timestamptz' }
    case 'title':
      return { column: articles.title, direction: 'asc', nullable: false, cast: 'text' }
  }
}

/** The value of a row's sort column, as a cursor carries it. */
export function sortValue(sort: ArticleSort, row: Pick<ArticleRow, 'publishedAt' | 'updatedAt' | 'title'>) {
  if (sort === 'title') return row.title
  return cursorValue(sort === '-updatedAt' ? row.updatedAt : row.publishedAt)
}

/** The ids of the categories `roots` selects and of every category below them: "in a category" includes its sub-categories. */
export const categorySubtree = (roots: SQL): SQL => sql`(with recursive sub(id) as (
        ${roots}
        union all
        select c.id from ${categories} c join sub on c.parent_id = sub.id
      ) select id from sub)`

export function filters(query: ArticleListQuery): (SQL | undefined)[] {
  const subtree = query.category
    ? categorySubtree(sql`select ${categories.id} from ${categories} where ${refCondition(categories, query.category)}`)
    : undefined
  // person narrows to one person's links, role to links of that role; either alone works too.
  const linked =
    query.person || query.role
      ? sql`(select ${articlePeople.articleId} from ${articlePeople} where ${and(
          query.person
            ? sql`${articlePeople.personId} = (select ${people.id} from ${people} where ${refCondition(people, query.person)})`
            : undefined,
          query.role ? eq(articlePeople.role, query.role) : undefined,
        )})`
      : undefined
  return [
    subtree && sql`${articles.categoryId} in ${subtree}`,
    linked && sql`${articles.id} in ${linked}`,
    query.tag !== undefined ? arrayContains(articles.tags, [query.tag.toLocaleLowerCase('vi')]) : undefined,
    query.status !== undefined ? eq(articles.status, query.status) : undefined,
    query.publishedAfter ? gte(articles.publishedAt, query.publishedAfter) : undefined,
    query.publishedBefore ? lt(articles.publishedAt, query.publishedBefore) : undefined,
  ]
}

/** The WHERE, ORDER BY and paging of a list, shared by the list and its lean ETag check. */
export function listPlan(query: ArticleListQuery, auth: Principal | null) {
  const spec = sortSpec(query.sort, auth)
  const start = pageStart(query, query.sort)
  const where = and(visibleTo(auth, query.trashed), ...filters(query))
  const pageWhere = and(where, start.after && afterCursor(spec, articles.id, start.after))
  return { where, pageWhere, order: orderBy(spec, articles.id), offset: start.offset }
}
