import { readFile } from 'node:fs/promises'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { validateXML } from 'xmllint-wasm'
import { admin, buildTestApp, factories, resetDatabase } from './helper.js'
import { parseXml, RFC3339 } from './site-xml.js'

const SITE = 'https://example.gov.vn'
const { app, database } = await buildTestApp(t, { env: { SITE_URL: SITE, SITE_NAME: 'Cổng TTĐT Lý Nhân', SITEMAP_PAGE_SIZE: '3' } })
const make = factories(app)

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString()

/** Seven visible articles and one of each state that must stay out; categories, pages two deep, a document. */
async function arrange() {
  await resetDatabase(database)
  const news = await make.category({ name: 'Tin tức', slug: 'tin-tuc' })
  await make.category({ name: 'Ẩn', slug: 'an', seo: { noindex: true } })
  const visible = []
  for (let i = 1; i <= 7; i++) visible.push(await make.article({ title: `Bài ${i} & <tin>`, status: 'published', publishedAt: daysAgo(i - 0.5), categoryId: i % 2 ? news.id : undefined }))
  await make.article({ title: 'Bản nháp bí mật' })
  await make.article({ title: 'Hẹn giờ bí mật', status: 'published', publishedAt: new Date(Date.now() + 3_600_000).toISOString() })
  const trashed = await make.article({ title: 'Thùng rác bí mật', status: 'published' })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed.id}`, headers: admin })
  await make.article({ title: 'Noindex bí mật', status: 'published', seo: { noindex: true } })
  const top = await make.page({ title: 'Giới thiệu', slug: 'gioi-thieu', status: 'published' })
  await make.page({ title: 'Lịch sử', slug: 'lich-su', parentId: top.id, status: 'published' })
  await make.page({ title: 'Nháp', slug: 'trang-nhap' })
  await make.page({ title: 'Ẩn', slug: 'trang-an', status: 'published', seo: { noindex: true } })
  await make.document({ slug: 'ke-hoach-15' })
  return { visible }
}

/** A child's path and query on this API, from its loc in the index. */
const pathOf = (loc: string) => loc.replace(/^http:\/\/localhost:80/, '')

/** The sitemap protocol's own schema (sitemaps.org's sitemap.xsd). */
const SCHEMA = { fileName: 'sitemap.xsd', contents: await readFile(new URL('./schemas/sitemap.xsd', import.meta.url), 'utf8') }

/**
 * A child sitemap, parsed, after xmllint has checked it against the protocol's schema (which wants
 * at least one <url>: an empty one is only checked by the parser).
 */
async function urlset(path: string) {
  const res = await app.inject(path)
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`)
  const urls = (parseXml(res.body).urlset.url ?? []) as { loc: string; lastmod: string }[]
  if (urls.length) {
    const { valid, errors } = await validateXML({ xml: { fileName: 'urlset.xml', contents: res.body }, schema: SCHEMA })
    if (!valid) throw new Error(`${path} is not valid against sitemap.xsd: ${errors.map((e) => e.rawMessage).join('; ')}`)
  }
  return { res, urls }
}

