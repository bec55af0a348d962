import { sql } from 'drizzle-orm'
import t from 'tap'
import { announceDuePublications } from '../../src/resources/articles/publications.js'
import { rebaseChangeLogIfRestored } from '../../src/resources/sync/sync.service.js'
import { admin, buildTestApp, countRows, factories, resetDatabase, tokenFor, withoutShare } from '../helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
const reader = (await tokenFor(app, 'reader')).headers

type Entry = { type: string; id: string; op: 'upsert' | 'delete'; at: string; data: Record<string, unknown> | null }
type Page = { data: Entry[]; meta: { limit: number; nextCursor: string; hasMore: boolean } }

const sync = async (query = '', headers: Record<string, string> = reader) => {
  const res = await app.inject({ url: `/v1/sync${query}`, headers })
  if (res.statusCode !== 200) throw new Error(`GET /v1/sync${query} answered ${res.statusCode}: ${res.body}`)
  return res.json() as Page
}

/** Follows the feed from `cursor` to its end; returns every entry and where to poll from next. */
async function follow(cursor?: string, limit = 100) {
  const entries: Entry[] = []
  for (;;) {
    const page = await sync(`?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    entries.push(...page.data)
    cursor = page.meta.nextCursor
    if (!page.meta.hasMore) return { entries, cursor }
  }
}

t.beforeEach(() => resetDatabase(database))

t.test('GET /v1/sync answers every kind of resource, oldest first, each as its own GET answers it', async (t) => {
  const category = await make.category()
  const person = await make.person()
  const image = await make.image({ caption: 'Hội nghị' })
  const article = await make.article({ status: 'published', categoryId: category.id, people: [{ personId: person.id, role: 'mentioned' }], coverId: image.id })

  const page = await sync()
  t.same(page.data.map((e) => [e.type, e.id, e.op]), [
    ['category', category.id, 'upsert'],
    ['person', person.id, 'upsert'],
    ['media', image.id, 'upsert'],
    ['article', article.id, 'upsert'],
  ])
  // The feed serves what a GET answers, without the share block reads add.
  const get = async (url: string) => withoutShare((await app.inject({ url, headers: reader })).json().data)
  t.same(page.data[0]!.data, await get(`/v1/categories/${category.id}`))
  t.same(page.data[1]!.data, await get(`/v1/people/${person.id}`))
  t.same(page.data[2]!.data, await get(`/v1/media/${image.id}`))
  t.same(page.data[3]!.data, await get(`/v1/articles/${article.id}`))
  t.match(page.data[3]!.data, { body: Array, people: [{ personId: person.id, role: 'mentioned' }] })
  t.match(page.data[2]!.data, { url: String, variants: Array, placeholder: String })
  t.ok(page.data.every((e) => !Number.isNaN(Date.parse(e.at))))
  t.equal(page.meta.hasMore, false)
  t.type(page.meta.nextCursor, 'string')
})

t.test('a page larger than the chunks it is written in is one whole answer, in order, each entry as its own GET', async (t) => {
  // 450 entries, more than four of readSync's chunks of 100, the kinds interleaved.
  const made: [string, string][] = []
  for (let i = 0; i < 150; i++) {
    made.push(['person', (await make.person({ name: `Người ${i}` })).id])
    made.push(['article', (await make.article({ title: `Tin ${i}`, people: [{ personId: made.at(-1)![1], role: 'author' }] })).id])
    made.push(['category', (await make.category({ name: `Mục ${i}` })).id])
  }
  const res = await app.inject({ url: '/v1/sync?limit=1000', headers: reader })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json; charset=utf-8/)
  t.equal(Number(res.headers['content-length']), Buffer.byteLength(res.body))
  t.match(res.headers.etag, /^W\/"/)
  const page = res.json() as Page
  t.same(page.data.map((e) => [e.type, e.id]), made)
  t.same(page.meta, { limit: 1000, nextCursor: page.meta.nextCursor, hasMore: false })
  // The feed serves what a GET answers, without the share block reads add.
  const get = async (url: string) => withoutShare((await app.inject({ url, headers: reader })).json().data)
  for (const i of [0, 99, 100, 101, 399, 400, 449]) {
    const [type, id] = made[i]!
    const collection = { person: 'people', article: 'articles', category: 'categories' }[type]
    t.same(page.data[i]!.data, await get(`/v1/${collection}/${id}`), `entry ${i}`)
  }
  const again = await app.inject({ url: '/v1/sync?limit=1000', headers: { ...reader, 'if-none-match': res.headers.etag as string } })
  t.equal(again.statusCode, 304)
})

t.test('a resource appears once per page with its latest state; deletes and the trash are tombstones', async (t) => {
  const draft = await make.article({ title: 'Bản nháp' })
  for (const title of ['Một', 'Hai', 'Ba']) {
    await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: admin, payload: { title } })
  }
  let page = await sync()
  t.equal(page.data.length, 1, 'four writes, one entry')
  t.match(page.data[0], { id: draft.id, op: 'upsert', data: { title: 'Ba', status: 'draft', version: 4 } }, 'drafts are in the feed')

  const { cursor } = await follow()
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${draft.id}`, headers: admin })).statusCode, 204)
  page = await sync(`?cursor=${cursor}`)
  t.same(page.data.map((e) => [e.id, e.op, e.data]), [[draft.id, 'delete', null]], 'the trash is a delete')

  await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/restore`, headers: admin })
  page = await sync(`?cursor=${page.meta.nextCursor}`)
  t.match(page.data, [{ id: draft.id, op: 'upsert', data: { title: 'Ba' } }], 'a restore is an upsert again')

  await app.inject({ method: 'DELETE', url: `/v1/articles/${draft.id}`, headers: admin })
  await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/purge`, headers: admin })
  const category = await make.category({ name: 'Tạm' })
  await app.inject({ method: 'DELETE', url: `/v1/categories/${category.id}`, headers: admin })
  page = await sync(`?cursor=${page.meta.nextCursor}`)
  t.same(page.data.map((e) => [e.type, e.id, e.op, e.data]), [
    ['article', draft.id, 'delete', null],
    ['category', category.id, 'delete', null],
  ])
})

