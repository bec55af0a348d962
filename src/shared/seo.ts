import { type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import { OptionalText } from './schemas.js'

/**
 * What articles, pages and categories say about themselves to search engines and share cards,
 * where their own title and excerpt will not do. Given whole on a write (like a body), kept in
 * the columns of `seoColumns`, answered as `seo`; reads add `share`, derived from it.
 */
export const SeoInput = z
  .strictObject({
    title: OptionalText(200).describe('The title for search engines and share cards, when not the title itself'),
    description: OptionalText(500).describe('The description, when not the excerpt'),
    imageId: z.uuid().nullish().describe('An image for share cards, when not the cover'),
    canonicalUrl: z
      .url({ protocol: /^https?$/, message: 'An absolute http(s) URL' })
      .max(2000)
      .nullish()
      .describe('Where the content really lives, when not at its own URL'),
    noindex: z.boolean().optional().describe('Keep it out of sitemaps and search engines (default false)'),
  })
  .describe('Replaced whole: a field left out is cleared')
export type SeoInput = z.infer<typeof SeoInput>

export const Seo = z
  .object({
    title: z.string().nullable(),
    description: z.string().nullable(),
    imageId: z.uuid().nullable(),
    canonicalUrl: z.string().nullable(),
    noindex: z.boolean(),
  })
  .meta({ id: 'Seo' })
export type Seo = z.infer<typeof Seo>

const SHARE_TITLE_MAX = 70
const SHARE_DESCRIPTION_MAX = 200
/** The width of share cards' images (Facebook's and Zalo's recommendation); the file route renders it too. */
export const SHARE_IMAGE_WIDTH = 1200

export const Share = z
  .object({
    title: z.string().describe(`seo.title, else the title; cut at a word to ${SHARE_TITLE_MAX} characters`),
    description: z.string().describe(`seo.description, else the excerpt (a category: its description); cut at a word to ${SHARE_DESCRIPTION_MAX} characters`),
    image: z
      .object({ url: z.string(), width: z.number().int(), height: z.number().int() })
      .nullable()
      .describe(`A rendition at most ${SHARE_IMAGE_WIDTH} wide (JPEG) of seo.imageId, else of the cover; absolute when PUBLIC_URL is set`),
    url: z.string().nullable().describe('seo.canonicalUrl, else its URL on the site (with SITE_URL), else null'),
  })
  .meta({ id: 'Share', description: 'Ready for <meta property="og:…"> tags; on reads, not on the answers of writes' })
export type Share = z.infer<typeof Share>

/** The columns of an SEO input: all of them, as a write gives the whole object. */
export function seoColumnsOf(seo: SeoInput | null | undefined) {
  return {
    seoTitle: seo?.title ?? null,
    seoDescription: seo?.description ?? null,
    seoImageId: seo?.imageId ?? null,
    canonicalUrl: seo?.canonicalUrl ?? null,
    noindex: seo?.noindex ?? false,
  }
}

/** The columns of a row that make its `seo`. */
export interface SeoRow {
  seoTitle: string | null
  seoDescription: string | null
  seoImageId: string | null
  canonicalUrl: string | null
  noindex: boolean
}

/** A row's SEO columns as they are. */
export const seoColumnsIn = (row: SeoRow): SeoRow => ({
  seoTitle: row.seoTitle,
  seoDescription: row.seoDescription,
  seoImageId: row.seoImageId,
  canonicalUrl: row.canonicalUrl,
  noindex: row.noindex,
})

/** The `seo` of a row, in JavaScript. */
export const seoOf = (row: SeoRow): Seo => ({
  title: row.seoTitle,
  description: row.seoDescription,
  imageId: row.seoImageId,
  canonicalUrl: row.canonicalUrl,
  noindex: row.noindex,
})

const col = (alias: string, name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`

/** The `seo` of the row under `alias`, built by PostgreSQL. */
export const seoSql = (alias: string): SQL =>
  sql`json_build_object('title', ${col(alias, 'seo_title')}, 'description', ${col(alias, 'seo_description')}, 'imageId', ${col(alias, 'seo_image_id')}, 'canonicalUrl', ${col(alias, 'canonical_url')}, 'noindex', ${col(alias, 'noindex')})`

/**
 * The text `value` cut to at most `max` characters: at the last space before the cut (a space
 * that is not the first character), with an ellipsis; as it is when short enough. A first word
 * longer than the whole is cut inside.
 */
export function cutSql(value: SQL, max: number): SQL {
  const n = sql.raw(String(max))
  return sql`(select case when char_length(t.v) <= ${n} then t.v
      when strpos(substr(left(t.v, ${n}), 2), ' ') > 0 then rtrim(regexp_replace(left(t.v, ${n}), ' [^ ]*$', '')) || '…'
      else left(t.v, ${sql.raw(String(max - 1))}) || '…' end from (select ${value} as v) t)`
}

/** What a resource's `share` is made of, by the names of its columns under its alias. */
export interface ShareParts {
  alias: string
  /** The text used when there is no seo_title. */
  title: SQL
  /** The text used when there is no seo_description (may be null). */
  description: SQL
  /** An image used when there is no SEO image (a cover), or none. */
  fallbackImage?: SQL
  /** The content's URL on the site, or null::text. */
  url: SQL
}

/** Where reads' `share` blocks point: made once from the configuration. */
export interface ShareSettings {
  /** Tells the SQL texts of different settings apart, in caches and statement names. */
  key: string
  /** Put before media paths: PUBLIC_URL, or '' for paths on this API. */
  mediaBase: string
  /** Whether reads carry `url`, their page on the public site (with SITE_URL). */
  urls: boolean
  /** The site's URL of the row of this kind under `alias` (null::text without SITE_URL). */
  siteUrl(kind: 'article' | 'category' | 'page' | 'document', alias: string): SQL
  /** Whether an article's site URL holds its category's slug: its reads' ETags then vary with the category. */
  articleUrlNamesCategory: boolean
}

/** Share cards without a site or a public URL: media paths on this API, no site URL. */
export const NO_SITE: ShareSettings = { key: '', mediaBase: '', urls: false, siteUrl: () => sql`null::text`, articleUrlNamesCategory: false }

/** A string as an SQL literal, written into the statement: texts holding it take no parameter and can be cached. */
export const literal = (value: string): SQL => sql.raw(`'${value.replace(/'/g, "''")}'`)

