import t from 'tap'
import { admin, buildTestApp, factories, resetDatabase } from './helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const past = '2023-12-06T10:00:00.000Z'

t.test('every JSON read has an ETag; a matching If-None-Match is a bodiless 304', async (t) => {
  const category = await make.category()
  const person = await make.person()
  const article = await make.article({ status: 'published', publishedAt: past, categoryId: category.id })
  const urls = [
    '/v1/articles',
    '/v1/articles?include=category,people&limit=5',
    `/v1/articles/${article.slug}`,
    `/v1/articles/${article.slug}?include=category&render=html`,
    '/v1/categories',
    `/v1/categories/${category.slug}`,
    '/v1/people',
    `/v1/people/${person.slug}`,
  ]
  for (const url of urls) {
    const first = await app.inject(url)
    t.equal(first.statusCode, 200, url)
    const etag = first.headers.etag as string
    t.ok(etag, `${url} has an ETag`)
    const again = await app.inject({ url, headers: { 'if-none-match': etag } })
    t.equal(again.statusCode, 304, url)
    t.equal(again.body, '', url)
    t.notOk(again.headers['content-length'], `${url}: a 304 has no Content-Length`)
    t.notOk(again.headers['content-type'], url)
    t.equal(again.headers.etag, etag)
    t.equal(again.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
    const other = await app.inject({ url, headers: { 'if-none-match': '"something-else"' } })
    t.equal(other.statusCode, 200, url)
  }
})

t.test('a list ETag changes when an article in it, or something it embeds, changes', async (t) => {
  const category = await make.category({ name: 'Tin tức' })
  const article = await make.article({ status: 'published', publishedAt: past, categoryId: category.id })
  const url = '/v1/articles?include=category'
  const etag = (await app.inject(url)).headers.etag as string
  await app.inject({ method: 'PATCH', url: `/v1/categories/${category.id}`, headers: admin, payload: { name: 'Tin tức mới' } })
  const afterCategory = await app.inject({ url, headers: { 'if-none-match': etag } })
  t.equal(afterCategory.statusCode, 200, 'renaming an embedded category invalidates')
  t.equal(afterCategory.json().data[0].category.name, 'Tin tức mới')
  const plainTag = (await app.inject('/v1/articles')).headers.etag as string
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Khác' } })
  t.equal((await app.inject({ url: '/v1/articles', headers: { 'if-none-match': plainTag } })).statusCode, 200)
  const beforeNew = (await app.inject('/v1/articles')).headers.etag as string
  await make.article({ status: 'published', publishedAt: past, title: 'Bài mới' })
  t.equal((await app.inject({ url: '/v1/articles', headers: { 'if-none-match': beforeNew } })).statusCode, 200)
  const offsetTag = (await app.inject('/v1/articles?offset=0&limit=1')).headers.etag as string
  await make.article({ status: 'published', publishedAt: '2020-01-01T00:00:00.000Z', title: 'Cũ hơn' })
  t.equal((await app.inject({ url: '/v1/articles?offset=0&limit=1', headers: { 'if-none-match': offsetTag } })).statusCode, 200, 'meta.total changed')
})

t.test('ETags of answers that embed media change when the media changes', async (t) => {
  const photo = await make.image({ caption: 'Ảnh cũ' })
  const article = await make.article({
    status: 'published',
    publishedAt: past,
    coverId: photo.id,
    body: [{ type: 'image', mediaId: photo.id }],
  })
  const urls = ['/v1/articles?include=cover', '/v1/articles?include=media', `/v1/articles/${article.id}?include=cover,media`]
  const before = await Promise.all(urls.map(async (url) => (await app.inject(url)).headers.etag as string))
  const patched = await app.inject({ method: 'PATCH', url: `/v1/media/${photo.id}`, headers: { ...admin, 'if-match': '"v1"' }, payload: { caption: 'Ảnh mới' } })
  t.equal(patched.statusCode, 200)
  t.equal(patched.headers.etag, '"v2"')
  for (const [i, url] of urls.entries()) {
    const res = await app.inject({ url, headers: { 'if-none-match': before[i]! } })
    t.equal(res.statusCode, 200, url)
    t.match(res.body, 'Ảnh mới', url)
  }
  const stale = await app.inject({ method: 'PATCH', url: `/v1/media/${photo.id}`, headers: { ...admin, 'if-match': '"v1"' }, payload: { caption: 'Ghi đè' } })
  t.equal(stale.statusCode, 412, 'media honour If-Match too')
  t.equal((await app.inject({ url: `/v1/media/${photo.id}`, headers: { 'if-none-match': '"v2"' } })).statusCode, 304)
})

t.test('a scheduled article changes the list ETag when its time comes, with no write', async (t) => {
  await make.article({ status: 'published', publishedAt: past })
  await make.article({ status: 'published', publishedAt: new Date(Date.now() + 1500).toISOString(), title: 'Hẹn giờ' })
  const before = await app.inject('/v1/articles')
  t.equal(before.json().data.length, 1)
  await new Promise((r) => setTimeout(r, 1600))
  const after = await app.inject({ url: '/v1/articles', headers: { 'if-none-match': before.headers.etag as string } })
  t.equal(after.statusCode, 200)
  t.equal(after.json().data.length, 2)
})

t.test('Cache-Control: public for anonymous reads, private no-store with a token, never for errors', async (t) => {
  const anonymous = await app.inject('/v1/articles')
  t.equal(anonymous.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
  t.match(anonymous.headers.vary, /Authorization/)
  const withToken = await app.inject({ url: '/v1/articles', headers: admin })
  t.equal(withToken.headers['cache-control'], 'private, no-store')
  t.not(withToken.headers.etag, anonymous.headers.etag, 'a token sees other articles: another ETag')
  t.equal((await app.inject('/v1/articles/khong-co')).headers['cache-control'], 'no-store')
  const created = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'A' } })
  t.equal(created.headers['cache-control'], 'no-store')
})