t.test('pages follow nextCursor to the end; the last page still has a cursor to poll from', async (t) => {
  const ids = []
  for (let i = 0; i < 7; i++) ids.push((await make.person({ name: `Người ${i}` })).id)
  const first = await sync('?limit=3')
  t.equal(first.data.length, 3)
  t.equal(first.meta.hasMore, true)
  t.equal(first.meta.limit, 3)
  const { entries, cursor } = await follow(first.meta.nextCursor, 3)
  t.same([...first.data, ...entries].map((e) => e.id), ids)

  const empty = await sync(`?cursor=${cursor}`)
  t.same(empty.data, [])
  t.equal(empty.meta.hasMore, false)
  t.equal(empty.meta.nextCursor, cursor, 'an empty page keeps the cursor')

  const later = await make.person({ name: 'Người mới' })
  t.same((await sync(`?cursor=${cursor}`)).data.map((e) => e.id), [later.id], 'polling from it finds what came next')
})

t.test('types narrows the feed to some kinds of resource', async (t) => {
  const category = await make.category()
  const image = await make.image()
  await make.person()
  const page = await sync('?types=category,media')
  t.same(page.data.map((e) => e.id), [category.id, image.id])
  const about = await make.page({ status: 'published' })
  const menu = await make.menu({ items: [{ label: 'Giới thiệu', link: { type: 'page', id: about.id } }] })
  const content = await sync('?types=page,menu')
  t.match(content.data, [
    { type: 'page', id: about.id, op: 'upsert', data: { slug: about.slug, path: `/pages/${about.slug}` } },
    { type: 'menu', id: menu.id, op: 'upsert', data: { slug: menu.slug, items: [{ link: { type: 'page', id: about.id } }] } },
  ])
  const res = await app.inject({ url: '/v1/sync?types=article,widget', headers: reader })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { errors: [{ path: 'types' }] })
})

t.test('a garbled or forged cursor is a 400; one from before the log was rebuilt is a 410', async (t) => {
  await make.category()
  const { cursor } = await follow()
  const [payload, signature] = cursor.split('.') as [string, string]
  const decoded = Buffer.from(payload, 'base64url').toString()
  const forged = `${Buffer.from(decoded.replace(/\.\d+$/, '.0')).toString('base64url')}.${signature}`
  for (const bad of ['abc', `${payload}.AAAA`, forged, `${cursor}.x`, '%%%']) {
    const res = await app.inject({ url: `/v1/sync?cursor=${encodeURIComponent(bad)}`, headers: reader })
    t.equal(res.statusCode, 400, bad)
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', errors: [{ path: 'cursor' }] })
  }
  for (const limit of ['0', '1001', 'x', '1.5']) {
    t.equal((await app.inject({ url: `/v1/sync?limit=${limit}`, headers: reader })).statusCode, 400, `limit=${limit}`)
  }

})

t.test('after a restore into another server, old changes keep their order and earlier cursors are a 410', async (t) => {
  const first = await make.category({ name: 'Một' })
  const second = await make.category({ name: 'Hai' })
  const { cursor } = await follow()
  t.equal(await rebaseChangeLogIfRestored(database.db), false, 'nothing to do on a healthy database')
  // What a dump restored into a server whose transaction ids are lower looks like.
  await database.db.execute(sql`update changes set tx = '9999999999'::xid8`)
  t.equal(await rebaseChangeLogIfRestored(database.db), true)

  const res = await app.inject({ url: `/v1/sync?cursor=${cursor}`, headers: reader })
  t.equal(res.statusCode, 410)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.match(res.json(), { type: 'urn:bantin:problem:cursor-expired', status: 410, detail: /full sync/ })

  const third = await make.category({ name: 'Ba' })
  const { entries } = await follow()
  t.same(entries.map((e) => e.id), [first.id, second.id, third.id], 'a full sync finds the old changes first, then the new')
})

