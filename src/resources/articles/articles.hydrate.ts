import { getTableColumns } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articles } from '../../db/schema.js'
import { mediaByIds } from '../media/media.service.js'
import { type RelationColumns, relationsFor, relationsOf } from './articles.relations.js'
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

/**
 * A row as the driver gives it (by column name) in the shape Drizzle gives (by field name), with
 * the relations it carries.
 */
export function toArticleRow(raw: Record<string, unknown>): ArticleRow & RelationColumns {
  const row: Record<string, unknown> = {}
  for (const [key, name] of articleColumns) if (name in raw) row[key] = raw[name]
  if ('links' in raw) row.links = raw.links
  if ('category' in raw) row.category = raw.category
  return row as unknown as ArticleRow & RelationColumns
}

/**
 * Turns rows into API objects with their people, category and any media: the rows carry their
 * people and category (`relationColumns`); media, when included, are one more query for all rows.
 */
export async function hydrate(
  db: Db,
  rows: (ArticleRow & RelationColumns)[],
  options: { include: ArticleInclude[]; fields?: ArticleField[] | undefined },
): Promise<Article[]> {
  if (rows.length === 0) return []
  const relations = relationsFor(options)
  const withPeople = options.include.includes('people')
  const withCover = options.include.includes('cover')
  const withMedia = options.include.includes('media')
  const mediaIds = rows.flatMap((r) => [
    ...(withCover && r.coverId ? [r.coverId] : []),
    ...(withMedia ? (r.body ?? []).flatMap((b) => (b.type === 'image' ? [b.mediaId] : [])) : []),
  ])
  const mediaById = await mediaByIds(db, mediaIds)

  return rows.map((row) => {
    const { people, category } = relationsOf(row, relations)
    const article = toArticle(row, people)
    if (category !== undefined) article.category = category
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
