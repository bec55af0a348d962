import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, factories, multipart, resetDatabase } from './helper.js'
import { parseXml, RFC3339, RFC822, text } from './site-xml.js'

const SITE_NAME = 'Cổng thông tin điện tử huyện Lý Nhân'
const { app, database } = await buildTestApp(t, { env: { SITE_URL: 'https://example.gov.vn', SITE_NAME } })
const make = factories(app)

const TITLE = 'Hội nghị "Dân vận khéo" & <b>tổng kết</b>'
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString()

/** Every state an article can be in, and where a feed must or must not show it. */
async function arrange() {
  await resetDatabase(database)
  const news = await make.category({ name: 'Tin tức & sự kiện', slug: 'tin-tuc' })
  const sub = await make.category({ name: 'Hoạt động xã', slug: 'hoat-dong-xa', parentId: news.id })
  const other = await make.category({ name: 'Văn hóa', slug: 'van-hoa' })
  const cover = await make.image()
  const shown = await make.article({ title: TITLE, summary: 'Tóm tắt <ngắn> & "rõ"', status: 'published', publishedAt: minutesAgo(5), categoryId: news.id, coverId: cover.id })
  const inSub = await make.article({ title: 'Xã Nhân Thịnh ra quân', status: 'published', publishedAt: minutesAgo(10), categoryId: sub.id })
  const elsewhere = await make.article({ title: 'Lễ hội đền Trần Thương', status: 'published', publishedAt: minutesAgo(15), categoryId: other.id })
  await make.article({ title: 'Bản nháp bí mật', categoryId: news.id })
  await make.article({ title: 'Hẹn giờ bí mật', status: 'published', publishedAt: new Date(Date.now() + 3_600_000).toISOString(), categoryId: news.id })
  const trashed = await make.article({ title: 'Thùng rác bí mật', status: 'published', publishedAt: minutesAgo(1), categoryId: news.id })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed.id}`, headers: admin })
  await make.article({ title: 'Noindex bí mật', status: 'published', publishedAt: minutesAgo(2), categoryId: news.id, seo: { noindex: true } })
  return { news, sub, other, cover, shown, inSub, elsewhere }
}

t.test('GET /feeds/articles.rss is valid RSS 2.0 of the visible articles, newest first, escaped and in UTF-8', async (t) => {
  const { shown, inSub, elsewhere, cover } = await arrange()
  const res = await app.inject('/feeds/articles.rss')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/rss+xml; charset=utf-8')
  t.equal(res.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
  t.match(res.headers.etag, /^W\/".+"$/)
  t.match(res.headers['last-modified'], RFC822)
  t.ok(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>'))
  t.ok(res.body.includes('Hội nghị &quot;Dân vận khéo&quot; &amp; &lt;b&gt;tổng kết&lt;/b&gt;'), 'escaped; Vietnamese as UTF-8 characters')
  t.notMatch(res.body, /&#\d+;|<b>/)
  t.notMatch(res.body, /bí mật/, 'no draft, scheduled, trashed or noindex article')

  const rss = parseXml(res.body).rss
  t.equal(rss['@version'], '2.0')
  t.equal(rss['@xmlns:atom'], 'http://www.w3.org/2005/Atom')
  const channel = rss.channel
  t.match(channel, { title: SITE_NAME, link: 'https://example.gov.vn', description: SITE_NAME, language: 'vi' })
  t.match(channel.lastBuildDate, RFC822)
  t.match(channel['atom:link'], { '@href': 'http://localhost:80/feeds/articles.rss', '@rel': 'self', '@type': 'application/rss+xml' })
  t.same(channel.item.map((i: { title: string }) => i.title), [TITLE, 'Xã Nhân Thịnh ra quân', 'Lễ hội đền Trần Thương'])
  const [first] = channel.item
  t.equal(first.link, `https://example.gov.vn/tin-tuc/tin-tuc/${shown.slug}`)
  t.match(first.guid, { '#text': shown.id, '@isPermaLink': 'false' })
  t.equal(first.description, 'Tóm tắt <ngắn> & "rõ"')
  t.match(first.pubDate, RFC822)
  t.equal(Date.parse(first.pubDate), Math.floor(Date.parse(shown.publishedAt as string) / 1000) * 1000)
  t.same(first.category, ['Tin tức & sự kiện'])
  t.match(first.enclosure, { '@url': `http://localhost:80/v1/media/${cover.id}/file`, '@length': String(cover.size), '@type': 'image/png' })
  t.match(first['media:content'], { '@url': `http://localhost:80/v1/media/${cover.id}/file?w=1200&format=jpeg`, '@medium': 'image', '@type': 'image/jpeg' })
  t.equal(channel.item[1].description, text(inSub.excerpt), 'the excerpt when there is no summary')
  t.notOk(channel.item[2].enclosure, 'no cover, no enclosure')
  t.equal(channel.item[2].guid['#text'], elsewhere.id)
})

