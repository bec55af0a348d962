import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase } from '../helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

t.test('POST /v1/people keeps the honorific, title and organization; the slug drops diacritics', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/people',
    headers: admin,
    payload: { name: 'Phạm Thị Thủy', honorific: 'đồng chí', title: 'Phó Trưởng Ban Dân vận Tỉnh ủy', organization: 'Tỉnh ủy Hà Nam', bio: '' },
  })
  t.equal(res.statusCode, 201)
  t.match(res.json().data, {
    slug: 'pham-thi-thuy',
    name: 'Phạm Thị Thủy',
    honorific: 'đồng chí',
    title: 'Phó Trưởng Ban Dân vận Tỉnh ủy',
    organization: 'Tỉnh ủy Hà Nam',
    bio: null,
  })
  t.equal(res.headers.location, `/v1/people/${res.json().data.id}`)
  t.equal((await make.person({ name: 'Phạm Thị Thủy' })).slug, 'pham-thi-thuy-2')
})

t.test('GET /v1/people?q= finds names without diacritics or case', async (t) => {
  await make.person({ name: 'Phạm Thị Thủy' })
  await make.person({ name: 'Lê Thị Hồng Hà' })
  await make.person({ name: 'Đặng Văn Đức' })
  const names = async (q: string) =>
    (await app.inject(`/v1/people?q=${encodeURIComponent(q)}`)).json().data.map((p: { name: string }) => p.name)
  t.same(await names('thuy'), ['Phạm Thị Thủy'])
  t.same(await names('THI'), ['Lê Thị Hồng Hà', 'Phạm Thị Thủy'])
  t.same(await names('dang van duc'), ['Đặng Văn Đức'])
  t.same(await names('Hồng Hà'), ['Lê Thị Hồng Hà'])
  t.same(await names('%'), [], 'LIKE wildcards match themselves')
  t.same(await names('_'), [])
})

t.test('lists page by name with a cursor, or by offset with a total', async (t) => {
  for (const name of ['E', 'B', 'D', 'A', 'C']) await make.person({ name })
  const first = await app.inject('/v1/people?limit=2')
  t.same(first.json().data.map((p: { name: string }) => p.name), ['A', 'B'])
  const second = await app.inject(`/v1/people?limit=2&cursor=${first.json().meta.nextCursor}`)
  t.same(second.json().data.map((p: { name: string }) => p.name), ['C', 'D'])
  const byOffset = await app.inject('/v1/people?limit=2&offset=4')
  t.match(byOffset.json(), { data: [{ name: 'E' }], meta: { total: 5, offset: 4, nextCursor: null } })
  const recent = await app.inject('/v1/people?sort=-updatedAt&limit=1')
  t.equal(recent.json().data[0].name, 'C')
  t.equal((await app.inject('/v1/people?sort=age')).statusCode, 400)
})

t.test('PATCH changes the fields given and keeps search in step with the name', async (t) => {
  const person = await make.person({ name: 'Trần Minh Ngọc', title: 'Trưởng Ban Dân vận Huyện ủy' })
  const res = await app.inject({ method: 'PATCH', url: '/v1/people/tran-minh-ngoc', headers: admin, payload: { name: 'Trần Minh Ngọc Anh', organization: 'Huyện ủy Lý Nhân' } })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { id: person.id, slug: 'tran-minh-ngoc', title: 'Trưởng Ban Dân vận Huyện ủy', organization: 'Huyện ủy Lý Nhân' })
  t.equal((await app.inject('/v1/people?q=ngoc anh')).json().data.length, 1)
  const cleared = await app.inject({ method: 'PATCH', url: `/v1/people/${person.id}`, headers: admin, payload: { title: null } })
  t.equal(cleared.json().data.title, null)
  const bad = await app.inject({ method: 'PATCH', url: `/v1/people/${person.id}`, headers: admin, payload: { age: 50 } })
  t.equal(bad.statusCode, 400)
  t.equal((await app.inject({ method: 'PATCH', url: '/v1/people/khong-co', headers: admin, payload: { name: 'x' } })).statusCode, 404)
})

t.test('DELETE is a 409 while articles name the person, 204 after', async (t) => {
  const person = await make.person()
  const article = await make.article({ people: [{ personId: person.id, role: 'author' }] })
  const used = await app.inject({ method: 'DELETE', url: `/v1/people/${person.id}`, headers: admin })
  t.equal(used.statusCode, 409)
  t.match(used.json(), { type: 'urn:bantin:problem:in-use', detail: /1 articles/ })
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { people: [] } })
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/people/${person.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject(`/v1/people/${person.id}`)).statusCode, 404)
  t.equal(await countRows(database, 'people'), 0)
})

t.test('bad input is a 400 and writes nothing; writes need a token', async (t) => {
  for (const payload of [{}, { name: '   ' }, { name: 'A', honorific: 'x'.repeat(101) }, { name: ['A'] }]) {
    const res = await app.inject({ method: 'POST', url: '/v1/people', headers: admin, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 50))
  }
  t.equal((await app.inject({ method: 'POST', url: '/v1/people', payload: { name: 'A' } })).statusCode, 401)
  t.equal(await countRows(database, 'people'), 0)
})
