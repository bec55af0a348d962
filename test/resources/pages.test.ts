import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase, tokenFor, withoutShare } from '../helper.js'
import { flush, startReceiver, testWorker, webhookEnv } from '../receiver.js'

const { app, database } = await buildTestApp(t, { env: webhookEnv })
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const missingId = '01900000-0000-7000-8000-000000000000'
const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/pages', headers: admin, payload: payload as object })
const patch = (idOrSlug: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'PATCH', url: `/v1/pages/${idOrSlug}`, headers: { ...admin, ...headers }, payload: payload as object })
const del = (idOrSlug: string, headers: Record<string, string> = {}) => app.inject({ method: 'DELETE', url: `/v1/pages/${idOrSlug}`, headers: { ...admin, ...headers } })
const slugs = (res: { json(): { data: { slug: string }[] } }) => res.json().data.map((p) => p.slug)
const events = async () =>
  ((await database.db.execute('select type, events from changes order by seq' as never)) as unknown as { rows: { type: string; events: string[] }[] }).rows

t.test('POST /v1/pages makes a page with a Vietnamese slug, its path, excerpt, Location and ETag', async (t) => {
  const res = await post({
    title: 'Giới thiệu',
    status: 'published',
    body: [
      { type: 'heading', level: 2, text: 'Vị trí địa lý' },
      { type: 'paragraph', text: 'Huyện Lý Nhân nằm ở phía đông tỉnh Hà Nam.' },
    ],
  })
  t.equal(res.statusCode, 201)
  const { data } = res.json()
  t.match(data, { slug: 'gioi-thieu', title: 'Giới thiệu', parentId: null, position: 0, status: 'published', version: 1, path: '/pages/gioi-thieu', excerpt: 'Huyện Lý Nhân nằm ở phía đông tỉnh Hà Nam.' })
  t.equal(res.headers.location, `/v1/pages/${data.id}`)
  t.equal(res.headers.etag, '"v1"')

  const child = await post({ title: 'Lịch sử', parentId: data.id, position: 1 })
  t.equal(child.statusCode, 201)
  t.match(child.json().data, { slug: 'lich-su', parentId: data.id, path: '/pages/gioi-thieu/lich-su', status: 'draft' })
  const grandchild = await make.page({ title: 'Thời kỳ phong kiến', parentId: child.json().data.id })
  t.equal(grandchild.path, '/pages/gioi-thieu/lich-su/thoi-ky-phong-kien')
  t.same(await events(), [
    { type: 'page', events: ['page.created', 'page.published'] },
    { type: 'page', events: ['page.created'] },
    { type: 'page', events: ['page.created'] },
  ])
})

t.test('bad input is a 400 naming the field, and nothing is written', async (t) => {
  const cases: [unknown, string][] = [
    [{}, 'title'],
    [{ title: 'Giới thiệu', colour: 'red' }, 'colour'],
    [{ title: 'Giới thiệu', body: [{ type: 'video' }] }, 'body.0.type'],
    [{ title: 'Giới thiệu', status: 'archived' }, 'status'],
    [{ title: 'Giới thiệu', slug: 'none' }, 'slug'],
    [{ title: 'Giới thiệu', slug: 'Gioi Thieu' }, 'slug'],
    [{ title: 'Giới thiệu', parentId: 'gioi-thieu' }, 'parentId'],
    [{ title: 'Giới thiệu', position: 1.5 }, 'position'],
  ]
  for (const [payload, path] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', errors: [{ path }] })
  }
  t.equal(await countRows(database, 'pages'), 0)
  t.equal(await countRows(database, 'changes'), 0)
})

t.test('a parent or an image that does not exist is a 422; a cycle is a 422; nothing is written', async (t) => {
  const missingParent = await post({ title: 'Lịch sử', parentId: missingId })
  t.equal(missingParent.statusCode, 422)
  t.match(missingParent.json(), { type: 'urn:bantin:problem:unknown-reference', errors: [{ path: 'parentId' }] })
  const missingImage = await post({ title: 'Lịch sử', body: [{ type: 'image', mediaId: missingId }] })
  t.equal(missingImage.statusCode, 422)
  t.match(missingImage.json(), { errors: [{ path: 'body.0.mediaId' }] })
  t.equal(await countRows(database, 'pages'), 0)

  const a = await make.page({ title: 'A' })
  const b = await make.page({ title: 'B', parentId: a.id })
  const c = await make.page({ title: 'C', parentId: b.id })
  const before = await countRows(database, 'changes')
  for (const [id, parentId] of [[a.id, c.id], [a.id, a.id]]) {
    const res = await patch(id!, { parentId })
    t.equal(res.statusCode, 422)
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-reference', detail: /under itself/ })
  }
  t.equal(await countRows(database, 'changes'), before)
  t.equal((await app.inject({ url: `/v1/pages/${a.id}`, headers: admin })).json().data.version, 1, 'nothing written')
  const moved = await patch(c.id, { parentId: a.id })
  t.match(moved.json().data, { parentId: a.id, path: '/pages/a/c', version: 2 })
  const top = await patch('c', { parentId: null })
  t.match(top.json().data, { parentId: null, path: '/pages/c' })
  const trashedParent = await make.page({ title: 'D' })
  await del(trashedParent.id)
  t.equal((await patch(c.id, { parentId: trashedParent.id })).statusCode, 422, 'a parent in the trash is no parent')
})

