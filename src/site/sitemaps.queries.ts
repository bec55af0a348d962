import { type SQL, sql } from 'drizzle-orm'
import type { SiteSettings } from '../config.js'
import type { Db } from '../db/client.js'
import { isoSql } from '../db/json-shape.js'
import { visibility } from '../resources/articles/articles.visibility.js'
import { pageVisibility } from '../resources/pages/pages.queries.js'
import { type UrlKind, urlSql } from './urls.js'

/** The child sitemaps, by the name in their URL, and the kind of content each lists. */
export const SITEMAP_KINDS = { articles: 'article', categories: 'category', pages: 'page', documents: 'document' } as const satisfies Record<string, UrlKind>
export type SitemapName = keyof typeof SITEMAP_KINDS

/** What readers of the site may see and search engines may index, for the table of each kind. */
const indexable: Record<SitemapName, SQL> = {
  articles: sql`${visibility(true)} and articles.noindex = false`,
  categories: sql`categories.noindex = false`,
  pages: sql`${pageVisibility(null)} and pages.noindex = false`,
  documents: sql`true`,
}

const ms = (value: SQL) => sql`(extract(epoch from ${value}) * 1000)::bigint::text`
const rowsOf = async <T>(db: Db, query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows

/** One child sitemap: its kind, where it starts (the first id; none for the first), and its newest change. */
export interface SitemapPart {
  name: SitemapName
  from: string | null
  /** Null only for the articles sitemap of a site with nothing to list. */
  lastmod: Date | null
}

/**
 * The children of the sitemap index: each kind's indexable rows in id order, cut every `pageSize`
 * rows, with the first id and newest updatedAt of each cut. One query; it reads every indexable
 * row's id and updatedAt, which at 100,000 articles is a few tens of milliseconds.
 */
export async function sitemapParts(db: Db, pageSize: number): Promise<SitemapPart[]> {
  const parts = (Object.keys(SITEMAP_KINDS) as SitemapName[]).map(
    (name, kind) => sql`select ${name}::text as name, ${kind}::int as kind, n / ${pageSize}::int as page, max(updated_at) as lastmod, (array_agg(id) filter (where n % ${pageSize}::int = 0))[1]::text as first
      from (select ${sql.identifier(name)}.id, ${sql.identifier(name)}.updated_at, row_number() over (order by ${sql.identifier(name)}.id) - 1 as n
        from ${sql.identifier(name)} where ${indexable[name]}) rows
      group by page`,
  )
  const rows = await rowsOf<{ name: SitemapName; page: number; lastmod: string; first: string }>(
    db,
    sql`select name, page, ${ms(sql`lastmod`)} as lastmod, first from (${sql.join(parts, sql` union all `)}) parts order by kind, page`,
  )
  const found = rows.map((r) => ({ name: r.name, from: Number(r.page) === 0 ? null : r.first, lastmod: new Date(Number(r.lastmod)) }))
  // The protocol's schemas want at least one URL in a sitemap and one sitemap in an index: a kind
  // with nothing indexable yet is left out, and a site with nothing at all lists its articles.
  return found.length ? found : [{ name: 'articles', from: null, lastmod: null }]
}

/** The protocol's limit on a loc; a longer URL is left out rather than make the file invalid. */
export const MAX_LOC = 2_048

/**
 * Text escaped for XML, in SQL. URLs are all this is used for: their patterns and slugs are
 * checked to hold no control characters, so the five specials are all there is to escape.
 */
const xmlSql = (value: SQL) =>
  sql`replace(replace(replace(replace(replace(${value}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&apos;')`

/**
 * A batch of a child sitemap, in id order from `from` (inclusive) or after `after`, at most
 * `limit` rows: one indexed keyset read whose `<url>` lines PostgreSQL writes itself, so that
 * no row becomes an object on the way. `last` is where the next batch starts.
 */
export async function sitemapBatch(
  db: Db,
  site: SiteSettings,
  name: SitemapName,
  start: { from?: string; after?: string },
  limit: number,
): Promise<{ xml: string; last: string | null; count: number }> {
  const t = sql.identifier(name)
  const bound = start.after ? sql` and ${t}.id > ${start.after}::uuid` : start.from ? sql` and ${t}.id >= ${start.from}::uuid` : sql``
  const [row] = await rowsOf<{ xml: string; last: string | null; count: number }>(
    db,
    sql`select coalesce(string_agg(case when length(b.loc) <= ${sql.raw(String(MAX_LOC))}
          then '<url><loc>' || ${xmlSql(sql`b.loc`)} || '</loc><lastmod>' || b.lastmod || '</lastmod></url>' || chr(10) end, '' order by b.id), '') as xml,
        (array_agg(b.id order by b.id desc))[1]::text as last, count(*)::int as count
      from (select ${t}.id, ${urlSql(site, SITEMAP_KINDS[name], name)} as loc, ${isoSql(sql`${t}.updated_at`)} as lastmod
        from ${t} where ${indexable[name]}${bound} order by ${t}.id limit ${limit}) b`,
  )
  return { xml: row!.xml, last: row!.last, count: Number(row!.count) }
}

/** The news sitemap's window and cap, as Google News asks. */
export const NEWS_DAYS = 2
export const NEWS_MAX = 1_000

/** Articles published in the last two days, newest first, at most 1,000: on articles_live_published_idx. */
export async function newsUrls(db: Db, site: SiteSettings) {
  const rows = await rowsOf<{ id: string; loc: string; title: string; published_at: string }>(
    db,
    sql`select articles.id, ${urlSql(site, 'article', 'articles')} as loc, articles.title, ${ms(sql`articles.published_at`)} as published_at
      from articles
      where ${indexable.articles} and articles.published_at > now() - interval '${sql.raw(String(NEWS_DAYS))} days'
      order by articles.published_at desc nulls last, articles.id desc nulls last limit ${sql.raw(String(NEWS_MAX))}`,
  )
  return rows.map((r) => ({ id: r.id, loc: r.loc, title: r.title, publishedAt: new Date(Number(r.published_at)) }))
}

/**
 * What every sitemap's content follows, read in index probes: the newest entry of the change log
 * (every write of content adds one), the newest article whose publication time has come (a
 * scheduled one appears without a write), and the write transactions still running (one that
 * commits after this read may carry an older change number).
 */
export async function contentStamp(db: Db): Promise<string> {
  const [row] = await rowsOf<{ seq: string | null; live: string | null; running: string }>(
    db,
    sql`select (select max(seq) from changes)::text as seq,
        (select ${ms(sql`max(articles.published_at)`)} from articles where ${visibility(true)}) as live,
        array(select x::text from pg_snapshot_xip(pg_current_snapshot()) x order by 1)::text as running`,
  )
  return `${row!.seq}|${row!.live}|${row!.running}`
}