t.test('GET /sitemap.xml lists child sitemaps whose URLs add up to every indexable URL, each child within the page size', async (t) => {
  const { visible } = await arrange()
  const res = await app.inject('/sitemap.xml')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
  t.equal(res.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
  const index = parseXml(res.body).sitemapindex
  t.equal(index['@xmlns'], 'http://www.sitemaps.org/schemas/sitemap/0.9')
  const children = index.sitemap as { loc: string; lastmod?: string }[]
  const locs = children.map((c) => pathOf(c.loc))
  t.match(locs, ['/sitemaps/articles.xml', /^\/sitemaps\/articles\.xml\?from=[0-9a-f-]{36}$/, /^\/sitemaps\/articles\.xml\?from=/, '/sitemaps/categories.xml', '/sitemaps/pages.xml', '/sitemaps/documents.xml'])
  for (const child of children) t.match(child.lastmod, RFC3339, child.loc)

  const found: string[] = []
  for (const loc of locs.filter((l) => l.includes('articles'))) {
    const { res, urls } = await urlset(loc)
    t.ok(urls.length <= 3, `${loc}: ${urls.length} URLs`)
    t.notOk(res.headers['content-length'], 'streamed')
    for (const url of urls) {
      t.match(url.lastmod, RFC3339)
      t.ok(url.loc.length <= 2048)
      found.push(url.loc)
    }
  }
  const expected = visible.map((a) => `${SITE}/tin-tuc/${a.categoryId ? 'tin-tuc/' : ''}${a.slug}`)
  t.same(found.sort(), expected.sort(), 'every visible article once; no draft, scheduled, trashed or noindex one')
  t.notMatch(res.body, /bí mật/)
})

t.test('the categories, pages and documents sitemaps: indexable, visible content only', async (t) => {
  await arrange()
  t.same((await urlset('/sitemaps/categories.xml')).urls.map((u) => u.loc), [`${SITE}/chuyen-muc/tin-tuc`])
  t.same((await urlset('/sitemaps/pages.xml')).urls.map((u) => u.loc).sort(), [`${SITE}/gioi-thieu`, `${SITE}/gioi-thieu/lich-su`])
  const documents = await urlset('/sitemaps/documents.xml')
  t.same(documents.urls.map((u) => u.loc), [`${SITE}/van-ban/ke-hoach-15`])
  t.match(documents.urls[0]!.lastmod, RFC3339)
  t.ok(documents.res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'))
})

t.test('sitemaps answer 304 to a current If-None-Match, and change with the content', async (t) => {
  await arrange()
  for (const url of ['/sitemap.xml', '/sitemaps/articles.xml', '/sitemaps/pages.xml', '/sitemap-news.xml']) {
    const first = await app.inject(url)
    const again = await app.inject({ url, headers: { 'if-none-match': first.headers.etag as string } })
    t.equal(again.statusCode, 304, url)
    t.equal(again.body, '')
    t.equal(again.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
  }
  const before = await app.inject('/sitemaps/articles.xml')
  const page = await make.page({ title: 'Mới', status: 'published' })
  t.ok(page.id)
  const after = await app.inject({ url: '/sitemaps/articles.xml', headers: { 'if-none-match': before.headers.etag as string } })
  t.equal(after.statusCode, 200, 'any write of content makes a new ETag')
  t.equal(after.body, before.body)
  // Marking an article noindex is a write like any other: the sitemap drops it, with a new ETag.
  const [first] = (await urlset('/sitemaps/articles.xml')).urls
  const slug = first!.loc.split('/').at(-1)!
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/articles/${slug}`, headers: admin, payload: { seo: { noindex: true } } })).statusCode, 200)
  const hidden = await app.inject({ url: '/sitemaps/articles.xml', headers: { 'if-none-match': after.headers.etag as string } })
  t.equal(hidden.statusCode, 200)
  t.notOk(hidden.body.includes(first!.loc), 'the noindex article is gone')
  await app.inject({ method: 'PATCH', url: `/v1/articles/${slug}`, headers: admin, payload: { seo: { noindex: false } } })
  const token = await app.inject({ url: '/sitemaps/articles.xml', headers: admin })
  t.equal(token.body, (await app.inject('/sitemaps/articles.xml')).body, 'a token sees the same sitemap')
  t.equal(token.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
})

t.test('GET /sitemap-news.xml: the last 2 days, newest first, with publication, date and title', async (t) => {
  const { visible } = await arrange()
  const res = await app.inject('/sitemap-news.xml')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
  const set = parseXml(res.body).urlset
  t.equal(set['@xmlns:news'], 'http://www.google.com/schemas/sitemap-news/0.9')
  // Published 0.5 and 1.5 days ago; 2.5 days is outside the window.
  t.same(set.url.map((u: { loc: string }) => u.loc), visible.slice(0, 2).map((a) => `${SITE}/tin-tuc/${a.categoryId ? 'tin-tuc/' : ''}${a.slug}`))
  const [first] = set.url
  t.match(first['news:news'], {
    'news:publication': { 'news:name': 'Cổng TTĐT Lý Nhân', 'news:language': 'vi' },
    'news:publication_date': RFC3339,
    'news:title': 'Bài 1 & <tin>',
  })
  t.ok(res.body.includes('<news:title>Bài 1 &amp; &lt;tin&gt;</news:title>'))
  t.notMatch(res.body, /bí mật/)
})

t.test('the news sitemap holds at most 1,000 articles, the newest', async (t) => {
  await resetDatabase(database)
  await database.db.execute(sql`insert into articles (id, slug, title, status, published_at)
    select gen_random_uuid(), 'bai-' || i, 'Bài ' || i, 'published', now() - i * interval '1 minute' from generate_series(1, 1001) i`)
  const urls = parseXml((await app.inject('/sitemap-news.xml')).body).urlset.url as { loc: string }[]
  t.equal(urls.length, 1000)
  t.equal(urls[0]!.loc, `${SITE}/tin-tuc/bai-1`)
  t.equal(urls.at(-1)!.loc, `${SITE}/tin-tuc/bai-1000`)
})

t.test('a child sitemap stops at the page size; the index leaves out kinds with nothing to list', async (t) => {
  await resetDatabase(database)
  const index = parseXml((await app.inject('/sitemap.xml')).body).sitemapindex
  t.same(index.sitemap.map((s: { loc: string }) => pathOf(s.loc)), ['/sitemaps/articles.xml'], 'an index lists one sitemap at least')
  await make.document()
  const withDocument = parseXml((await app.inject('/sitemap.xml')).body).sitemapindex
  t.same(withDocument.sitemap.map((s: { loc: string }) => pathOf(s.loc)), ['/sitemaps/documents.xml'])
  t.same((await urlset('/sitemaps/articles.xml')).urls, [])
  await database.db.execute(sql`insert into articles (id, slug, title, status, published_at)
    select gen_random_uuid(), 'bai-' || i, 'Bài ' || i, 'published', now() - interval '1 day' from generate_series(1, 10) i`)
  t.equal((await urlset('/sitemaps/articles.xml')).urls.length, 3)
  t.equal((await app.inject('/sitemaps/articles.xml?from=nope')).statusCode, 400)
})

t.test('a URL longer than the 2,048 characters sitemaps allow is left out', async (t) => {
  await resetDatabase(database)
  // Eighteen pages deep, each slug 120 characters: a path the API would build but no sitemap may hold.
  let parent: string | null = null
  for (let depth = 0; depth < 18; depth++) {
    const id: string = (await make.page({ title: `Trang ${depth}`, slug: `${String(depth).padStart(2, '0')}-${'a'.repeat(117)}`, status: 'published', ...(parent && { parentId: parent }) })).id
    parent = id
  }
  const children = (parseXml((await app.inject('/sitemap.xml')).body).sitemapindex.sitemap as { loc: string }[]).map((c) => pathOf(c.loc))
  const urls = []
  for (const child of children) urls.push(...(await urlset(child)).urls)
  t.equal(urls.length, 16, 'the two deepest are left out')
  t.ok(urls.every((u) => u.loc.length <= 2048))
})

t.test('a pattern with XML specials in it is escaped in every sitemap', async (t) => {
  const other = await buildTestApp(t, { env: { SITE_URL: SITE, SITE_ARTICLE_PATH: "/bai-viet/{slug}?a=1&b='c'", SITE_DOCUMENT_PATH: '/van-ban/{id}/{slug}' } })
  const article = await factories(other.app).article({ title: 'Có ký tự', status: 'published' })
  const document = await factories(other.app).document({ slug: 'ke-hoach-9' })
  for (const [path, loc] of [['/sitemaps/articles.xml', `${SITE}/bai-viet/${article.slug}?a=1&b='c'`], ['/sitemap-news.xml', `${SITE}/bai-viet/${article.slug}?a=1&b='c'`], ['/sitemaps/documents.xml', `${SITE}/van-ban/${document.id}/ke-hoach-9`]] as const) {
    const res = await other.app.inject(path)
    t.equal(res.statusCode, 200, path)
    t.same(parseXml(res.body).urlset.url.map((u: { loc: string }) => u.loc), [loc], path)
    if (path !== '/sitemaps/documents.xml') t.ok(res.body.includes(`?a=1&amp;b=&apos;c&apos;</loc>`), `${path}: escaped`)
  }
})

t.test('without SITE_URL every feed and sitemap is a 404 problem that says what to set', async (t) => {
  const { app: bare } = await buildTestApp(t)
  for (const url of ['/feeds/articles.rss', '/feeds/articles.atom', '/feeds/categories/tin-tuc.rss', '/sitemap.xml', '/sitemaps/articles.xml', '/sitemaps/categories.xml', '/sitemaps/pages.xml', '/sitemaps/documents.xml', '/sitemap-news.xml']) {
    const res = await bare.inject(url)
    t.equal(res.statusCode, 404, url)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json(), { type: 'urn:bantin:problem:site-not-configured', title: 'Not found', status: 404, detail: /set SITE_URL \(and the SITE_\*_PATH patterns\) to serve feeds and sitemaps/ })
  }
})
