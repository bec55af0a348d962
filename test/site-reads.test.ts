import t from 'tap'
import { admin, buildTestApp, factories } from './helper.js'

// With SITE_URL and PUBLIC_URL, reads carry each resource's page on the public site as `url`, share
// cards point there, and their images are absolute on this API.
const SITE = 'https://lynhan.hanam.gov.vn'
const API = 'https://api.lynhan.hanam.gov.vn'
const { app } = await buildTestApp(t, { env: { SITE_URL: SITE, PUBLIC_URL: API } })
const make = factories(app)

t.test('articles: url from the pattern, share cards pointing to it, images on the public API', async (t) => {
  const category = await make.category({ name: 'Tin tức, sự kiện' })
  const cover = await make.image({}, { width: 1600, height: 900 })
  const article = await make.article({ title: 'Hội nghị tổng kết công tác dân vận', status: 'published', categoryId: category.id, coverId: cover.id })
  const url = `${SITE}/tin-tuc/tin-tuc-su-kien/${article.slug}`
  t.notOk('url' in article, 'the answer of a write has no url')

  const read = (await app.inject(`/v1/articles/${article.slug}`)).json().data
  t.equal(read.url, url)
  t.equal(read.share.url, url, 'no canonical URL: the site page')
  t.same(read.share.image, { url: `${API}/v1/media/${cover.id}/file?w=1200&format=jpeg`, width: 1200, height: 675 })

  const listed = (await app.inject('/v1/articles?limit=100')).json().data.find((a: { id: string }) => a.id === article.id)
  t.equal(listed.url, url, 'lists too')
  const few = (await app.inject('/v1/articles?fields=id,url&limit=100')).json().data.find((a: { id: string }) => a.id === article.id)
  t.same(few, { id: article.id, url }, 'fields=url')
  const found = (await app.inject('/v1/articles?q=tong ket dan van&fields=id,url')).json().data
  t.equal(found[0].url, url, 'search hits too')

  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { seo: { canonicalUrl: 'https://hanam.gov.vn/tin/dan-van' } } })
  const canonical = (await app.inject(`/v1/articles/${article.slug}`)).json().data
  t.equal(canonical.url, url, 'url stays the site page')
  t.equal(canonical.share.url, 'https://hanam.gov.vn/tin/dan-van', 'share cards take the canonical URL')

  const bare = await make.article({ title: 'Không chuyên mục', status: 'published' })
  t.equal((await app.inject(`/v1/articles/${bare.id}`)).json().data.url, `${SITE}/tin-tuc/${bare.slug}`, 'no category: no empty segment')
})

t.test('categories, pages and documents carry url on reads', async (t) => {
  const category = await make.category({ name: 'Công tác dân vận' })
  t.equal((await app.inject(`/v1/categories/${category.slug}`)).json().data.url, `${SITE}/chuyen-muc/${category.slug}`)
  const listed = (await app.inject('/v1/categories?limit=100')).json().data.find((c: { id: string }) => c.id === category.id)
  t.equal(listed.share.url, `${SITE}/chuyen-muc/${category.slug}`)

  const about = await make.page({ title: 'Giới thiệu', status: 'published' })
  const history = await make.page({ title: 'Lịch sử', status: 'published', parentId: about.id })
  const page = (await app.inject(`/v1/pages/${history.slug}`)).json().data
  t.equal(page.url, `${SITE}/gioi-thieu/lich-su`)
  t.equal(page.share.url, page.url)
  t.equal(page.path, '/pages/gioi-thieu/lich-su', 'path stays what it was')

  const document = await make.document()
  t.notOk('url' in document, 'the answer of a write has no url')
  t.equal((await app.inject(`/v1/documents/${document.slug}`)).json().data.url, `${SITE}/van-ban/${document.slug}`)
  const documents = (await app.inject('/v1/documents')).json().data
  t.equal(documents.find((d: { id: string }) => d.id === document.id).url, `${SITE}/van-ban/${document.slug}`)
})

t.test('an article URL that names the category: renaming the category changes the ETags of its reads', async (t) => {
  const category = await make.category({ name: 'Tin huyện' })
  const article = await make.article({ title: 'Hội nghị đổi tên chuyên mục', status: 'published', categoryId: category.id })
  const detailPath = `/v1/articles/${article.slug}`
  const listPath = '/v1/articles?limit=100'
  const before = { detail: await app.inject(detailPath), list: await app.inject(listPath) }
  t.equal(before.detail.json().data.url, `${SITE}/tin-tuc/tin-huyen/${article.slug}`)
  t.equal((await app.inject({ url: detailPath, headers: { 'if-none-match': before.detail.headers.etag as string } })).statusCode, 304, 'unchanged: a 304')
  t.equal((await app.inject({ url: listPath, headers: { 'if-none-match': before.list.headers.etag as string } })).statusCode, 304, 'the list too')

  const renamed = await app.inject({ method: 'PATCH', url: `/v1/categories/${category.id}`, headers: admin, payload: { slug: 'tin-tuc-huyen' } })
  t.equal(renamed.statusCode, 200, renamed.body)
  const detail = await app.inject({ url: detailPath, headers: { 'if-none-match': before.detail.headers.etag as string } })
  t.equal(detail.statusCode, 200, 'the old ETag no longer matches')
  t.equal(detail.json().data.url, `${SITE}/tin-tuc/tin-tuc-huyen/${article.slug}`)
  t.equal(detail.json().data.version, before.detail.json().data.version, 'the article itself did not change')
  const list = await app.inject({ url: listPath, headers: { 'if-none-match': before.list.headers.etag as string } })
  t.equal(list.statusCode, 200, 'nor for the list')
  t.equal(list.json().data.find((a: { id: string }) => a.id === article.id).url, detail.json().data.url)
  const fewer = await app.inject({ url: `/v1/articles/${article.slug}?include=people` })
  t.not(fewer.headers.etag, detail.headers.etag, 'another include, another ETag')
})
