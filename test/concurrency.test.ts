import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase } from './helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

t.test('every single-resource GET has an ETag that changes with the version', async (t) => {
  const article = await make.article()
  const first = await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })
  t.equal(first.headers.etag, '"v1"')
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Mới' } })
  t.equal((await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).headers.etag, '"v2"')
  const category = await make.category()
  t.equal((await app.inject(`/v1/categories/${category.id}`)).headers.etag, '"v1"')
  const person = await make.person()
  t.equal((await app.inject(`/v1/people/${person.id}`)).headers.etag, '"v1"')
})

t.test('PATCH and DELETE with a stale If-Match answer 412 and change nothing', async (t) => {
  const article = await make.article({ title: 'Gốc' })
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Lần hai' } })
  const stale = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': '"v1"' }, payload: { title: 'Ghi đè' } })
  t.equal(stale.statusCode, 412)
  t.match(stale.json(), { type: 'urn:bantin:problem:precondition-failed', status: 412 })
  for (const bad of ['W/"v2"', '"2"', 'garbage']) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': bad }, payload: { title: 'Ghi đè' } })
    t.equal(res.statusCode, 412, bad)
  }
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': '"v1"' } })).statusCode, 412)
  const now = (await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).json().data
  t.match(now, { title: 'Lần hai', version: 2 })
  t.equal(await countRows(database, 'article_revisions'), 2, 'no revision for a refused write')
  const fresh = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': '"v2"' }, payload: { title: 'Lần ba' } })
  t.equal(fresh.statusCode, 200)
  t.equal(fresh.headers.etag, '"v3"')
  const any = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': '*' }, payload: { title: 'Lần bốn' } })
  t.equal(any.statusCode, 200)
  const withInclude = (await app.inject({ url: `/v1/articles/${article.id}?include=category`, headers: admin })).headers.etag as string
  t.match(withInclude, /^"v4-/)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': withInclude } })).statusCode, 204)
})

t.test('two editors racing with the same If-Match: exactly one wins, the other gets 412', async (t) => {
  for (let round = 0; round < 5; round++) {
    const article = await make.article({ title: `Vòng ${round}` })
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': '"v1"' }, payload: { title: `Biên tập viên ${i}` } }),
      ),
    )
    const statuses = results.map((r) => r.statusCode).sort()
    t.same(statuses, [200, 412, 412, 412, 412, 412], `round ${round}`)
    const winner = results.find((r) => r.statusCode === 200)!.json().data.title
    const now = (await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).json().data
    t.match(now, { title: winner, version: 2 })
  }
})

t.test('categories and people honour If-Match too, also when racing', async (t) => {
  const category = await make.category()
  const person = await make.person()
  for (const url of [`/v1/categories/${category.id}`, `/v1/people/${person.id}`]) {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"v1"' }, payload: { name: `Tên ${i}` } })),
    )
    t.same(results.map((r) => r.statusCode).sort(), [200, 412, 412, 412], url)
    t.equal((await app.inject(url)).headers.etag, '"v2"')
    t.equal((await app.inject({ method: 'DELETE', url, headers: { ...admin, 'if-match': '"v1"' } })).statusCode, 412)
    t.equal((await app.inject({ method: 'DELETE', url, headers: { ...admin, 'if-match': '"v2"' } })).statusCode, 204)
  }
})