t.test('GET /feeds/articles.atom is Atom 1.0: ids, RFC 3339 dates, enclosure links', async (t) => {
  const { shown, cover } = await arrange()
  const res = await app.inject('/feeds/articles.atom')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8')
  const feed = parseXml(res.body).feed
  t.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom')
  t.equal(feed['@xml:lang'], 'vi')
  t.equal(feed.id, 'http://localhost:80/feeds/articles.atom')
  t.equal(text(feed.title), SITE_NAME)
  t.match(feed.updated, RFC3339)
  t.equal(feed.author.name, SITE_NAME)
  t.match(feed.link, [{ '@rel': 'alternate', '@href': 'https://example.gov.vn' }, { '@rel': 'self', '@href': 'http://localhost:80/feeds/articles.atom' }])
  t.equal(feed.entry.length, 3)
  const [entry] = feed.entry
  t.equal(entry.id, `urn:uuid:${shown.id}`)
  t.equal(text(entry.title), TITLE)
  t.match(entry.published, RFC3339)
  t.match(entry.updated, RFC3339)
  t.equal(entry.published, shown.publishedAt)
  t.equal(text(entry.summary), 'Tóm tắt <ngắn> & "rõ"')
  t.match(entry.category, [{ '@term': 'Tin tức & sự kiện' }])
  t.match(entry.link, [
    { '@rel': 'alternate', '@href': `https://example.gov.vn/tin-tuc/tin-tuc/${shown.slug}` },
    { '@rel': 'enclosure', '@href': `http://localhost:80/v1/media/${cover.id}/file`, '@type': 'image/png', '@length': String(cover.size) },
  ])
  t.notMatch(res.body, /bí mật/)
})

t.test('GET /feeds/categories/{slug}.rss holds the category and its sub-categories; an unknown one is a 404 problem', async (t) => {
  const { news, other } = await arrange()
  const res = await app.inject(`/feeds/categories/${news.slug}.rss`)
  t.equal(res.statusCode, 200)
  const channel = parseXml(res.body).rss.channel
  t.equal(channel.title, `${SITE_NAME} – Tin tức & sự kiện`)
  t.equal(channel.link, 'https://example.gov.vn/chuyen-muc/tin-tuc')
  t.same(channel.item.map((i: { title: string }) => i.title), [TITLE, 'Xã Nhân Thịnh ra quân'])
  t.notMatch(res.body, /bí mật/)

  const empty = await make.category({ name: 'Chưa có bài', slug: 'chua-co-bai' })
  const none = parseXml((await app.inject(`/feeds/categories/${empty.slug}.rss`)).body).rss.channel
  t.equal(none.item, undefined, 'a category without articles has an empty feed')
  t.equal(parseXml((await app.inject(`/feeds/categories/${other.slug}.rss`)).body).rss.channel.item.length, 1)

  const missing = await app.inject('/feeds/categories/khong-co.rss')
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['content-type'], /^application\/problem\+json/)
  t.match(missing.json(), { type: 'urn:bantin:problem:not-found', status: 404 })
})

t.test('a feed is the same for a token: no draft, public caching', async (t) => {
  await arrange()
  const res = await app.inject({ url: '/feeds/articles.rss', headers: admin })
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, /bí mật/)
  t.equal(res.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
  t.equal(res.body, (await app.inject('/feeds/articles.rss')).body)
})

