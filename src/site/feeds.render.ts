import type { SiteSettings } from '../config.js'
import type { Feed, FeedItem } from './feeds.queries.js'
import { absoluteMediaUrl, mediaFilePath, SHARE_IMAGE } from './urls.js'
import { element, escapeXml, rfc3339, rfc822, XML_DECLARATION } from './xml.js'

/** What a feed is rendered with besides its items: where it is, and where its media are. */
export interface FeedContext {
  site: SiteSettings
  /** This feed's own absolute URL (atom:link rel="self"). */
  self: string
  /** The API's public address, for the covers' URLs. */
  apiBase: string
}

/** The feed's title, link and description: the site's, or the category's within it. */
function channelOf(feed: Feed, site: SiteSettings) {
  const category = feed.category
  return {
    title: category ? `${site.name} – ${category.name}` : site.name,
    link: category?.url ?? site.url,
    description: category?.description || (category ? `${site.name} – ${category.name}` : site.name),
  }
}

/** When the feed last changed: its newest item's change, or its category's; undefined for an empty site feed. */
export function lastChange(feed: Feed): Date | undefined {
  const times = [...feed.items.map((i) => i.changedAt.getTime()), ...(feed.category ? [feed.category.updatedAt.getTime()] : [])]
  return times.length ? new Date(Math.max(...times)) : undefined
}

const attr = (name: string, value: string | number) => ` ${name}="${escapeXml(String(value))}"`

/** The cover as media:content: its 1200-wide JPEG rendition, for an image. */
function mediaContent(item: FeedItem, apiBase: string): string {
  const cover = item.cover
  if (!cover || cover.kind !== 'image') return ''
  const width = cover.width ? Math.min(cover.width, SHARE_IMAGE.width) : undefined
  const url = absoluteMediaUrl(apiBase, mediaFilePath(cover.id, SHARE_IMAGE))
  return `<media:content${attr('url', url)}${attr('medium', 'image')}${attr('type', 'image/jpeg')}${width ? attr('width', width) : ''}/>`
}

const coverUrl = (item: FeedItem, apiBase: string) => absoluteMediaUrl(apiBase, mediaFilePath(item.cover!.id))

const NAMESPACES = ' xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"'

/** RSS 2.0, with atom:link rel="self" and Media RSS covers. */
export function renderRss(feed: Feed, { site, self, apiBase }: FeedContext): string {
  const channel = channelOf(feed, site)
  const changed = lastChange(feed)
  const items = feed.items.map((item) =>
    [
      '<item>',
      element('title', item.title),
      element('link', item.url),
      element('guid', item.id, ' isPermaLink="false"'),
      element('description', item.summary),
      element('pubDate', rfc822(item.publishedAt)),
      element('category', item.category),
      item.cover ? `<enclosure${attr('url', coverUrl(item, apiBase))}${attr('length', item.cover.size)}${attr('type', item.cover.mimeType)}/>` : '',
      mediaContent(item, apiBase),
      '</item>',
    ].join(''),
  )
  return [
    XML_DECLARATION,
    `<rss version="2.0"${NAMESPACES}><channel>`,
    element('title', channel.title),
    element('link', channel.link),
    element('description', channel.description),
    element('language', site.language),
    changed ? element('lastBuildDate', rfc822(changed)) : '',
    `<atom:link${attr('href', self)} rel="self" type="application/rss+xml"/>`,
    ...items.map((i) => `\n${i}`),
    '\n</channel></rss>\n',
  ].join('')
}

/** Atom 1.0 (RFC 4287): entries with ids of the form urn:uuid:, covers as enclosure links. */
export function renderAtom(feed: Feed, { site, self, apiBase }: FeedContext): string {
  const channel = channelOf(feed, site)
  // An empty feed still needs an `updated`: the epoch says "nothing yet" without changing on every read.
  const changed = lastChange(feed) ?? new Date(0)
  const entries = feed.items.map((item) =>
    [
      '<entry>',
      element('id', `urn:uuid:${item.id}`),
      element('title', item.title, ' type="text"'),
      `<link rel="alternate" type="text/html"${attr('href', item.url)}/>`,
      element('published', rfc3339(item.publishedAt)),
      element('updated', rfc3339(item.updatedAt)),
      element('summary', item.summary, ' type="text"'),
      item.category ? `<category${attr('term', item.category)}/>` : '',
      item.cover ? `<link rel="enclosure"${attr('href', coverUrl(item, apiBase))}${attr('type', item.cover.mimeType)}${attr('length', item.cover.size)}/>` : '',
      mediaContent(item, apiBase),
      '</entry>',
    ].join(''),
  )
  return [
    XML_DECLARATION,
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"${attr('xml:lang', site.language)}>`,
    element('id', self),
    element('title', channel.title, ' type="text"'),
    element('subtitle', channel.description, ' type="text"'),
    element('updated', rfc3339(changed)),
    `<link rel="alternate" type="text/html"${attr('href', channel.link)}/>`,
    `<link rel="self" type="application/atom+xml"${attr('href', self)}/>`,
    `<author>${element('name', site.name)}</author>`,
    ...entries.map((e) => `\n${e}`),
    '\n</feed>\n',
  ].join('')
}
