import { sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import t from 'tap'
import { type SiteSettings, loadConfig } from '../src/config.js'
import { absoluteMediaUrl, mediaFilePath, SHARE_IMAGE, type UrlKind, urlOf, urlSql } from '../src/site/urls.js'
import { admin, buildTestApp, factories } from './helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)

const siteWith = (paths: Partial<Record<UrlKind, string>>, url = 'https://example.gov.vn/') => {
  const env: Record<string, string> = { SITE_URL: url }
  for (const [kind, pattern] of Object.entries(paths)) env[`SITE_${kind.toUpperCase()}_PATH`] = pattern
  return loadConfig(env).site!
}

// Content of every shape a URL has to handle: nested categories and pages, an article without a
// category, one published just after midnight in Vietnam (still the day before in UTC).
const parent = await make.category({ name: 'Tin tức', slug: 'tin-tuc' })
const child = await make.category({ name: 'Hoạt động', slug: 'hoat-dong', parentId: parent.id })
const filed = await make.article({ title: 'Bài có chuyên mục', slug: 'bai-co-chuyen-muc', categoryId: child.id, status: 'published', publishedAt: '2024-03-31T17:30:00.000Z' })
const loose = await make.article({ title: 'Bài không chuyên mục', slug: 'bai-khong-chuyen-muc', status: 'published', publishedAt: '2024-12-31T16:59:59.000Z' })
const draft = await make.article({ title: 'Bản nháp', slug: 'ban-nhap' })
const top = await make.page({ title: 'Giới thiệu', slug: 'gioi-thieu', status: 'published' })
const middle = await make.page({ title: 'Lịch sử', slug: 'lich-su', parentId: top.id, status: 'published' })
const deep = await make.page({ title: 'Thời kỳ đổi mới', slug: 'doi-moi', parentId: middle.id, status: 'published' })
const document = await make.document({ slug: 'ke-hoach-15' })

const known: Record<UrlKind, { table: string; rows: { id: string; slug: string; category?: string | null; path?: string; publishedAt?: Date | null }[] }> = {
  article: {
    table: 'articles',
    rows: [
      { id: filed.id, slug: filed.slug, category: 'hoat-dong', publishedAt: new Date('2024-03-31T17:30:00.000Z') },
      { id: loose.id, slug: loose.slug, category: null, publishedAt: new Date('2024-12-31T16:59:59.000Z') },
      { id: draft.id, slug: draft.slug, category: null, publishedAt: null },
    ],
  },
  category: { table: 'categories', rows: [{ id: parent.id, slug: 'tin-tuc' }, { id: child.id, slug: 'hoat-dong' }] },
  page: {
    table: 'pages',
    rows: [
      { id: top.id, slug: 'gioi-thieu', path: 'gioi-thieu' },
      { id: middle.id, slug: 'lich-su', path: 'gioi-thieu/lich-su' },
      { id: deep.id, slug: 'doi-moi', path: 'gioi-thieu/lich-su/doi-moi' },
    ],
  },
  document: { table: 'documents', rows: [{ id: document.id, slug: 'ke-hoach-15' }] },
}

const dialect = new PgDialect()

/** Each row's URL as PostgreSQL computes it, by id. */
async function sqlUrls(site: SiteSettings | undefined, kind: UrlKind): Promise<Map<string, string | null>> {
  const { table } = known[kind]
  const expression = urlSql(site, kind, 'x')
  // No parameters: the expression can be written into cached statement texts.
  if (dialect.sqlToQuery(expression).params.length) throw new Error('urlSql took a parameter')
  const result = (await database.db.execute(sql`select x.id, ${expression} as url from ${sql.identifier(table)} x`)) as unknown as { rows: { id: string; url: string | null }[] }
  return new Map(result.rows.map((r) => [r.id, r.url]))
}

const patterns: Partial<Record<UrlKind, string>>[] = [
  {},
  { article: '/{year}/{month}/{day}/{slug}-{id}', category: '/c/{id}/{slug}', page: '/trang/{slug}/{id}', document: '/vb/{id}' },
  { article: "/bai-viet/{category}/{slug}.html?id={id}&it's=1", category: '/chuyen-muc/{slug}/', page: '/p/{path}/', document: '/van-ban/{slug}' },
  { article: '/{category}/{year}{month}/{slug}' },
  { article: '/{year}/{month}/{day}/{category}', page: '/p/{path}/' },
  { article: '/tin/{category}-{slug}/{day}' },
]

t.test('urlSql and urlOf give the same URL for every kind, placeholder and row', async (t) => {
  for (const paths of patterns) {
    const site = siteWith(paths)
    for (const kind of Object.keys(known) as UrlKind[]) {
      const fromSql = await sqlUrls(site, kind)
      for (const row of known[kind].rows) {
        const fromJs = urlOf(site, kind, row)
        t.equal(fromSql.get(row.id), fromJs, `${kind} ${row.slug} with ${site.paths[kind]}`)
        t.ok(fromJs!.startsWith('https://example.gov.vn/') && !fromJs!.slice(8).includes('//'), `${fromJs}: one slash between segments`)
      }
    }
  }
})

t.test('the default patterns: category slug or an empty segment, the page path, dates in Vietnamese time', async (t) => {
  const site = siteWith({})
  t.equal(urlOf(site, 'article', known.article.rows[0]!), 'https://example.gov.vn/tin-tuc/hoat-dong/bai-co-chuyen-muc')
  t.equal(urlOf(site, 'article', known.article.rows[1]!), 'https://example.gov.vn/tin-tuc/bai-khong-chuyen-muc')
  t.equal(urlOf(site, 'category', known.category.rows[1]!), 'https://example.gov.vn/chuyen-muc/hoat-dong')
  t.equal(urlOf(site, 'page', known.page.rows[2]!), 'https://example.gov.vn/gioi-thieu/lich-su/doi-moi')
  t.equal(urlOf(site, 'document', known.document.rows[0]!), 'https://example.gov.vn/van-ban/ke-hoach-15')
  const dated = siteWith({ article: '/{year}/{month}/{day}/{slug}' })
  // 17:30 UTC on 31 March is 00:30 on 1 April in Hà Nội; 16:59:59 UTC on 31 December is still 2024 there.
  t.equal(urlOf(dated, 'article', known.article.rows[0]!), 'https://example.gov.vn/2024/04/01/bai-co-chuyen-muc')
  t.equal(urlOf(dated, 'article', known.article.rows[1]!), 'https://example.gov.vn/2024/12/31/bai-khong-chuyen-muc')
  t.equal((await sqlUrls(dated, 'article')).get(filed.id), 'https://example.gov.vn/2024/04/01/bai-co-chuyen-muc')
  t.equal(urlOf(dated, 'article', known.article.rows[2]!), 'https://example.gov.vn/ban-nhap', 'a draft without a date: empty segments collapse')
  t.equal(urlOf(site, 'page', { id: top.id, slug: 'gioi-thieu' }), 'https://example.gov.vn/', 'a page without its path given: the empty path')
  t.equal(urlOf(siteWith({}, 'https://example.gov.vn/cong/'), 'category', known.category.rows[0]!), 'https://example.gov.vn/cong/chuyen-muc/tin-tuc', 'a site under a path')
})

t.test('without a site there is no URL: null in SQL and in JavaScript', async (t) => {
  t.equal(urlOf(undefined, 'article', known.article.rows[0]!), null)
  const urls = await sqlUrls(undefined, 'page')
  t.same([...urls.values()], [null, null, null])
})

t.test('media URLs: absolute under the API base, the share rendition among the widths the API serves', async (t) => {
  t.equal(absoluteMediaUrl('https://api.example.gov.vn/', mediaFilePath('m1', SHARE_IMAGE)), 'https://api.example.gov.vn/v1/media/m1/file?w=1200&format=jpeg')
  t.equal(absoluteMediaUrl('http://localhost:3000', 'v1/media/m1/file'), 'http://localhost:3000/v1/media/m1/file')
  const image = await make.image()
  const res = await app.inject({ url: mediaFilePath(image.id, SHARE_IMAGE), headers: admin })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'image/jpeg')
})
