import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase } from '../helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

t.test('POST /v1/categories makes a Vietnamese-aware slug and answers 201 with Location', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'Tin tức, sự kiện' } })
  t.equal(res.statusCode, 201)
  const { data } = res.json()
  t.match(data, { id: String, slug: 'tin-tuc-su-kien', name: 'Tin tức, sự kiện', parentId: null, position: 0 })
  t.equal(res.headers.location, `/v1/categories/${data.id}`)
  t.match(data.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
})

t.test('a generated slug that is taken gets a numeric suffix; an explicit one is a 409', async (t) => {
  await make.category()
  const second = await make.category()
  t.equal(second.slug, 'tin-tuc-su-kien-2')
  const third = await make.category()
  t.equal(third.slug, 'tin-tuc-su-kien-3')
  const res = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'X', slug: 'tin-tuc-su-kien' } })
  t.equal(res.statusCode, 409)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { type: 'urn:bantin:problem:slug-taken', status: 409 })
  t.equal(await countRows(database, 'categories'), 3)
})

t.test('GET by id and by slug answer the same category; unknown ones 404', async (t) => {
  const made = await make.category()
  const byId = await app.inject(`/v1/categories/${made.id}`)
  const bySlug = await app.inject('/v1/categories/tin-tuc-su-kien')
  t.equal(byId.statusCode, 200)
  t.same(byId.json(), bySlug.json())
  const missing = await app.inject('/v1/categories/01900000-0000-7000-8000-000000000000')
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { status: 404, type: 'urn:bantin:problem:not-found' })
  t.equal((await app.inject('/v1/categories/khong-co')).statusCode, 404)
})

t.test('GET /v1/categories lists by position, and ?parent= one level of the tree', async (t) => {
  const news = await make.category({ name: 'Tin tức, sự kiện', position: 2 })
  await make.category({ name: 'Văn bản', position: 1 })
  await make.category({ name: 'Công tác dân vận', parentId: news.id })
  const all = await app.inject('/v1/categories')
  t.equal(all.statusCode, 200)
  t.same(all.json().data.map((c: { slug: string }) => c.slug), ['cong-tac-dan-van', 'van-ban', 'tin-tuc-su-kien'])
  t.match(all.json().meta, { total: 3, limit: 20, offset: 0 })
  const children = await app.inject('/v1/categories?parent=tin-tuc-su-kien')
  t.same(children.json().data.map((c: { slug: string }) => c.slug), ['cong-tac-dan-van'])
  t.equal((await app.inject('/v1/categories?parent=khong-co')).statusCode, 404)
})

t.test('a parent that does not exist is a 422 and nothing is written', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/categories',
    headers: admin,
    payload: { name: 'Con', parentId: '01900000-0000-7000-8000-000000000000' },
  })
  t.equal(res.statusCode, 422)
  t.match(res.json(), { status: 422, errors: [{ path: 'parentId' }] })
  t.equal(await countRows(database, 'categories'), 0)
})

t.test('PATCH moves a category, but never under itself or its own descendant', async (t) => {
  const a = await make.category({ name: 'A' })
  const b = await make.category({ name: 'B', parentId: a.id })
  const c = await make.category({ name: 'C', parentId: b.id })
  const cycle = await app.inject({ method: 'PATCH', url: `/v1/categories/${a.id}`, headers: admin, payload: { parentId: c.id } })
  t.equal(cycle.statusCode, 422)
  const self = await app.inject({ method: 'PATCH', url: `/v1/categories/a`, headers: admin, payload: { parentId: a.id } })
  t.equal(self.statusCode, 422)
  const moved = await app.inject({ method: 'PATCH', url: `/v1/categories/c`, headers: admin, payload: { parentId: a.id, name: 'Cé' } })
  t.equal(moved.statusCode, 200)
  t.match(moved.json().data, { parentId: a.id, name: 'Cé', slug: 'c' })
  const top = await app.inject({ method: 'PATCH', url: `/v1/categories/c`, headers: admin, payload: { parentId: null } })
  t.equal(top.json().data.parentId, null)
})

t.test('DELETE answers 409 while a category has children or articles, 204 after', async (t) => {
  const parent = await make.category({ name: 'Cha' })
  const child = await make.category({ name: 'Con', parentId: parent.id })
  const article = await make.article({ categoryId: child.id })
  const withChild = await app.inject({ method: 'DELETE', url: '/v1/categories/cha', headers: admin })
  t.equal(withChild.statusCode, 409)
  t.match(withChild.json(), { type: 'urn:bantin:problem:in-use', detail: /sub-categories/ })
  const withArticle = await app.inject({ method: 'DELETE', url: '/v1/categories/con', headers: admin })
  t.equal(withArticle.statusCode, 409)
  t.match(withArticle.json().detail, /1 articles/)
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { categoryId: null } })
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/categories/con', headers: admin })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/categories/cha', headers: admin })).statusCode, 204)
  t.equal(await countRows(database, 'categories'), 0)
})

t.test('bad input is a 400 that names the field, and writes nothing', async (t) => {
  const cases = [
    { payload: {}, path: 'name' },
    { payload: { name: '' }, path: 'name' },
    { payload: { name: 42 }, path: 'name' },
    { payload: { name: 'A', color: 'red' }, path: 'color' },
    { payload: { name: 'A', slug: 'Không hợp lệ' }, path: 'slug' },
    { payload: { name: 'A', parentId: 'not-a-uuid' }, path: 'parentId' },
    { payload: { name: 'x'.repeat(201) }, path: 'name' },
  ]
  for (const { payload, path } of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { status: 400, type: 'urn:bantin:problem:invalid-request', errors: [{ path }] })
  }
  t.equal(await countRows(database, 'categories'), 0)
})

t.test('writes need a token', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/categories', payload: { name: 'A' } })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="bantin"')
  const patch = await app.inject({ method: 'PATCH', url: '/v1/categories/a', payload: { name: 'A' } })
  t.equal(patch.statusCode, 401)
  const del = await app.inject({ method: 'DELETE', url: '/v1/categories/a' })
  t.equal(del.statusCode, 401)
  t.equal(await countRows(database, 'categories'), 0)
})
