import { fillPlaceholders } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase, tokenFor } from '../helper.js'
import { menuStatement } from '../../src/resources/menus/menus.queries.js'
import { planCost } from '../plans.js'

let queries = 0
const { app, database } = await buildTestApp(t, { onQuery: () => queries++ })
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const missingId = '01900000-0000-7000-8000-000000000000'
const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/menus', headers: admin, payload: payload as object })
const patch = (idOrSlug: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'PATCH', url: `/v1/menus/${idOrSlug}`, headers: { ...admin, ...headers }, payload: payload as object })
const url = (label: string, address = 'https://hanam.gov.vn') => ({ label, link: { type: 'url', url: address } })

/** A news category, a published page with a published child and a draft one, an article. */
async function site() {
  const news = await make.category({ name: 'Tin tức, sự kiện' })
  const about = await make.page({ title: 'Giới thiệu', status: 'published' })
  const history = await make.page({ title: 'Lịch sử', parentId: about.id, status: 'published' })
  const chart = await make.page({ title: 'Sơ đồ tổ chức', parentId: about.id })
  const article = await make.article({ title: 'Hội nghị dân vận', status: 'published' })
  return { news, about, history, chart, article }
}

t.test('POST /v1/menus keeps the tree; GET resolves every link to its current slug and path', async (t) => {
  const { news, about, history, article } = await site()
  const items = [
    { label: 'Tin tức, sự kiện', link: { type: 'category', id: news.id } },
    { label: 'Giới thiệu', link: { type: 'page', id: about.id }, children: [{ label: 'Lịch sử', link: { type: 'page', id: history.id }, children: [url('Cổng tỉnh')] }] },
    { label: 'Nổi bật', link: { type: 'article', id: article.id } },
    url('Cổng thông tin tỉnh Hà Nam'),
  ]
  const res = await post({ name: 'Menu đầu trang', slug: 'header', items })
  t.equal(res.statusCode, 201)
  const { data } = res.json()
  t.match(data, { slug: 'header', name: 'Menu đầu trang', version: 1 })
  t.same(data.items[1].children[0].children[0], { label: 'Cổng tỉnh', link: { type: 'url', url: 'https://hanam.gov.vn' }, children: [] })
  t.equal(res.headers.location, `/v1/menus/${data.id}`)
  t.equal(res.headers.etag, '"v1"')

  const read = await app.inject('/v1/menus/header')
  t.equal(read.statusCode, 200)
  t.same(read.json().data.items, [
    { label: 'Tin tức, sự kiện', link: { type: 'category', id: news.id, slug: 'tin-tuc-su-kien', path: '/categories/tin-tuc-su-kien' }, children: [] },
    {
      label: 'Giới thiệu',
      link: { type: 'page', id: about.id, slug: 'gioi-thieu', path: '/pages/gioi-thieu' },
      children: [
        {
          label: 'Lịch sử',
          link: { type: 'page', id: history.id, slug: 'lich-su', path: '/pages/gioi-thieu/lich-su' },
          children: [{ label: 'Cổng tỉnh', link: { type: 'url', url: 'https://hanam.gov.vn', path: 'https://hanam.gov.vn' }, children: [] }],
        },
      ],
    },
    { label: 'Nổi bật', link: { type: 'article', id: article.id, slug: 'hoi-nghi-dan-van', path: '/articles/hoi-nghi-dan-van' }, children: [] },
    { label: 'Cổng thông tin tỉnh Hà Nam', link: { type: 'url', url: 'https://hanam.gov.vn', path: 'https://hanam.gov.vn' }, children: [] },
  ])
  t.same((await app.inject(`/v1/menus/${data.id}`)).json(), read.json(), 'by id as by slug')
  t.match(read.headers.etag, /^"v1-[\w-]+"$/)
  t.equal((await app.inject({ url: '/v1/menus/header', headers: { 'if-none-match': read.headers.etag! } })).statusCode, 304)

  // A target's new slug is what the menu answers next, with a new ETag.
  await app.inject({ method: 'PATCH', url: `/v1/pages/${about.id}`, headers: admin, payload: { slug: 'gioi-thieu-chung' } })
  const again = await app.inject({ url: '/v1/menus/header', headers: { 'if-none-match': read.headers.etag! } })
  t.equal(again.statusCode, 200)
  t.equal(again.json().data.items[1].children[0].link.path, '/pages/gioi-thieu-chung/lich-su')
  t.not(again.headers.etag, read.headers.etag)

  const list = await app.inject('/v1/menus')
  t.equal(list.statusCode, 200)
  t.match(list.json(), { data: [{ slug: 'header', items: [{ link: { type: 'category', id: news.id } }] }], meta: { limit: 20, offset: 0, total: 1, nextCursor: null } })
  t.notOk('path' in list.json().data[0].items[0].link, 'lists keep links as stored')
  t.equal((await app.inject('/v1/menus/khong-co')).statusCode, 404)
})

