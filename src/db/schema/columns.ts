import { sql } from 'drizzle-orm'
import { boolean, customType, text, timestamp } from 'drizzle-orm/pg-core'

/** The column shapes every table uses. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
// Millisecond precision, as in JSON: keyset cursors carry these values and must compare exactly.
export const nowMs = sql`date_trunc('milliseconds', now())`
export const createdAt = () => timestamptz('created_at').notNull().default(nowMs)
export const updatedAt = () => timestamptz('updated_at').notNull().default(nowMs)

/** PostgreSQL's 64-bit transaction id (13+), as the decimal string the drivers give. */
export const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' })

/** PostgreSQL's text search vector, written as its text form (`'dan' 'dan_van' …`). */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/**
 * The SEO columns articles, pages and categories share: what a frontend puts in its `<meta>`
 * tags where the content's own title and excerpt will not do. The image is a column of its own so
 * that media in use as one cannot be deleted (`references` is set by each table).
 */
export const seoColumns = () => ({
  seoTitle: text('seo_title'),
  seoDescription: text('seo_description'),
  canonicalUrl: text('canonical_url'),
  /** Left out of sitemaps, and `noindex` for the frontend's robots tag. */
  noindex: boolean('noindex').notNull().default(false),
})
