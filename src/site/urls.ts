import { createHash } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import type { SiteSettings } from '../config.js'
import { pageSlugsSql } from '../shared/page-path.js'
import { literal, SHARE_IMAGE_WIDTH, type ShareSettings } from '../shared/seo.js'

/** The kinds of content the public site has a page for. */
export type UrlKind = 'article' | 'category' | 'page' | 'document'

/** The placeholders each kind's pattern may use. */
export const PLACEHOLDERS: Record<UrlKind, readonly string[]> = {
  article: ['id', 'slug', 'category', 'year', 'month', 'day'],
  category: ['id', 'slug'],
  page: ['id', 'slug', 'path'],
  document: ['id', 'slug'],
}

export const DEFAULT_PATHS: Record<UrlKind, string> = {
  article: '/tin-tuc/{category}/{slug}',
  category: '/chuyen-muc/{slug}',
  page: '/{path}',
  document: '/van-ban/{slug}',
}

/** The characters a pattern may hold outside its placeholders: those of a URL's path and query. */
const URL_TEXT = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/

/** Placeholders that may have no value: an article without a category, a draft without a date. */
const MAY_BE_EMPTY = new Set(['category', 'year', 'month', 'day'])

/**
 * A pattern's literal text and placeholders, in order. A placeholder that may be empty takes the
 * slash after it along (`slash`), so that an empty one leaves no empty segment: the same as
 * collapsing the doubled slash, without a regular expression for every row of a sitemap.
 */
type Part = { text: string } | { placeholder: string; slash: boolean }

function partsOf(pattern: string): Part[] {
  const parts: Part[] = pattern.split(/\{([^{}]*)\}/).map((piece, i) => (i % 2 === 1 ? { placeholder: piece, slash: false } : { text: piece }))
  for (let i = 1; i < parts.length; i += 2) {
    const placeholder = parts[i] as { placeholder: string; slash: boolean }
    const next = parts[i + 1] as { text: string }
    if (MAY_BE_EMPTY.has(placeholder.placeholder) && next.text.startsWith('/')) {
      placeholder.slash = true
      next.text = next.text.slice(1)
    }
  }
  return parts
}

/** What is wrong with a kind's pattern, in words, or undefined when it can be used. */
export function patternProblem(kind: UrlKind, pattern: string): string | undefined {
  const allowed = PLACEHOLDERS[kind]
  const list = allowed.map((p) => `{${p}}`).join(' ')
  if (!pattern.startsWith('/')) return `"${pattern}" must start with /`
  const parts = partsOf(pattern)
  const unknown = parts.flatMap((p) => ('placeholder' in p && !allowed.includes(p.placeholder) ? [`{${p.placeholder}}`] : []))
  if (unknown.length) return `unknown placeholder ${unknown.join(', ')} in "${pattern}": a ${kind} URL may use ${list}`
  if (pattern.includes('//')) return `"${pattern}" has an empty segment (//)`
  const bad = parts.find((p) => 'text' in p && !URL_TEXT.test(p.text))
  if (bad) return `"${pattern}" holds characters a URL path cannot (${JSON.stringify((bad as { text: string }).text)}); placeholders are ${list}`
  return undefined
}


const column = (alias: string, name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`

/** publishedAt's calendar day where the portals are. */
const TIME_ZONE = 'Asia/Ho_Chi_Minh'
const localDate = (alias: string, format: string) => sql`to_char(${column(alias, 'published_at')} at time zone ${literal(TIME_ZONE)}, ${literal(format)})`

function placeholderSql(placeholder: string, alias: string): SQL {
  switch (placeholder) {
    case 'id':
      return sql`${column(alias, 'id')}::text`
    case 'category':
      return sql`(select url_category.slug from categories url_category where url_category.id = ${column(alias, 'category_id')})`
    case 'path':
      return pageSlugsSql(alias)
    case 'year':
      return localDate(alias, 'YYYY')
    case 'month':
      return localDate(alias, 'MM')
    case 'day':
      return localDate(alias, 'DD')
    default:
      return column(alias, 'slug')
  }
}

/**
 * The public URL of the row of `kind` under `alias`, as PostgreSQL text (null::text without a
 * site). It takes no bind parameters: the site's address and patterns are quoted into it, so it
 * can sit in statements kept as raw text. A placeholder with no value (an article without a
 * category) leaves no empty segment: `/tin-tuc/{category}/{slug}` is then `/tin-tuc/{slug}`.
 */
export function urlSql(site: SiteSettings | undefined, kind: UrlKind, alias: string): SQL {
  if (!site) return sql`null::text`
  const pieces = partsOf(site.paths[kind]).map((p) => {
    if ('text' in p) return literal(p.text)
    const value = placeholderSql(p.placeholder, alias)
    return p.slash ? sql`nullif(${value}, '') || '/'` : value
  })
  return sql`concat(${literal(site.url)}, ${sql.join(pieces, sql`, `)})`
}

export interface UrlValues {
  id: string
  slug: string
  /** The article's category slug. */
  category?: string | null
  /** The page's ancestor slugs and its own, joined by `/`. */
  path?: string
  publishedAt?: Date | null
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })

function placeholderValue(placeholder: string, values: UrlValues): string {
  if (placeholder === 'year' || placeholder === 'month' || placeholder === 'day') {
    if (!values.publishedAt) return ''
    const part = dayFormat.formatToParts(values.publishedAt).find((p) => p.type === placeholder)
    return part!.value
  }
  if (placeholder === 'id') return values.id
  if (placeholder === 'category') return values.category ?? ''
  if (placeholder === 'path') return values.path ?? ''
  return values.slug
}

/** The same URL as urlSql, in JavaScript, from a row's values; null without a site. */
export function urlOf(site: SiteSettings | undefined, kind: UrlKind, values: UrlValues): string | null {
  if (!site) return null
  const path = partsOf(site.paths[kind]).map((p) => {
    if ('text' in p) return p.text
    const value = placeholderValue(p.placeholder, values)
    return p.slash && value ? `${value}/` : value
  })
  return site.url + path.join('')
}

/** The rendition share cards and feeds show: the 1200-wide JPEG. */
export const SHARE_IMAGE = { width: SHARE_IMAGE_WIDTH, format: 'jpeg' } as const

/** A media file's path on this API; with a rendition, that resized image. */
export const mediaFilePath = (id: string, rendition?: { width: number; format: string }) =>
  `/v1/media/${id}/file${rendition ? `?w=${rendition.width}&format=${rendition.format}` : ''}`

/** An API path (`/v1/media/…/file?w=1200&format=jpeg`) as an absolute URL under `base` (PUBLIC_URL or the request's origin). */
export const absoluteMediaUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`

/**
 * What reads add from the configuration: `url` (with a site) and share cards, whose image paths
 * start with PUBLIC_URL when it is set. Made once per app; `key` tells apart the SQL texts and
 * prepared statements of different settings.
 */
export function readSettings(site: SiteSettings | undefined, publicUrl: string | undefined): ShareSettings {
  return {
    key: createHash('sha1').update(JSON.stringify([site?.url, site?.paths, publicUrl])).digest('base64url').slice(0, 12),
    mediaBase: publicUrl ?? '',
    urls: site !== undefined,
    siteUrl: (kind, alias) => urlSql(site, kind, alias),
    articleUrlNamesCategory: site !== undefined && site.paths.article.includes('{category}'),
  }
}