t.test('bad menus are a 400 with the path; links to nothing are a 422 naming the item; nothing is written', async (t) => {
  const deep = [{ label: 'Một', link: url('x').link, children: [{ label: 'Hai', link: url('x').link, children: [{ label: 'Ba', link: url('x').link, children: [url('Bốn')] }] }] }]
  const cases: [unknown, string, RegExp][] = [
    [{ name: 'Menu', items: deep }, 'items.0.children.0.children.0.children', /at most 3 levels/],
    [{ name: 'Menu', items: [url('X', 'javascript:alert(1)')] }, 'items.0.link.url', /http or https/],
    [{ name: 'Menu', items: [url('X', 'ftp://hanam.gov.vn/van-ban')] }, 'items.0.link.url', /http or https/],
    [{ name: 'Menu', items: [url('X', '/trang-chu')] }, 'items.0.link.url', /http or https/],
    [{ name: 'Menu', items: [{ label: 'X', link: { type: 'page' } }] }, 'items.0.link.id', /./],
    [{ name: 'Menu', items: [{ label: 'X', link: { type: 'document', id: missingId } }] }, 'items.0.link.type', /./],
    [{ name: 'Menu', items: [{ label: '', link: url('x').link }] }, 'items.0.label', /./],
    [{ name: 'Menu', items: [{ label: 'X', link: url('x').link, colour: 'red' }] }, 'items.0.colour', /./],
    [{ items: [] }, 'name', /./],
  ]
  for (const [payload, path, message] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', errors: [{ path, message }] }, path)
  }
  const { about } = await site()
  const before = await countRows(database, 'changes')
  for (const type of ['page', 'category', 'article']) {
    const res = await post({ name: 'Menu', items: [{ label: 'Giới thiệu', link: { type: 'page', id: about.id }, children: [{ label: 'X', link: { type, id: missingId } }] }] })
    t.equal(res.statusCode, 422, type)
    t.match(res.json(), { type: 'urn:bantin:problem:unknown-reference', errors: [{ path: 'items.0.children.0.link.id', message: `${type} not found` }] })
  }
  t.equal(await countRows(database, 'menus'), 0)
  t.equal(await countRows(database, 'menu_links'), 0)
  t.equal(await countRows(database, 'changes'), before)
})

t.test('anonymous callers do not get links to drafts, trashed or missing targets; tokens get them flagged', async (t) => {
  const reader = await tokenFor(app, 'reader')
  const { about, history, chart, article } = await site()
  const trashed = await make.article({ title: 'Bài đã xóa', status: 'published' })
  const draftArticle = await make.article({ title: 'Bản nháp' })
  const items = [
    { label: 'Giới thiệu', link: { type: 'page', id: about.id }, children: [{ label: 'Lịch sử', link: { type: 'page', id: history.id } }, { label: 'Sơ đồ', link: { type: 'page', id: chart.id } }] },
    { label: 'Bài', link: { type: 'article', id: article.id } },
    { label: 'Đã xóa', link: { type: 'article', id: trashed.id }, children: [url('Con của mục ẩn')] },
    { label: 'Nháp', link: { type: 'article', id: draftArticle.id } },
  ]
  const menu = await make.menu({ slug: 'header', items })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed.id}`, headers: admin })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/purge`, headers: admin })

  const anonymous = (await app.inject('/v1/menus/header')).json().data
  t.same(anonymous.items.map((i: { label: string }) => i.label), ['Giới thiệu'])
  t.same(anonymous.items[0].children.map((i: { label: string }) => i.label), ['Lịch sử'])
  const withToken = (await app.inject({ url: '/v1/menus/header', headers: reader.headers })).json().data
  t.same(withToken.items.map((i: { label: string }) => i.label), ['Giới thiệu', 'Bài', 'Đã xóa', 'Nháp'])
  t.same(withToken.items[0].children[1].link, { type: 'page', id: chart.id, slug: 'so-do-to-chuc', path: '/pages/gioi-thieu/so-do-to-chuc', broken: true })
  t.same(withToken.items[1].link, { type: 'article', id: article.id, broken: true }, 'purged: nothing left to resolve')
  t.match(withToken.items[2], { link: { slug: 'bai-da-xoa', broken: true }, children: [{ label: 'Con của mục ẩn' }] })
  t.match(withToken.items[3].link, { slug: 'ban-nhap', broken: true })
  t.notOk('broken' in withToken.items[0].link)
  t.equal(menu.version, 1)
})