t.test('the feed needs a reader token, and answers 304 for a page the caller has', async (t) => {
  await make.category()
  t.equal((await app.inject('/v1/sync')).statusCode, 401)
  const res = await app.inject({ url: '/v1/sync', headers: reader })
  t.equal(res.headers['cache-control'], 'private, no-store')
  const etag = res.headers.etag as string
  t.ok(etag)
  t.equal((await app.inject({ url: '/v1/sync', headers: { ...reader, 'if-none-match': etag } })).statusCode, 304)
  await make.category({ name: 'Khác' })
  t.equal((await app.inject({ url: '/v1/sync', headers: { ...reader, 'if-none-match': etag } })).statusCode, 200)
})

t.test('a scheduled article appears again when it becomes visible, with nothing written at that moment', async (t) => {
  const now = Date.now()
  await announceDuePublications(database.db, new Date(now))
  const due = new Date(now + 3_600_000)
  const scheduled = await make.article({ title: 'Hẹn giờ', status: 'published', publishedAt: due.toISOString() })
  const visibleNow = await make.article({ title: 'Đăng ngay', status: 'published' })
  const { cursor } = await follow()
  const versionBefore = (await app.inject({ url: `/v1/articles/${scheduled.id}`, headers: reader })).json().data.version

  t.equal(await announceDuePublications(database.db, new Date(now + 60_000)), 0, 'not yet due')
  t.same((await sync(`?cursor=${cursor}`)).data, [])

  t.equal(await announceDuePublications(database.db, new Date(due.getTime() + 1)), 1, 'due: announced once')
  const page = await sync(`?cursor=${cursor}`)
  t.match(page.data, [{ type: 'article', id: scheduled.id, op: 'upsert', at: due.toISOString(), data: { title: 'Hẹn giờ' } }])
  const last = ((await database.db.execute(sql`select events, actor from changes order by seq desc limit 1`)) as unknown as { rows: { events: string[]; actor: string }[] }).rows[0]
  t.same(last, { events: ['article.published'], actor: 'bantin' })
  t.equal((await app.inject({ url: `/v1/articles/${scheduled.id}`, headers: reader })).json().data.version, versionBefore, 'the article itself is untouched')

  t.equal(await announceDuePublications(database.db, new Date(due.getTime() + 120_000)), 0, 'never announced twice')
  t.not(visibleNow.id, scheduled.id)
})

t.test('an article published with a past date is announced by its write, not again by the job', async (t) => {
  const now = Date.now()
  await announceDuePublications(database.db, new Date(now - 7_200_000))
  await make.article({ status: 'published', publishedAt: new Date(now - 3_600_000).toISOString() })
  const before = await countRows(database, 'changes')
  t.equal(await announceDuePublications(database.db, new Date(now)), 0)
  t.equal(await countRows(database, 'changes'), before)
})

t.test('limit takes digits only, and a revision number too', async (t) => {
  const article = await make.article()
  for (const limit of ['1e2', '0x10', ' 5']) {
    const res = await app.inject({ url: `/v1/sync?limit=${encodeURIComponent(limit)}`, headers: reader })
    t.equal(res.statusCode, 400, `limit=${limit}`)
    t.match(res.json(), { errors: [{ path: 'limit' }] })
  }
  t.equal((await app.inject({ url: `/v1/articles/${article.id}/revisions/1e0`, headers: reader })).statusCode, 400)
  t.equal((await app.inject({ url: `/v1/articles/${article.id}/revisions/1`, headers: reader })).statusCode, 200)
})

t.test('positions are ordered as numbers: a transaction id with more digits is not served first, nor any change skipped', async (t) => {
  // Transaction ids 9 and 10 sort the other way round as text.
  const ids = ['00000000-0000-7000-8000-000000000009', '00000000-0000-7000-8000-000000000010', '00000000-0000-7000-8000-000000000011']
  await database.db.execute(sql`insert into changes (tx, type, resource_id, op, events, actor) values
    ('9'::xid8, 'article', ${ids[0]}, 'delete', array['article.deleted'], 'test'),
    ('10'::xid8, 'article', ${ids[1]}, 'delete', array['article.deleted'], 'test'),
    ('11'::xid8, 'article', ${ids[2]}, 'delete', array['article.deleted'], 'test')`)
  const first = await sync('?limit=1')
  t.same(first.data.map((e) => e.id), [ids[0]])
  const { entries } = await follow(first.meta.nextCursor, 1)
  t.same(entries.map((e) => e.id), [ids[1], ids[2]], 'every change, in commit order, one page at a time')
})
