import { getTableColumns } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articles, type people, type PersonRole } from '../../db/schema.js'
import { toCategory } from '../categories/categories.service.js'
import { mediaByIds } from '../media/media.service.js'
import { toPerson } from '../people/people.service.js'
import { articleStatements } from './articles.prepared.js'
import type { Article, ArticleField, ArticleInclude } from './articles.schemas.js'
import { readingTimeMinutes } from './blocks.js'

export type ArticleRow = typeof articles.$inferSelect

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

const articleColumns = Object.entries(getTableColumns(articles)).map(([key, column]) => [key, column.name] as const)

/** A row as the driver gives it (by column name) in the shape Drizzle gives (by field name). */
export function toArticleRow(raw: Record<string, unknown>): ArticleRow {
  const row: Record<string, unknown> = {}
  for (const [key, name] of articleColumns) if (name in raw) row[key] = raw[name]
  return row as ArticleRow
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
  const statements = articleStatements(db)
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
    wantPeople ? (withPeople ? statements.linksWithPerson : statements.links).execute({ ids }) : [],
    options.include.includes('category') && categoryIds.length ? statements.categories.execute({ ids: categoryIds }) : [],
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