t.test('a current If-None-Match or If-Modified-Since is a 304; a new article changes the ETag', async (t) => {
  await arrange()
  for (const url of ['/feeds/articles.rss', '/feeds/articles.atom', '/feeds/categories/tin-tuc.rss']) {
    const first = await app.inject(url)
    const etag = first.headers.etag as string
    const again = await app.inject({ url, headers: { 'if-none-match': etag } })
    t.equal(again.statusCode, 304, url)
    t.equal(again.body, '')
    t.equal(again.headers.etag, etag)
    t.notOk(again.headers['content-type'])
    const since = await app.inject({ url, headers: { 'if-modified-since': first.headers['last-modified'] as string } })
    t.equal(since.statusCode, 304, `${url} If-Modified-Since`)
    const stale = await app.inject({ url, headers: { 'if-none-match': '"other"', 'if-modified-since': first.headers['last-modified'] as string } })
    t.equal(stale.statusCode, 200, 'If-None-Match decides when both are sent')
  }
  const before = (await app.inject('/feeds/articles.rss')).headers
  await make.article({ title: 'Tin mới nhất', status: 'published', categoryId: (await make.category({ name: 'Mới' })).id })
  const after = await app.inject({ url: '/feeds/articles.rss', headers: { 'if-none-match': before.etag as string } })
  t.equal(after.statusCode, 200)
  t.not(after.headers.etag, before.etag)
  const old = await app.inject({ url: '/feeds/articles.rss', headers: { 'if-modified-since': new Date(Date.now() - 86_400_000).toUTCString() } })
  t.equal(old.statusCode, 200)
})

t.test('a feed holds the 50 newest; text XML cannot hold is stripped', async (t) => {
  await arrange()
  // Sixty more, made in one statement: the cap is what is under test, not the write path.
  await database.db.execute(sql`insert into articles (id, slug, title, status, published_at)
    select gen_random_uuid(), 'bai-' || i, 'Bài ' || i || chr(7), 'published', now() - interval '1 hour' - i * interval '1 second' from generate_series(1, 60) i`)
  const channel = parseXml((await app.inject('/feeds/articles.rss')).body).rss.channel
  t.equal(channel.item.length, 50)
  t.equal(channel.item[3].title, 'Bài 1', 'the control character is gone')
  t.equal(channel.item[49].title, 'Bài 47')
})

t.test('PUBLIC_URL, when set, is where the feed says it and its media are', async (t) => {
  const other = await buildTestApp(t, { env: { SITE_URL: 'https://example.gov.vn', PUBLIC_URL: 'https://api.example.gov.vn' } })
  const cover = await factories(other.app).image()
  await factories(other.app).article({ title: 'Có ảnh', status: 'published', coverId: cover.id })
  const channel = parseXml((await other.app.inject('/feeds/articles.rss')).body).rss.channel
  t.equal(channel.title, 'example.gov.vn', 'SITE_NAME defaults to the host')
  t.equal(channel['atom:link']['@href'], 'https://api.example.gov.vn/feeds/articles.rss')
  t.equal(channel.item[0].enclosure['@url'], `https://api.example.gov.vn/v1/media/${cover.id}/file`)
})

t.test('an empty feed is still valid: no lastBuildDate, an Atom updated of the epoch', async (t) => {
  await resetDatabase(database)
  const rss = await app.inject('/feeds/articles.rss')
  t.equal(rss.statusCode, 200)
  t.notOk(rss.headers['last-modified'])
  const channel = parseXml(rss.body).rss.channel
  t.equal(channel.lastBuildDate, undefined)
  t.equal(channel.item, undefined)
  const feed = parseXml((await app.inject('/feeds/articles.atom')).body).feed
  t.equal(feed.updated, '1970-01-01T00:00:00.000Z')
  t.equal(feed.entry, undefined)
})

t.test('a cover that is not an image is an enclosure only; an article without category has none in Atom', async (t) => {
  await resetDatabase(database)
  const form = multipart([{ name: 'file', filename: 'ke-hoach.pdf', data: Buffer.from('%PDF-1.4\n%%EOF\n'), type: 'application/pdf' }])
  const upload = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
  t.equal(upload.statusCode, 201)
  const pdf = upload.json().data
  await make.article({ title: 'Kế hoạch kèm tệp', status: 'published', coverId: pdf.id })
  const [item] = parseXml((await app.inject('/feeds/articles.rss')).body).rss.channel.item
  t.match(item.enclosure, { '@type': 'application/pdf', '@length': String(pdf.size) })
  t.equal(item['media:content'], undefined)
  t.equal(item.category, undefined)
  const [entry] = parseXml((await app.inject('/feeds/articles.atom')).body).feed.entry
  t.equal(entry.category, undefined)
  t.match(entry.link, [{ '@rel': 'alternate' }, { '@rel': 'enclosure', '@type': 'application/pdf' }])
})