t.test('a menu is resolved in the same number of queries whatever its size', async (t) => {
  const { news, about, history, article } = await site()
  const small = await make.menu({ slug: 'small', items: [{ label: 'Tin', link: { type: 'category', id: news.id } }, { label: 'Trang', link: { type: 'page', id: about.id } }, { label: 'Bài', link: { type: 'article', id: article.id } }] })
  const pages = await Promise.all(Array.from({ length: 20 }, (_, i) => make.page({ title: `Trang ${i}`, parentId: i % 2 ? history.id : about.id, status: 'published' })))
  const categories = await Promise.all(Array.from({ length: 10 }, (_, i) => make.category({ name: `Chuyên mục ${i}` })))
  const articles = await Promise.all(Array.from({ length: 10 }, (_, i) => make.article({ title: `Bài ${i}`, status: 'published' })))
  const items = pages.map((p, i) => ({
    label: p.title,
    link: { type: 'page', id: p.id },
    children: [
      { label: categories[i % 10]!.name, link: { type: 'category', id: categories[i % 10]!.id }, children: [{ label: 'Bài', link: { type: 'article', id: articles[i % 10]!.id } }, url('Tỉnh')] },
    ],
  }))
  const big = await make.menu({ slug: 'big', items })
  const count = async (slug: string) => {
    queries = 0
    const res = await app.inject(`/v1/menus/${slug}`)
    t.equal(res.statusCode, 200)
    return { n: queries, res }
  }
  const one = await count(small.slug)
  const many = await count(big.slug)
  t.equal(one.n, many.n, `${one.n} queries for 3 items and for ${many.res.json().data.items.length * 4}`)
  t.equal(many.n, 1, 'the menu and its targets in one statement')
  t.equal(many.res.json().data.items[1].link.path, `/pages/gioi-thieu/lich-su/${pages[1]!.slug}`)
  t.equal(many.res.json().data.items.length, 20)

  // The planner takes each level's jsonb_array_elements for 100 items. Costed past
  // jit_above_cost (100,000 by default), the statement would be JIT-compiled on every read:
  // seconds for a menu that is built in a millisecond.
  for (const anonymous of [true, false]) {
    const statement = menuStatement('slug', anonymous)
    const cost = await planCost(database.db, { text: statement.text, params: fillPlaceholders(statement.params, { key: big.slug }) })
    t.ok(cost < 100_000, `the ${anonymous ? 'public' : 'token'} menu statement is costed at ${Math.round(cost)}, under JIT's threshold`)
  }
})

