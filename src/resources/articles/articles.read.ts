import { and, arrayContains, asc, count, eq, getTableColumns, gte, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { queryPrepared } from '../../db/prepared.js'
import { articlePeople, articles, categories, media, people, type PersonRole } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { digest, versionTag } from '../../plugins/http-cache.js'
import { isUuid } from '../../shared/ids.js'
import { afterCursor, cursorValue, orderBy, type SortSpec } from '../../shared/keyset.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import type { Principal } from '../tokens/tokens.service.js'
import { toCategory } from '../categories/categories.service.js'
import { mediaByIds } from '../media/media.service.js'
import { toPerson } from '../people/people.service.js'
import type { Article, ArticleField, ArticleInclude, ArticleListQuery, ArticleSort } from './articles.schemas.js'
import { readingTimeMinutes } from './blocks.js'
import { renderBody } from './render.js'

export type ArticleRow = typeof articles.$inferSelect

/**
 * What a caller may read: anonymous callers only published articles whose time has come; a
 * token every status, and the trash when it asks for it.
 */
export function visibleTo(auth: Principal | null, trashed = false): SQL {
  if (auth && trashed) return isNotNull(articles.deletedAt)
  return visibility(auth === null)
}

const visibility = (anonymous: boolean): SQL =>
  anonymous
    ? and(isNull(articles.deletedAt), eq(articles.status, 'published'), sql`${articles.publishedAt} <= now()`)!
    : isNull(articles.deletedAt)

/**
 * The reads every article request makes, prepared once per database: building their SQL with
 * Drizzle cost more CPU than PostgreSQL took to run them.
 */
function preparedReads(db: Db) {
  const key = sql.placeholder('key')
  const ids = sql`any(${sql.placeholder('ids')})`
  const row = (by: 'id' | 'slug', anonymous: boolean) =>
    db
      .select()
      .from(articles)
      .where(and(eq(by === 'id' ? articles.id : articles.slug, key), visibility(anonymous)))
      .prepare(`article_by_${by}_${anonymous ? 'public' : 'any'}`)
  const links = (withPerson: boolean) =>
    db
      .select({ articleId: articlePeople.articleId, personId: articlePeople.personId, role: articlePeople.role, ...(withPerson ? { person: people } : {}) })
      .from(articlePeople)
      .innerJoin(people, eq(people.id, articlePeople.personId))
      .where(sql`${articlePeople.articleId} = ${ids}`)
      .orderBy(asc(articlePeople.articleId), asc(articlePeople.position))
      .prepare(withPerson ? 'article_people_with_person' : 'article_people')
  return {
    byId: { public: row('id', true), any: row('id', false) },
    bySlug: { public: row('slug', true), any: row('slug', false) },
    links: links(false),
    linksWithPerson: links(true),
    categories: db.select().from(categories).where(sql`${categories.id} = ${ids}`).prepare('categories_by_ids'),
  }
}

const prepared = new WeakMap<Db, ReturnType<typeof preparedReads>>()
function reads(db: Db) {
  let found = prepared.get(db)
  if (!found) prepared.set(db, (found = preparedReads(db)))
  return found
}

export const articleByIdOrSlug = (idOrSlug: string): SQL =>
  isUuid(idOrSlug) ? eq(articles.id, idOrSlug.toLowerCase()) : eq(articles.slug, idOrSlug)

const refCondition = (table: typeof categories | typeof people, idOrSlug: string) =>
  isUuid(idOrSlug) ? eq(table.id, idOrSlug.toLowerCase()) : eq(table.slug, idOrSlug)

function sortSpec(sort: ArticleSort, auth: Principal | null): SortSpec {
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

function sortValue(sort: ArticleSort, row: Pick<ArticleRow, 'publishedAt' | 'updatedAt' | 'title'>) {
  if (sort === 'title') return row.title
  return cursorValue(sort === '-updatedAt' ? row.updatedAt : row.publishedAt)
}

function filters(query: ArticleListQuery): (SQL | undefined)[] {
  const subtree = query.category
    ? sql`(with recursive sub(id) as (
        select ${categories.id} from ${categories} where ${refCondition(categories, query.category)}
        union all
        select c.id from ${categories} c join sub on c.parent_id = sub.id
      ) select id from sub)`
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

const { body: _body, ...withoutBody } = getTableColumns(articles)

/** The WHERE, ORDER BY and paging of a list, shared by the list and its lean ETag check. */
function listPlan(query: ArticleListQuery, auth: Principal | null) {
  const spec = sortSpec(query.sort, auth)
  const start = pageStart(query, query.sort)
  const where = and(visibleTo(auth, query.trashed), ...filters(query))
  const pageWhere = and(where, start.after && afterCursor(spec, articles.id, start.after))
  return { where, pageWhere, order: orderBy(spec, articles.id), offset: start.offset }
}

/**
 * A list's ETag: which articles at which versions, whether more follow, the total, and the
 * versions of what is embedded. The same whether computed from a full answer or by the lean check.
 */
function listTag(key: string, rows: { id: string; version: number }[], hasMore: boolean, total: number | null | undefined, related: string[]) {
  // A set: the order of a page follows from its rows' content, which their versions stand for.
  const versions = rows.map((r) => `${r.id}:${r.version}`).sort().join(',')
  return `W/"${digest(key, versions, String(hasMore), String(total ?? ''), [...new Set(related)].sort().join(','))}"`
}

/** What an article embeds, each at the time it last changed: part of the ETag of any answer embedding it. */
function relatedStamps(article: Partial<Article>): string[] {
  return [
    ...(article.category ? [stamp(article.category)] : []),
    ...(article.people ?? []).flatMap((p) => (p.person ? [stamp(p.person)] : [])),
    ...(article.cover ? [stamp(article.cover)] : []),
    ...(article.body ?? []).flatMap((b) => (b.type === 'image' && 'media' in b && b.media ? [stamp(b.media as { id: string; updatedAt: string })] : [])),
  ]
}

const stamp = (item: { id: string; updatedAt: string | Date }) =>
  `${item.id}@${typeof item.updatedAt === 'string' ? Date.parse(item.updatedAt) : item.updatedAt.getTime()}`

const articleColumns = Object.entries(getTableColumns(articles)).map(([key, column]) => [key, column.name] as const)

/** A row as the driver gives it (by column name) in the shape Drizzle gives (by field name). */
function toArticleRow(raw: Record<string, unknown>): ArticleRow {
  const row: Record<string, unknown> = {}
  for (const [key, name] of articleColumns) if (name in raw) row[key] = raw[name]
  return row as ArticleRow
}

export async function listArticles(db: Db, query: ArticleListQuery, auth: Principal | null, key: string) {
  const plan = listPlan(query, auth)
  const needsBody = !query.fields || query.fields.includes('body')
  const [raw, total] = await Promise.all([
    queryPrepared(
      db,
      db
        .select(needsBody ? getTableColumns(articles) : withoutBody)
        .from(articles)
        .where(plan.pageWhere)
        .orderBy(...plan.order)
        .limit(query.limit + 1)
        .offset(plan.offset),
    ),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(articles).where(plan.where),
  ])
  const rows = raw.map(toArticleRow)
  const page = finishPage(rows as ArticleRow[], query.limit, query.sort, (row) => ({ value: sortValue(query.sort, row), id: row.id }))
  const data = await hydrate(db, page.rows, { include: query.include ?? [], fields: query.fields })
  const related = data.flatMap(relatedStamps)
  const n = total?.[0]?.n
  return { data, nextCursor: page.nextCursor, total: n, etag: listTag(key, page.rows, page.nextCursor !== null, n, related) }
}

/**
 * The ETag `listArticles` would give, in one query over ids and versions: no bodies read (unless
 * image blocks' media are embedded), nothing hydrated, nothing serialized.
 */
export async function articleListTag(db: Db, query: ArticleListQuery, auth: Principal | null, key: string) {
  const plan = listPlan(query, auth)
  const include = query.include ?? []
  const withBody = include.includes('media') && (!query.fields || query.fields.includes('body'))
  const page = db
    .select({ id: articles.id, version: articles.version, categoryId: articles.categoryId, coverId: articles.coverId, ...(withBody ? { body: articles.body } : {}) })
    .from(articles)
    .where(plan.pageWhere)
    .orderBy(...plan.order)
    .limit(query.limit + 1)
    .offset(plan.offset)
  const stampOf = (alias: string) => sql.raw(`${alias}.id::text || '@' || (extract(epoch from ${alias}.updated_at) * 1000)::bigint`)
  const related = [
    include.includes('category') && sql`select ${stampOf('c')} from categories c where c.id in (select category_id from shown)`,
    include.includes('people') &&
      sql`select ${stampOf('p')} from article_people ap join people p on p.id = ap.person_id where ap.article_id in (select id from shown)`,
    include.includes('cover') && sql`select ${stampOf('m')} from media m where m.id in (select cover_id from shown)`,
    withBody &&
      sql`select ${stampOf('m')} from media m where m.id in (
        select (b ->> 'mediaId')::uuid from shown, jsonb_array_elements(shown.body) b where b ->> 'type' = 'image')`,
  ].filter((q): q is SQL => Boolean(q))
  const [row] = (await queryPrepared(
    db,
    sql`with page as (${page}), shown as (select * from page limit ${query.limit})
      select
        (select coalesce(json_agg(json_build_array(id, version)), '[]'::json) from shown) as rows,
        (select count(*) > ${query.limit} from page) as more,
        ${query.offset === undefined ? sql`null::int` : sql`(${db.select({ n: count() }).from(articles).where(plan.where)})::int`} as total,
        ${related.length ? sql`array(${sql.join(related, sql` union `)})` : sql`'{}'::text[]`} as related`,
  )) as { rows: [string, number][]; more: boolean; total: number | null; related: string[] }[]
  const rows = row!.rows.map(([id, version]: [string, number]) => ({ id, version }))
  return listTag(key, rows, row!.more, row!.total, row!.related)
}

export async function findArticleRow(db: Db, idOrSlug: string, auth: Principal | null): Promise<ArticleRow> {
  const byId = isUuid(idOrSlug)
  const query = (byId ? reads(db).byId : reads(db).bySlug)[auth ? 'any' : 'public']
  const [row] = await query.execute({ key: byId ? idOrSlug.toLowerCase() : idOrSlug })
  if (!row) throw new NotFound('Article', idOrSlug)
  return row
}

export async function getArticle(
  db: Db,
  idOrSlug: string,
  auth: Principal | null,
  options: { include?: ArticleInclude[] | undefined; render?: 'html' | undefined } = {},
): Promise<Article> {
  const row = await findArticleRow(db, idOrSlug, auth)
  const [article] = await hydrate(db, [row], { include: options.include ?? [] })
  if (options.render === 'html') article!.html = renderBody(row.body)
  return article!
}

/** A single article's ETag: its version, plus a variant for what is embedded or rendered. */
export function articleTag(article: Article, options: { include?: ArticleInclude[] | undefined; render?: 'html' | undefined }) {
  const related = relatedStamps(article)
  if (!options.include?.length && !options.render) return versionTag(article.version)
  return versionTag(article.version, digest(options.include?.join(',') ?? '', options.render ?? '', related.join(',')))
}

/**
 * Turns rows into API objects with their people and any includes: one query per kind of
 * relation, whatever the number of rows.
 */
export async function hydrate(
  db: Db,
  rows: ArticleRow[],
  options: { include: ArticleInclude[]; fields?: ArticleField[] | undefined },
): Promise<Article[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const wantPeople = !options.fields || options.fields.includes('people') || options.include.includes('people')
  const withPeople = options.include.includes('people')
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((id): id is string => id !== null))]
  const withCover = options.include.includes('cover')
  const withMedia = options.include.includes('media')
  const mediaIds = rows.flatMap((r) => [
    ...(withCover && r.coverId ? [r.coverId] : []),
    ...(withMedia ? (r.body ?? []).flatMap((b) => (b.type === 'image' ? [b.mediaId] : [])) : []),
  ])

  const [links, cats, mediaById] = await Promise.all([
    wantPeople ? (withPeople ? reads(db).linksWithPerson : reads(db).links).execute({ ids }) : [],
    options.include.includes('category') && categoryIds.length ? reads(db).categories.execute({ ids: categoryIds }) : [],
    mediaByIds(db, mediaIds),
  ])

  const linksByArticle = new Map<string, Article['people']>()
  for (const link of links as { articleId: string; personId: string; role: PersonRole; person?: typeof people.$inferSelect }[]) {
    const list = linksByArticle.get(link.articleId) ?? []
    list.push({ personId: link.personId, role: link.role, ...(link.person && { person: toPerson(link.person) }) })
    linksByArticle.set(link.articleId, list)
  }
  const categoryById = new Map(cats.map((c) => [c.id, toCategory(c)]))

  return rows.map((row) => {
    const article = toArticle(row, linksByArticle.get(row.id) ?? [])
    if (options.include.includes('category')) article.category = row.categoryId ? (categoryById.get(row.categoryId) ?? null) : null
    if (withCover) article.cover = row.coverId ? (mediaById.get(row.coverId) ?? null) : null
    if (withMedia && row.body) {
      article.body = row.body.map((b) => (b.type === 'image' ? { ...b, media: mediaById.get(b.mediaId) ?? null } : b))
    }
    if (!options.fields) return article
    const picked: Record<string, unknown> = {}
    for (const field of options.fields) picked[field] = article[field]
    if (article.category !== undefined) picked.category = article.category
    if (article.cover !== undefined) picked.cover = article.cover
    if (withPeople && !options.fields.includes('people')) picked.people = article.people
    return picked as Article
  })
}

export function toArticle(row: ArticleRow, links: Article['people']): Article {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    body: row.body,
    status: row.status,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    categoryId: row.categoryId,
    coverId: row.coverId,
    tags: row.tags,
    people: links,
    version: row.version,
    excerpt: row.excerpt,
    readingTimeMinutes: readingTimeMinutes(row.wordCount),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