/**
 * `share` built by PostgreSQL: for the row under `parts.alias`; `mediaBase` is put before the
 * image's path (PUBLIC_URL, or '' for a path on this API). The image is an image media item (the
 * SEO image, else the fallback) at most SHARE_IMAGE_WIDTH wide, as the file route renders it.
 */
export function shareSql(parts: ShareParts, mediaBase: string): SQL {
  const a = parts.alias
  const width = sql.raw(String(SHARE_IMAGE_WIDTH))
  const image = sql`(select json_build_object('url', ${literal(mediaBase)} || '/v1/media/' || sm.id || '/file?w=${width}&format=jpeg',
      'width', least(sm.width, ${width}), 'height', round(sm.height * least(sm.width, ${width})::numeric / sm.width)::int)
    from media sm where sm.kind = 'image' and sm.width > 0
      and sm.id = coalesce(${col(a, 'seo_image_id')}${parts.fallbackImage ? sql`, ${parts.fallbackImage}` : sql``}))`
  return sql`json_build_object(
    'title', ${cutSql(sql`coalesce(${col(a, 'seo_title')}, ${parts.title})`, SHARE_TITLE_MAX)},
    'description', ${cutSql(sql`coalesce(${col(a, 'seo_description')}, ${parts.description}, '')`, SHARE_DESCRIPTION_MAX)},
    'image', ${image},
    'url', coalesce(${col(a, 'canonical_url')}, ${parts.url}))`
}