t.test('deleting a page or a category that a menu uses is a 409 that names the menu and the item', async (t) => {
  const { news, about, history } = await site()
  await make.menu({ slug: 'header', items: [{ label: 'Tin', link: { type: 'category', id: news.id } }, url('Tỉnh', 'http://hanam.gov.vn')] })
  await make.menu({ slug: 'footer', items: [url('Tỉnh'), { label: 'Giới thiệu', link: { type: 'page', id: about.id }, children: [{ label: 'Lịch sử', link: { type: 'page', id: history.id } }] }] })
  const before = await countRows(database, 'changes')

  const category = await app.inject({ method: 'DELETE', url: `/v1/categories/${news.id}`, headers: admin })
  t.equal(category.statusCode, 409)
  t.match(category.json(), { type: 'urn:bantin:problem:in-use', detail: 'Category tin-tuc-su-kien is used by menu header (items.0): change those menu items first' })
  const page = await app.inject({ method: 'DELETE', url: `/v1/pages/${history.id}`, headers: admin })
  t.equal(page.statusCode, 409)
  t.match(page.json(), { type: 'urn:bantin:problem:in-use', detail: /Page lich-su is used by menu footer \(items\.1\.children\.0\)/ })
  t.equal(await countRows(database, 'changes'), before, 'nothing written')
  t.equal((await app.inject(`/v1/pages/${history.id}`)).statusCode, 200)

  // Once the menus no longer link to them, they can go.
  t.equal((await patch('header', { items: [url('Tỉnh')] })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/menus/footer`, headers: admin })).statusCode, 204)
  t.equal(await countRows(database, 'menu_links'), 0)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/categories/${news.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/pages/${history.id}`, headers: admin })).statusCode, 204)
})

t.test('PATCH and DELETE honour If-Match: a stale one is a 412 and nothing is written', async (t) => {
  const menu = await make.menu({ slug: 'header', items: [url('Tỉnh')] })
  const read = await app.inject('/v1/menus/header')
  const renamed = await patch('header', { name: 'Menu chính' }, { 'if-match': read.headers.etag! })
  t.equal(renamed.statusCode, 200, 'the ETag of a read is good for If-Match')
  t.match(renamed.json().data, { name: 'Menu chính', version: 2 })
  t.equal(renamed.headers.etag, '"v2"')
  const stale = await patch('header', { name: 'Cũ' }, { 'if-match': read.headers.etag! })
  t.equal(stale.statusCode, 412)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/menus/header', headers: { ...admin, 'if-match': '"v1"' } })).statusCode, 412)
  t.equal((await app.inject('/v1/menus/header')).json().data.name, 'Menu chính')
  const changes = await countRows(database, 'changes')
  t.equal((await patch('header', { name: 'Menu chính', items: [url('Tỉnh')] })).json().data.version, 2, 'a patch that changes nothing')
  t.equal(await countRows(database, 'changes'), changes)
  t.equal((await patch(missingId, { name: 'X' })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/menus/${menu.id}`, headers: { ...admin, 'if-match': '"v2"' } })).statusCode, 204)
  t.equal((await app.inject('/v1/menus/header')).statusCode, 404)
  const types = ((await database.db.execute('select events from changes order by seq' as never)) as unknown as { rows: { events: string[] }[] }).rows
  t.same(types.map((r) => r.events), [['menu.created'], ['menu.updated'], ['menu.deleted']])
})

t.test('a generated slug comes from the name; a taken explicit one is a 409', async (t) => {
  t.equal((await make.menu({ name: 'Menu chân trang' })).slug, 'menu-chan-trang')
  t.equal((await make.menu({ name: 'Menu chân trang' })).slug, 'menu-chan-trang-2')
  const taken = await post({ name: 'Khác', slug: 'menu-chan-trang' })
  t.equal(taken.statusCode, 409)
  t.match(taken.json(), { type: 'urn:bantin:problem:slug-taken' })
})

t.test('a menu linking a category and a delete of that category, racing: never a menu that links to nothing', async (t) => {
  for (let round = 0; round < 5; round++) {
    const category = await make.category({ name: `Chuyên mục ${round}` })
    const [menu, deleted] = await Promise.all([
      post({ name: `Menu ${round}`, items: [{ label: 'Tin', link: { type: 'category', id: category.id } }] }),
      app.inject({ method: 'DELETE', url: `/v1/categories/${category.id}`, headers: admin }),
    ])
    const outcome = `${menu.statusCode} ${deleted.statusCode}`
    t.ok(outcome === '201 409' || outcome === '422 204', `round ${round}: ${outcome}`)
  }
  const dangling = await database.db.execute(
    'select count(*)::int as n from menu_links l where not exists (select 1 from categories c where c.id = l.target_id)' as never,
  )
  t.equal((dangling as unknown as { rows: { n: number }[] }).rows[0]!.n, 0)
})
