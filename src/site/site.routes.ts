import type { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { SiteSettings } from '../config.js'
import { SiteNotConfigured } from '../errors.js'
import { publicNotModified } from '../plugins/http-cache.js'
import { digest } from '../shared/etags.js'
import { NotModified, Problem, Slug, withHeaders } from '../shared/schemas.js'
import { categoryFeed, type Feed, siteFeed } from './feeds.queries.js'
import { lastChange, renderAtom, renderRss } from './feeds.render.js'
import { contentStamp, SITEMAP_KINDS, type SitemapName, sitemapParts } from './sitemaps.queries.js'
import { renderIndex, renderNews, streamUrlset } from './sitemaps.render.js'

const tags = ['site']
const RSS = 'application/rss+xml; charset=utf-8'
const ATOM = 'application/atom+xml; charset=utf-8'
const XML = 'application/xml; charset=utf-8'

/** An XML answer of this media type; feeds also say when they last changed. */
const responses = (type: string, description: string, lastModified = false) => ({
  200: { description, content: { [type.split(';')[0]!]: { schema: lastModified ? withHeaders(z.string(), 'Last-Modified') : z.string() } } },
  304: NotModified,
  404: Problem,
})

/** A streamed body, which the response schemas (text, for the document) do not type. */
const sendStream = (reply: FastifyReply, body: Readable) => reply.type(XML).send(body)

const unconfigured = 'Without SITE_URL every feed and sitemap answers a 404 problem saying what to set.'
const caching = 'The same for every caller, a token or not (drafts never appear): publicly cacheable, with an ETag.'

export interface SiteRoutesOptions {
  site: SiteSettings | undefined
  /** PUBLIC_URL: this API's address for the links it writes; without it, the request's origin. */
  publicUrl: string | undefined
}

const ItemsNote =
  'The 50 newest visible articles (published, their time come, not in the trash, not marked noindex), newest first, each with its link on the public site (SITE_ARTICLE_PATH), summary, category and cover (an enclosure, and media:content with the 1200-wide JPEG of an image).'

/** RSS and Atom feeds and sitemaps for the public site, at the root: where crawlers and readers look for them. */
export const siteRoutes: FastifyPluginAsyncZod<SiteRoutesOptions> = async (app, { site, publicUrl }) => {
  const settings = () => {
    if (!site) throw new SiteNotConfigured()
    return site
  }
  const apiBase = (req: FastifyRequest) => publicUrl ?? `${req.protocol}://${req.host}`
  const self = (req: FastifyRequest) => `${apiBase(req)}${req.url.split('?')[0]}`

  /** A feed, its ETag a digest of what is sent and Last-Modified its newest change. */
  const sendFeed = (req: FastifyRequest, reply: FastifyReply, feed: Feed, format: 'rss' | 'atom') => {
    const context = { site: settings(), self: self(req), apiBase: apiBase(req) }
    const body = format === 'rss' ? renderRss(feed, context) : renderAtom(feed, context)
    if (publicNotModified(req, reply, `W/"${digest(body)}"`, lastChange(feed))) return reply.send(null)
    return reply.type(format === 'rss' ? RSS : ATOM).send(body)
  }

  app.get(
    '/feeds/articles.rss',
    {
      schema: {
        tags,
        operationId: 'getArticlesRss',
        summary: 'RSS 2.0 feed of the newest articles',
        description: `${ItemsNote} ${caching} ${unconfigured}`,
        response: responses(RSS, 'An RSS 2.0 feed', true),
      },
    },
    async (req, reply) => sendFeed(req, reply, await siteFeed(app.db, settings()), 'rss'),
  )

  app.get(
    '/feeds/articles.atom',
    {
      schema: {
        tags,
        operationId: 'getArticlesAtom',
        summary: 'Atom 1.0 feed of the newest articles',
        description: `${ItemsNote} ${caching} ${unconfigured}`,
        response: responses(ATOM, 'An Atom 1.0 feed', true),
      },
    },
    async (req, reply) => sendFeed(req, reply, await siteFeed(app.db, settings()), 'atom'),
  )

  app.get(
    '/feeds/categories/:slug.rss',
    {
      schema: {
        tags,
        operationId: 'getCategoryRss',
        summary: "RSS 2.0 feed of a category's newest articles",
        description: `${ItemsNote} The category's sub-categories count as in it. An unknown category is a 404. ${caching} ${unconfigured}`,
        params: z.object({ slug: Slug }),
        response: responses(RSS, "An RSS 2.0 feed of the category's articles", true),
      },
    },
    async (req, reply) => sendFeed(req, reply, await categoryFeed(app.db, settings(), req.params.slug), 'rss'),
  )

  /** ETag for the sitemaps: what their content follows (see contentStamp), the settings, and where they link. */
  const sitemapTag = async (req: FastifyRequest, ...variant: string[]) =>
    `W/"${digest(await contentStamp(app.db), JSON.stringify(settings()), apiBase(req), ...variant)}"`

  app.get(
    '/sitemap.xml',
    {
      schema: {
        tags,
        operationId: 'getSitemapIndex',
        summary: 'The sitemap index',
        description: `The child sitemaps: articles, categories, pages and official documents, each cut into files of at most SITEMAP_PAGE_SIZE (default 50,000) URLs, with the newest change of each as lastmod. Content marked noindex is left out. ${caching} ${unconfigured}`,
        response: responses(XML, 'A sitemap index (sitemaps.org 0.9)'),
      },
    },
    async (req, reply) => {
      const { sitemapPageSize } = settings()
      if (publicNotModified(req, reply, await sitemapTag(req, 'index'))) return reply.send(null)
      return reply.type(XML).send(renderIndex(await sitemapParts(app.db, sitemapPageSize), apiBase(req)))
    },
  )

  const from = z.object({
    from: z.uuid().optional().describe('Where this file starts (an id), as the sitemap index links it; without it, the first file'),
  })
  for (const name of Object.keys(SITEMAP_KINDS) as SitemapName[]) {
    app.get(
      `/sitemaps/${name}.xml`,
      {
        schema: {
          tags,
          operationId: `get${name[0]!.toUpperCase()}${name.slice(1)}Sitemap`,
          summary: `A sitemap of ${name}`,
          description: `The URLs on the public site of the ${name} readers may see and search engines may index (not noindex), in id order, at most SITEMAP_PAGE_SIZE from \`from\`, each with its updatedAt as lastmod. Streamed. ${caching} ${unconfigured}`,
          querystring: from,
          response: responses(XML, 'A sitemap (sitemaps.org 0.9)'),
        },
      },
      async (req, reply) => {
        const site = settings()
        if (publicNotModified(req, reply, await sitemapTag(req, name, req.query.from ?? ''))) return reply.send(null)
        return sendStream(reply, streamUrlset(app.db, site, name, req.query.from))
      },
    )
  }

  app.get(
    '/sitemap-news.xml',
    {
      schema: {
        tags,
        operationId: 'getNewsSitemap',
        summary: 'The Google News sitemap',
        description: `Articles published in the last 2 days, newest first, at most 1,000, each with its publication (SITE_NAME, SITE_LANGUAGE), publication date and title. Content marked noindex is left out. ${caching} ${unconfigured}`,
        response: responses(XML, 'A Google News sitemap'),
      },
    },
    async (req, reply) => {
      const body = await renderNews(app.db, settings())
      if (publicNotModified(req, reply, `W/"${digest(body)}"`)) return reply.send(null)
      return reply.type(XML).send(body)
    },
  )
}