t.test('GET by id or slug; drafts are a 404 anonymously and visible with a reader token; render=html', async (t) => {
  const reader = await tokenFor(app, 'reader')
  const published = await make.page({ title: 'Giới thiệu', status: 'published', body: [{ type: 'paragraph', text: 'Lý Nhân <bên> sông Hồng' }] })
  const draft = await make.page({ title: 'Sơ đồ tổ chức' })
  const byId = await app.inject(`/v1/pages/${published.id}`)
  t.equal(byId.statusCode, 200)
  t.same(byId.json(), (await app.inject('/v1/pages/gioi-thieu')).json())
  t.equal(byId.headers.etag, '"v1"')
  t.equal(byId.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
  t.equal((await app.inject({ url: `/v1/pages/${published.id}`, headers: { 'if-none-match': '"v1"' } })).statusCode, 304)
  const html = await app.inject('/v1/pages/gioi-thieu?render=html')
  t.equal(html.json().data.html, '<p>Lý Nhân &lt;bên&gt; sông Hồng</p>')
  t.equal(html.headers.etag, '"v1-html"')
  for (const url of [`/v1/pages/${draft.id}`, '/v1/pages/so-do-to-chuc', `/v1/pages/${missingId}`, '/v1/pages/khong-co']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 404, url)
    t.match(res.json(), { type: 'urn:bantin:problem:not-found' })
  }
  const asReader = await app.inject({ url: '/v1/pages/so-do-to-chuc', headers: reader.headers })
  t.equal(asReader.statusCode, 200)
  t.equal(asReader.headers['cache-control'], 'private, no-store')
  t.equal((await app.inject({ url: '/v1/pages/so-do-to-chuc?render=pdf', headers: reader.headers })).statusCode, 400)
})

