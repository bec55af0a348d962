import t from 'tap'
import { admin, buildTestApp, factories, resetDatabase, withoutShare } from '../helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

async function newsWithPeople() {
  const news = await make.category({ name: 'Tin tức, sự kiện' })
  const massMobilisation = await make.category({ name: 'Công tác dân vận', parentId: news.id })
  const thuy = await make.person({ name: 'Phạm Thị Thủy' })
  const vuong = await make.person({ name: 'Văn Vương' })
  const article = await make.article({
    status: 'published',
    publishedAt: '2023-12-06T10:00:00.000Z',
    categoryId: massMobilisation.id,
    people: [
      { personId: thuy.id, role: 'mentioned' },
      { personId: vuong.id, role: 'photographer' },
    ],
  })
  return { news, massMobilisation, thuy, vuong, article }
}

t.test('GET /v1/articles/:slug and /:id with include=category,people embed both, the same way', async (t) => {
  const { massMobilisation, thuy, vuong, article } = await newsWithPeople()
  const bySlug = await app.inject(`/v1/articles/${article.slug}?include=category,people`)
  t.equal(bySlug.statusCode, 200)
  t.match(bySlug.json().data, {
    id: article.id,
    category: { id: massMobilisation.id, slug: 'cong-tac-dan-van' },
    people: [
      { personId: thuy.id, role: 'mentioned', person: { name: 'Phạm Thị Thủy' } },
      { personId: vuong.id, role: 'photographer', person: { name: 'Văn Vương' } },
    ],
  })
  const byId = await app.inject(`/v1/articles/${article.id.toUpperCase()}?include=category,people`)
  t.same(byId.json(), bySlug.json())
  const plain = await app.inject(`/v1/articles/${article.slug}`)
  t.equal(plain.json().data.category, undefined)
  t.same(plain.json().data.people, [
    { personId: thuy.id, role: 'mentioned' },
    { personId: vuong.id, role: 'photographer' },
  ])
})

t.test('GET /v1/articles/:slug of a draft is 404 for anonymous callers and 200 with a token', async (t) => {
  const draft = await make.article({ title: 'Bản nháp đối thoại' })
  t.equal((await app.inject(`/v1/articles/${draft.slug}`)).statusCode, 404)
  t.equal((await app.inject(`/v1/articles/${draft.id}`)).statusCode, 404)
  const withToken = await app.inject({ url: `/v1/articles/${draft.slug}`, headers: admin })
  t.equal(withToken.statusCode, 200)
  t.equal(withToken.json().data.id, draft.id)
  t.equal((await app.inject({ url: `/v1/articles/${draft.id}`, headers: admin })).statusCode, 200)
})

t.test('GET /v1/articles?category= includes sub-categories and embeds category and people', async (t) => {
  const { news, massMobilisation, thuy, article } = await newsWithPeople()
  const other = await make.article({ title: 'Tin khác', status: 'published', publishedAt: '2023-12-07T10:00:00.000Z', categoryId: news.id })
  const res = await app.inject(`/v1/articles?category=${news.slug}&include=category,people&limit=20`)
  t.equal(res.statusCode, 200)
  const { data, meta } = res.json()
  t.same(
    data.map((a: { id: string }) => a.id),
    [other.id, article.id],
  )
  t.match(data[0], { category: { id: news.id }, people: [] })
  t.match(data[1], { category: { id: massMobilisation.id }, people: [{ personId: thuy.id, person: { slug: 'pham-thi-thuy' } }] })
  t.match(meta, { limit: 20, nextCursor: null })
})

t.test('POST /v1/articles answers 201 with exactly what a GET reads back, people once per role in order', async (t) => {
  const category = await make.category()
  const thuy = await make.person({ name: 'Phạm Thị Thủy' })
  const vuong = await make.person({ name: 'Văn Vương' })
  const res = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: admin,
    payload: {
      title: 'Hội nghị tổng kết công tác dân vận năm 2023',
      summary: 'Chiều 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổng kết công tác dân vận.',
      body: [{ type: 'paragraph', text: 'Năm 2023 các cấp ủy đảng từ huyện đến cơ sở tập trung lãnh đạo.' }],
      status: 'published',
      categoryId: category.id,
      tags: ['Dân vận', 'dân vận'],
      people: [
        { personId: vuong.id, role: 'photographer' },
        { personId: thuy.id, role: 'mentioned' },
        { personId: vuong.id, role: 'photographer' },
      ],
    },
  })
  t.equal(res.statusCode, 201)
  const created = res.json().data
  t.same(created.people, [
    { personId: vuong.id, role: 'photographer' },
    { personId: thuy.id, role: 'mentioned' },
  ])
  t.same(created.tags, ['dân vận'])
  t.match(created, { version: 1, status: 'published', publishedAt: String, readingTimeMinutes: 1, excerpt: /^Chiều 06\/12\/2023/ })
  const read = await app.inject({ url: `/v1/articles/${created.id}`, headers: admin })
  // Reads add share; the rest is the same.
  t.same(withoutShare(read.json().data), created)
  t.equal(read.json().data.share.title, created.title)
})
