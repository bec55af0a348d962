import { type SQL, sql } from 'drizzle-orm'
import type { SiteSettings } from '../config.js'
import type { Db } from '../db/client.js'
import { NotFound } from '../errors.js'
import { categorySubtree } from '../resources/articles/articles.filters.js'
import { visibility } from '../resources/articles/articles.visibility.js'
import { urlSql } from './urls.js'

/** Articles in a feed: what readers and aggregators expect, and what one index range serves. */
export const FEED_SIZE = 50

export interface FeedItem {
  id: string
  title: string
  url: string
  /** The summary, or the excerpt when there is none. */
  summary: string
  publishedAt: Date
  updatedAt: Date
  category: string | null
  cover: { id: string; kind: string; mimeType: string; size: number; width: number | null } | null
  /** The newest change among the article, its category and its cover. */
  changedAt: Date
}

export interface Feed {
  /** The category of a category feed. */
  category?: { name: string; description: string | null; url: string; updatedAt: Date }
  items: FeedItem[]
}

interface Row {
  id: string | null
  title: string
  url: string
  summary: string
  published_at: string
  updated_at: string
  category: string | null
  cover_id: string | null
  cover_kind: string
  cover_type: string
  cover_size: number
  cover_width: number | null
  changed_at: string
  feed_name?: string
  feed_description?: string | null
  feed_url?: string
  feed_updated_at?: string
}

// Timestamps as epoch milliseconds in text: both drivers give the same thing back.
const ms = (value: SQL) => sql`(extract(epoch from ${value}) * 1000)::bigint::text`
const date = (text: string) => new Date(Number(text))

/**
 * The newest visible articles, newest first, each with what an item shows: `where` narrows them.
 * Articles marked noindex are left out too: aggregators republish what feeds carry.
 */
function itemsSql(site: SiteSettings, where: SQL | undefined): SQL {
  return sql`select articles.id, articles.title, ${urlSql(site, 'article', 'articles')} as url,
      coalesce(nullif(articles.summary, ''), articles.excerpt) as summary,
      ${ms(sql`articles.published_at`)} as published_at, ${ms(sql`articles.updated_at`)} as updated_at,
      c.name as category, m.id as cover_id, m.kind as cover_kind, m.mime_type as cover_type, m.size::float8 as cover_size, m.width as cover_width,
      ${ms(sql`greatest(articles.updated_at, articles.published_at, c.updated_at, m.updated_at)`)} as changed_at
    from articles
    left join categories c on c.id = articles.category_id
    left join media m on m.id = articles.cover_id
    where ${visibility(true)} and articles.noindex = false${where ? sql` and ${where}` : sql``}
    order by articles.published_at desc nulls last, articles.id desc nulls last
    limit ${sql.raw(String(FEED_SIZE))}`
}

const toItem = (row: Row): FeedItem => ({
  id: row.id!,
  title: row.title,
  url: row.url,
  summary: row.summary,
  publishedAt: date(row.published_at),
  updatedAt: date(row.updated_at),
  category: row.category,
  cover: row.cover_id
    ? { id: row.cover_id, kind: row.cover_kind, mimeType: row.cover_type, size: Number(row.cover_size), width: row.cover_width }
    : null,
  changedAt: date(row.changed_at),
})

const rowsOf = async (db: Db, query: SQL) => ((await db.execute(query)) as unknown as { rows: Row[] }).rows

/** The site's feed: one query on articles_live_published_idx. */
export async function siteFeed(db: Db, site: SiteSettings): Promise<Feed> {
  return { items: (await rowsOf(db, itemsSql(site, undefined))).map(toItem) }
}

/**
 * A category's feed, its sub-categories' articles included: one query, the category's row joined
 * to its items, so that a category without articles still answers and one that does not exist is a 404.
 */
export async function categoryFeed(db: Db, site: SiteSettings, slug: string): Promise<Feed> {
  const items = itemsSql(site, sql`articles.category_id in ${categorySubtree(sql`select feed.id`)}`)
  const rows = await rowsOf(
    db,
    sql`select feed.name as feed_name, feed.description as feed_description, ${urlSql(site, 'category', 'feed')} as feed_url,
        ${ms(sql`feed.updated_at`)} as feed_updated_at, i.*
      from categories feed left join lateral (${items}) i on true
      where feed.slug = ${slug}`,
  )
  const first = rows[0]
  if (!first) throw new NotFound('Category', slug)
  return {
    category: { name: first.feed_name!, description: first.feed_description ?? null, url: first.feed_url!, updatedAt: date(first.feed_updated_at!) },
    items: rows.filter((row) => row.id !== null).map(toItem),
  }
}