t.test('GET /v1/pages sorts by position, filters by parent and status, pages by cursor or offset', async (t) => {
  const reader = await tokenFor(app, 'reader')
  const about = await make.page({ title: 'Giới thiệu', status: 'published', position: 1 })
  await make.page({ title: 'Liên hệ', status: 'published', position: 2 })
  await make.page({ title: 'Lịch sử', parentId: about.id, status: 'published', position: 2 })
  await make.page({ title: 'Vị trí địa lý', parentId: about.id, status: 'published', position: 1 })
  await make.page({ title: 'Sơ đồ tổ chức', parentId: about.id, position: 3 })

  t.same(slugs(await app.inject('/v1/pages')), ['gioi-thieu', 'vi-tri-dia-ly', 'lien-he', 'lich-su'], 'anonymous: published only')
  t.same(slugs(await app.inject({ url: '/v1/pages', headers: reader.headers })), ['gioi-thieu', 'vi-tri-dia-ly', 'lien-he', 'lich-su', 'so-do-to-chuc'])
  t.same(slugs(await app.inject('/v1/pages?parent=gioi-thieu')), ['vi-tri-dia-ly', 'lich-su'])
  t.same(slugs(await app.inject(`/v1/pages?parent=${about.id}&sort=title`)), ['lich-su', 'vi-tri-dia-ly'])
  t.same(slugs(await app.inject('/v1/pages?parent=none')), ['gioi-thieu', 'lien-he'])
  t.same(slugs(await app.inject({ url: '/v1/pages?status=draft', headers: reader.headers })), ['so-do-to-chuc'])
  const byTitle = slugs(await app.inject('/v1/pages?status=published&sort=title'))
  t.same([byTitle[0], byTitle[3]], ['gioi-thieu', 'vi-tri-dia-ly'], 'by title (the order of the two L… is the collation\'s)')
  t.equal(slugs(await app.inject({ url: '/v1/pages?sort=-updatedAt', headers: reader.headers }))[0], 'so-do-to-chuc')
  t.equal((await app.inject('/v1/pages?parent=khong-co')).statusCode, 404)
  t.equal((await app.inject('/v1/pages?sort=-title')).statusCode, 400)

  for (const [url, path] of [['/v1/pages?status=draft', 'status'], ['/v1/pages?trashed=true', 'trashed']]) {
    const res = await app.inject(url!)
    t.equal(res.statusCode, 400, `${url}: refused, not an empty list`)
    t.match(res.json(), { errors: [{ path, message: /token/ }] })
  }

  for (const sort of ['position', 'title', '-updatedAt']) {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: Awaited<ReturnType<typeof app.inject>> = await app.inject({ url: `/v1/pages?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: reader.headers })
      t.equal(res.statusCode, 200)
      seen.push(...slugs(res))
      cursor = res.json().meta.nextCursor
    } while (cursor)
    const all = slugs(await app.inject({ url: `/v1/pages?sort=${sort}&limit=100`, headers: reader.headers }))
    t.same(seen, all, `sort=${sort}: the cursor walks the whole list in order`)
  }
  const offset = await app.inject('/v1/pages?limit=1&offset=1')
  t.same(offset.json().meta, { limit: 1, offset: 1, total: 4, nextCursor: offset.json().meta.nextCursor })
  t.same(slugs(offset), ['vi-tri-dia-ly'])
  const cursor = (await app.inject('/v1/pages?limit=1')).json().meta.nextCursor
  t.equal((await app.inject(`/v1/pages?limit=1&sort=title&cursor=${cursor}`)).statusCode, 400, 'a cursor of another sort')
  t.equal((await app.inject(`/v1/pages?limit=1&offset=1&cursor=${cursor}`)).statusCode, 400, 'cursor and offset')
  const list = await app.inject('/v1/pages')
  t.ok(list.headers.etag)
  t.equal((await app.inject({ url: '/v1/pages', headers: { 'if-none-match': list.headers.etag! } })).statusCode, 304)
})

t.test('PATCH with a stale If-Match is a 412 and writes nothing; a patch that changes nothing writes nothing', async (t) => {
  const page = await make.page({ title: 'Giới thiệu' })
  const stale = await patch(page.id, { title: 'Giới thiệu chung' }, { 'if-match': '"v7"' })
  t.equal(stale.statusCode, 412)
  t.match(stale.json(), { type: 'urn:bantin:problem:precondition-failed' })
  t.equal((await app.inject({ url: `/v1/pages/${page.id}`, headers: admin })).json().data.title, 'Giới thiệu')
  const changes = await countRows(database, 'changes')
  const same = await patch(page.id, { title: 'Giới thiệu' }, { 'if-match': '"v1"' })
  t.equal(same.statusCode, 200)
  t.equal(same.headers.etag, '"v1"')
  t.equal(await countRows(database, 'changes'), changes, 'no change recorded')

  const published = await patch(page.id, { status: 'published', body: [{ type: 'paragraph', text: 'Lý Nhân hôm nay.' }] }, { 'if-match': '"v1"' })
  t.equal(published.statusCode, 200)
  t.match(published.json().data, { version: 2, status: 'published', excerpt: 'Lý Nhân hôm nay.' })
  t.equal(published.headers.etag, '"v2"')
  const unpublished = await patch(page.id, { status: 'draft' }, { 'if-match': '*' })
  t.equal(unpublished.json().data.version, 3)
  t.match((await events()).slice(-2), [{ events: ['page.updated', 'page.published'] }, { events: ['page.updated', 'page.unpublished'] }])
  const taken = await make.page({ title: 'Liên hệ' })
  const conflict = await patch(page.id, { slug: taken.slug })
  t.equal(conflict.statusCode, 409)
  t.match(conflict.json(), { type: 'urn:bantin:problem:slug-taken' })
  t.equal((await patch(missingId, { title: 'X' })).statusCode, 404)
})

t.test('DELETE moves a page to the trash: gone from reads, slug reserved; restore brings it back; purge deletes it', async (t) => {
  const reader = await tokenFor(app, 'reader')
  const page = await make.page({ title: 'Giới thiệu', status: 'published' })
  t.equal((await del(page.id, { 'if-match': '"v9"' })).statusCode, 412)
  t.equal((await del(page.id)).statusCode, 204)
  t.equal((await app.inject(`/v1/pages/${page.id}`)).statusCode, 404)
  t.equal((await app.inject({ url: `/v1/pages/${page.id}`, headers: reader.headers })).statusCode, 404)
  t.same(slugs(await app.inject({ url: '/v1/pages', headers: reader.headers })), [])
  t.same(slugs(await app.inject({ url: '/v1/pages?trashed=true', headers: reader.headers })), ['gioi-thieu'])
  t.equal((await post({ title: 'Giới thiệu', slug: 'gioi-thieu' })).statusCode, 409, 'the slug stays reserved')
  t.equal((await del(page.id)).statusCode, 404, 'already in the trash')

  const restored = await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/restore`, headers: admin })
  t.equal(restored.statusCode, 200)
  t.match(restored.json().data, { slug: 'gioi-thieu', version: 3 })
  t.equal(restored.headers.etag, '"v3"')
  t.equal((await app.inject(`/v1/pages/${page.id}`)).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/restore`, headers: admin })).statusCode, 404, 'not in the trash')
  const notTrashed = await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/purge`, headers: admin })
  t.equal(notTrashed.statusCode, 409)
  t.match(notTrashed.json(), { detail: /trash/ })

  await del(page.id)
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/purge`, headers: admin })).statusCode, 204)
  t.equal(await countRows(database, 'pages'), 0)
  t.match((await events()).map((e) => e.events), [
    ['page.created', 'page.published'],
    ['page.deleted'],
    ['page.restored', 'page.published'],
    ['page.deleted'],
    ['page.purged'],
  ])
})

t.test('a page with sub-pages cannot go to the trash; a sub-page cannot come back under a trashed page', async (t) => {
  const about = await make.page({ title: 'Giới thiệu' })
  const history = await make.page({ title: 'Lịch sử', parentId: about.id })
  const refused = await del(about.id)
  t.equal(refused.statusCode, 409)
  t.match(refused.json(), { type: 'urn:bantin:problem:in-use', detail: /1 sub-pages/ })
  t.equal((await del(history.id)).statusCode, 204)
  t.equal((await del(about.id)).statusCode, 204)
  const back = await app.inject({ method: 'POST', url: `/v1/pages/${history.id}/restore`, headers: admin })
  t.equal(back.statusCode, 409)
  t.match(back.json(), { detail: /gioi-thieu.*trash/ })
  const purge = await app.inject({ method: 'POST', url: `/v1/pages/${about.id}/purge`, headers: admin })
  t.equal(purge.statusCode, 409, 'a page with sub-pages in the trash')
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${about.id}/restore`, headers: admin })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${history.id}/restore`, headers: admin })).statusCode, 200)
})

t.test('the sync feed serves a page as its GET does, and a tombstone once it is in the trash', async (t) => {
  const page = await make.page({ title: 'Giới thiệu', status: 'published' })
  const read = async () => {
    for (let i = 0; i < 100; i++) {
      const res = await app.inject({ url: '/v1/sync?types=page', headers: admin })
      if (res.json().data.length) return res.json().data
      await new Promise((r) => setTimeout(r, 50))
    }
    return []
  }
  const [entry] = await read()
  // Reads add share, which the feed leaves out; the rest is the same.
  const stored = (await app.inject(`/v1/pages/${page.id}`)).json().data
  t.ok(stored.share, 'reads add share')
  t.strictSame(entry, { type: 'page', id: page.id, op: 'upsert', at: entry.at, data: withoutShare(stored) })
  await del(page.id)
  t.match((await read())[0], { type: 'page', id: page.id, op: 'delete', data: null })
})

t.test('media in a page body cannot be deleted while the page uses it (409 that says where)', async (t) => {
  const photo = await make.image()
  const page = await make.page({ title: 'Giới thiệu', body: [{ type: 'image', mediaId: photo.id, caption: 'Toàn cảnh huyện Lý Nhân' }] })
  t.equal(page.excerpt, '', 'an image alone makes no excerpt')
  const refused = await app.inject({ method: 'DELETE', url: `/v1/media/${photo.id}`, headers: admin })
  t.equal(refused.statusCode, 409)
  t.match(refused.json(), { type: 'urn:bantin:problem:in-use', detail: /the body of page gioi-thieu/ })
  await patch(page.id, { body: [] })
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/media/${photo.id}`, headers: admin })).statusCode, 204)
})

t.test('webhooks subscribed to page.* and menu.* get the events of pages and menus, with the object', async (t) => {
  const receiver = await startReceiver(t)
  const hook = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url, events: ['page.*', 'menu.created'] } })
  t.equal(hook.statusCode, 201)
  const worker = testWorker(database.db)
  const page = await make.page({ title: 'Giới thiệu', status: 'published' })
  await make.menu({ slug: 'header', items: [{ label: 'Giới thiệu', link: { type: 'page', id: page.id } }] })
  await make.article({ title: 'Không gửi' })
  await flush(worker, database.db)
  t.same(receiver.types().sort(), ['menu.created', 'page.created', 'page.published'])
  const of = (type: string) => receiver.received.find((r) => r.json.type === type)!.json.data
  t.match(of('page.created'), { type: 'page', id: page.id, op: 'upsert', slug: 'gioi-thieu', version: 1, object: { path: '/pages/gioi-thieu' } })
  t.match(of('menu.created'), { type: 'menu', slug: 'header', object: { items: [{ link: { type: 'page', id: page.id } }] } })
})
