import { Readable } from 'node:stream'
import type { SiteSettings } from '../config.js'
import type { Db } from '../db/client.js'
import { MAX_LOC, newsUrls, sitemapBatch, type SitemapName, type SitemapPart } from './sitemaps.queries.js'
import { element, escapeXml, rfc3339, XML_DECLARATION } from './xml.js'

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9'

/**
 * Rows read at a time while a child sitemap streams: the memory it holds, whatever its size. A
 * batch of 5,000 (750 kB of text, twice that as a JS string) took a server serving four crawlers
 * past 180 MB; at 1,000, fifty short reads make a file of 50,000.
 */
const BATCH = 500

/** A child's path on this API: the first of a kind has none of `from`. */
export const partPath = (part: Pick<SitemapPart, 'name' | 'from'>) => `/sitemaps/${part.name}.xml${part.from ? `?from=${part.from}` : ''}`

/** The sitemap index, its children's URLs under `apiBase`. */
export function renderIndex(parts: SitemapPart[], apiBase: string): string {
  const items = parts.map(
    (part) => `<sitemap>${element('loc', `${apiBase}${partPath(part)}`)}${part.lastmod ? element('lastmod', rfc3339(part.lastmod)) : ''}</sitemap>`,
  )
  return `${XML_DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n${items.join('\n')}\n</sitemapindex>\n`
}

/**
 * A child sitemap as a stream, read in keyset batches as the client takes it, so that 50,000 URLs
 * never sit in memory at once: a batch is one text of about 150 kB.
 */
export function streamUrlset(db: Db, site: SiteSettings, name: SitemapName, from: string | undefined): Readable {
  async function* lines() {
    yield `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}">\n`
    let left = site.sitemapPageSize
    let start: { from?: string; after?: string } = from ? { from } : {}
    while (left > 0) {
      const limit = Math.min(BATCH, left)
      const batch = await sitemapBatch(db, site, name, start, limit)
      if (batch.xml) yield batch.xml
      if (batch.count < limit) break
      left -= batch.count
      start = { after: batch.last! }
    }
    yield '</urlset>\n'
  }
  return Readable.from(lines(), { objectMode: false })
}

/** The Google News sitemap: the last two days, at most 1,000 articles. */
export async function renderNews(db: Db, site: SiteSettings): Promise<string> {
  const publication = `<news:publication>${element('news:name', site.name)}${element('news:language', site.language)}</news:publication>`
  const items = (await newsUrls(db, site))
    .filter((row) => row.loc.length <= MAX_LOC)
    .map(
      (row) =>
        `<url>${element('loc', row.loc)}<news:news>${publication}${element('news:publication_date', rfc3339(row.publishedAt))}${element('news:title', row.title)}</news:news></url>`,
    )
  return `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}" xmlns:news="${escapeXml(NEWS_NS)}">\n${items.join('\n')}\n</urlset>\n`
}
