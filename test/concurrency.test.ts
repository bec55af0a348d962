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

t.test('20 parallel creates with the same title all succeed, each with its own generated slug', async (t) => {
  const collections: [string, string, Record<string, unknown>][] = [
    ['/v1/articles', 'ban-dan-van-huyen-uy', { title: 'Ban Dân vận Huyện ủy' }],
    ['/v1/categories', 'tin-tuc-su-kien', { name: 'Tin tức, sự kiện' }],
    ['/v1/people', 'pham-thi-thuy', { name: 'Phạm Thị Thủy' }],
  ]
  for (const [url, base, payload] of collections) {
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url, headers: admin, payload })))
    t.same(answers.map((r) => r.statusCode), Array(20).fill(201), `${url}: no 409 for a generated slug`)
    const slugs = answers.map((r) => r.json().data.slug as string)
    t.equal(new Set(slugs).size, 20, `${url}: 20 different slugs`)
    t.same([...slugs].sort(), [base, ...Array.from({ length: 19 }, (_, i) => `${base}-${i + 2}`)].sort(), `${url}: ${base}, ${base}-2 … ${base}-20`)
  }
  // An explicit slug is still a 409 when it is taken, even in a race.
  const explicit = await Promise.all(
    Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'Một', slug: 'mot' } })),
  )
  t.same(explicit.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409])
})

t.test('a PATCH that changes nothing writes nothing: same version, same ETag, no revision, no change', async (t) => {
  const person = await make.person({ name: 'Trần Minh Ngọc' })
  const category = await make.category({ name: 'Thời sự', description: 'Tin trong ngày' })
  const image = await make.image({ caption: 'Hội nghị' })
  const article = await make.article({
    title: 'Hội nghị',
    tags: ['dân vận'],
    status: 'published',
    categoryId: category.id,
    people: [{ personId: person.id, role: 'author' }],
    body: [{ type: 'paragraph', spans: [{ text: 'Đậm', bold: true }] }, { type: 'image', mediaId: image.id, caption: 'Ảnh' }],
  })
  const cases: [string, unknown[]][] = [
    [`/v1/articles/${article.id}`, [{}, { title: 'Hội nghị' }, { tags: ['Dân vận'], status: 'published', people: [{ role: 'author', personId: person.id }] }, { body: [{ spans: [{ bold: true, text: 'Đậm' }], type: 'paragraph' }, { caption: 'Ảnh', mediaId: image.id, type: 'image' }] }]],
    [`/v1/categories/${category.id}`, [{}, { name: 'Thời sự', description: 'Tin trong ngày' }]],
    [`/v1/people/${person.id}`, [{}, { name: 'Trần Minh Ngọc', title: null }]],
    [`/v1/media/${image.id}`, [{}, { caption: 'Hội nghị', alt: null }]],
  ]
  for (const [url, patches] of cases) {
    const before = await app.inject({ url, headers: admin })
    const changes = await countRows(database, 'changes')
    const revisions = await countRows(database, 'article_revisions')
    for (const payload of patches) {
      const res = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': before.headers.etag as string }, payload: payload as object })
      t.equal(res.statusCode, 200, `${url} ${JSON.stringify(payload)}`)
      t.equal(res.json().data.updatedAt, before.json().data.updatedAt, `${url} ${JSON.stringify(payload)}: not touched`)
    }
    const after = await app.inject({ url, headers: admin })
    t.equal(after.headers.etag, before.headers.etag, `${url}: the same ETag`)
    t.equal(await countRows(database, 'changes'), changes, `${url}: no change recorded`)
    t.equal(await countRows(database, 'article_revisions'), revisions, `${url}: no revision`)
  }
  const changed = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { tags: ['dân vận', 'hội nghị'] } })
  t.equal(changed.json().data.version, 2, 'a real change still raises the version')
})
