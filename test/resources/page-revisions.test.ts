import { readFile } from 'node:fs/promises'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase, tokenFor, withoutShare } from '../helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const editorToken = await tokenFor(app, 'editor', 'Biên tập viên Hoa')
const editor = editorToken.headers

const patch = (id: string, payload: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'PATCH', url: `/v1/pages/${id}`, headers: { ...editor, ...headers }, payload })
const restoreRevision = (id: string, number: number, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/v1/pages/${id}/revisions/${number}/restore`, headers: { ...editor, ...headers } })
const revisions = async (id: string) => (await app.inject({ url: `/v1/pages/${id}/revisions?limit=100`, headers: editor })).json().data
const lastEvents = async () =>
  ((await database.db.execute('select type, events from changes order by seq desc limit 1' as never)) as unknown as { rows: { type: string; events: string[] }[] }).rows[0]
const written = async () => ({ revisions: await countRows(database, 'page_revisions'), changes: await countRows(database, 'changes') })

t.test('every write of a page keeps exactly one revision, numbered by the version it made, with its op', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/pages', headers: editor, payload: { title: 'Bản đầu', body: [{ type: 'paragraph', text: 'Một' }] } })
  const id = res.json().data.id
  t.same(await written(), { revisions: 1, changes: 1 })
  const writes = [
    () => patch(id, { title: 'Bản hai' }),
    () => patch(id, { status: 'published' }),
    () => patch(id, { status: 'draft' }),
    () => app.inject({ method: 'DELETE', url: `/v1/pages/${id}`, headers: editor }),
    () => app.inject({ method: 'POST', url: `/v1/pages/${id}/restore`, headers: admin }),
    () => restoreRevision(id, 1),
  ]
  for (const [i, run] of writes.entries()) {
    const before = await written()
    const done = await run()
    t.ok(done.statusCode < 300, `write ${i + 2}: ${done.statusCode}`)
    t.same(await written(), { revisions: before.revisions + 1, changes: before.changes + 1 }, `write ${i + 2}: one revision, one change`)
  }
  const unchanged = await written()
  t.equal((await patch(id, { title: 'Bản đầu' })).json().data.version, 7, 'a patch that changes nothing')
  t.same(await written(), unchanged, 'writes no revision')

  const list = await app.inject({ url: `/v1/pages/${id}/revisions`, headers: editor })
  t.equal(list.statusCode, 200)
  t.equal(list.headers['cache-control'], 'private, no-store')
  const data = list.json().data
  t.same(data.map((r: { op: string }) => r.op), ['revert', 'restore', 'trash', 'unpublish', 'publish', 'update', 'create'])
  t.same(data.map((r: { number: number }) => r.number), [7, 6, 5, 4, 3, 2, 1])
  t.match(data[1], { pageId: id, actor: 'ADMIN_TOKEN', title: 'Bản hai', status: 'draft', createdAt: String })
  t.match(data[0], { actor: 'Biên tập viên Hoa', title: 'Bản đầu' })
  t.notOk('articleId' in data[0])

  const first = await app.inject({ url: `/v1/pages/${id}/revisions/1`, headers: editor })
  t.equal(first.statusCode, 200)
  t.same(first.json().data, {
    number: 1,
    pageId: id,
    op: 'create',
    actor: 'Biên tập viên Hoa',
    createdAt: res.json().data.createdAt,
    snapshot: {
      title: 'Bản đầu',
      slug: 'ban-dau',
      body: [{ type: 'paragraph', text: 'Một' }],
      parentId: null,
      position: 0,
      status: 'draft',
      seo: { title: null, description: null, imageId: null, canonicalUrl: null, noindex: false },
      deleted: false,
    },
  })
  t.equal((await app.inject({ url: `/v1/pages/ban-dau/revisions/5`, headers: editor })).json().data.snapshot.deleted, true, 'by slug; the trash is kept')
  const missing = await app.inject({ url: `/v1/pages/${id}/revisions/99`, headers: editor })
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { type: 'urn:bantin:problem:not-found' })
  t.match(missing.headers['content-type'], /^application\/problem\+json/)
  t.equal((await app.inject({ url: `/v1/pages/${id}/revisions/0`, headers: editor })).statusCode, 400)
  t.equal((await app.inject({ url: '/v1/pages/khong-co/revisions', headers: editor })).statusCode, 404)
})

t.test('restoring a revision brings back title, body, parent, position and status, as a new revision', async (t) => {
  const parent = await make.page({ title: 'Giới thiệu', status: 'published' })
  const body = [{ type: 'heading', level: 2, text: 'Lịch sử' }, { type: 'paragraph', text: 'Huyện Lý Nhân được thành lập năm 1890.' }]
  const page = await make.page({ title: 'Lịch sử hình thành', body, parentId: parent.id, position: 3, status: 'published' })
  const edited = await patch(page.id, { title: 'Sửa', body: [], parentId: null, position: 0, status: 'draft' })
  t.match(edited.json().data, { path: '/pages/lich-su-hinh-thanh', status: 'draft', version: 2 })
  t.same(await lastEvents(), { type: 'page', events: ['page.updated', 'page.unpublished'] })

  const res = await restoreRevision(page.id, 1)
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { title: 'Lịch sử hình thành', body, parentId: parent.id, position: 3, status: 'published', version: 3, path: '/pages/gioi-thieu/lich-su-hinh-thanh' })
  t.equal(res.headers.etag, '"v3"')
  t.same(await lastEvents(), { type: 'page', events: ['page.updated', 'page.published'] })
  const read = (await app.inject(`/v1/pages/${page.id}`)).json().data
  t.same(withoutShare(read), res.json().data, 'anonymous callers see it published again')
  t.ok(read.share, 'reads add share')
  const [latest] = await revisions(page.id)
  t.match(latest, { number: 3, op: 'revert', title: 'Lịch sử hình thành', status: 'published' })

  const again = await restoreRevision(page.id, 3, { 'if-match': '"v3"' })
  t.equal(again.statusCode, 200, 'a revision that is the current content still writes one: it was asked for')
  t.equal(again.json().data.version, 4)
})

t.test('a restore with a stale If-Match, or of a revision that does not exist, writes nothing', async (t) => {
  const page = await make.page()
  await patch(page.id, { title: 'Sửa' })
  const before = await written()
  const stale = await restoreRevision(page.id, 1, { 'if-match': '"v1"' })
  t.equal(stale.statusCode, 412)
  t.match(stale.json(), { type: 'urn:bantin:problem:precondition-failed' })
  const missing = await restoreRevision(page.id, 9)
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { type: 'urn:bantin:problem:not-found', detail: /Revision 9/ })
  t.equal((await restoreRevision('khong-co', 1)).statusCode, 404)
  t.same(await written(), before)
  t.match((await app.inject({ url: `/v1/pages/${page.id}`, headers: editor })).json().data, { title: 'Sửa', version: 2 })
  t.equal((await restoreRevision(page.id, 1, { 'if-match': '"v2"' })).statusCode, 200, 'the current ETag goes through')
})

t.test('a revision whose parent is gone, or is now below the page, cannot be restored: 422, nothing written', async (t) => {
  const top = await make.page({ title: 'Trên' })
  const child = await make.page({ title: 'Dưới', parentId: top.id })
  await patch(child.id, { parentId: null })
  await app.inject({ method: 'DELETE', url: `/v1/pages/${top.id}`, headers: editor })
  let before = await written()
  const trashed = await restoreRevision(child.id, 1)
  t.equal(trashed.statusCode, 422)
  t.match(trashed.json(), { type: 'urn:bantin:problem:unknown-reference', errors: [{ path: 'parentId' }] })
  t.same(await written(), before)
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${top.id}/purge`, headers: admin })).statusCode, 204)
  before = await written()
  t.equal((await restoreRevision(child.id, 1)).statusCode, 422, 'a parent deleted for good')
  t.same(await written(), before)

  const a = await make.page({ title: 'A' })
  const c = await make.page({ title: 'C' })
  await patch(a.id, { parentId: c.id })
  await patch(a.id, { parentId: null })
  await patch(c.id, { parentId: a.id })
  before = await written()
  const cycle = await restoreRevision(a.id, 2)
  t.equal(cycle.statusCode, 422)
  t.match(cycle.json(), { type: 'urn:bantin:problem:invalid-reference', detail: /under itself/ })
  t.same(await written(), before)
  t.match((await app.inject({ url: `/v1/pages/${a.id}`, headers: editor })).json().data, { parentId: null, version: 3 })
})

t.test('a restore keeps the current slug when another page has taken the old one', async (t) => {
  const page = await make.page({ title: 'Liên hệ' })
  await patch(page.id, { slug: 'lien-he-cu' })
  await make.page({ title: 'Liên hệ' })
  const res = await restoreRevision(page.id, 1)
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { slug: 'lien-he-cu', title: 'Liên hệ', version: 3 })
})

t.test('revisions are read with a token and restored by editors', async (t) => {
  const page = await make.page({ status: 'published' })
  const reader = (await tokenFor(app, 'reader')).headers
  for (const url of [`/v1/pages/${page.id}/revisions`, `/v1/pages/${page.id}/revisions/1`]) {
    const anonymous = await app.inject(url)
    t.equal(anonymous.statusCode, 401, url)
    t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="bantin"')
    t.equal((await app.inject({ url, headers: reader })).statusCode, 200, url)
  }
  const before = await written()
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/revisions/1/restore` })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/revisions/1/restore`, headers: reader })).statusCode, 403)
  t.same(await written(), before)
})

t.test('a page edited many times pages its revisions newest first, by cursor or offset', async (t) => {
  const page = await make.page({ title: 'Lần 1' })
  for (let n = 2; n <= 25; n++) await patch(page.id, { title: `Lần ${n}` })
  const seen: number[] = []
  let cursor: string | null = null
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await app.inject({ url: `/v1/pages/${page.id}/revisions?limit=10${cursor ? `&cursor=${cursor}` : ''}`, headers: editor })
    t.equal(res.statusCode, 200)
    seen.push(...res.json().data.map((r: { number: number }) => r.number))
    cursor = res.json().meta.nextCursor
  } while (cursor)
  t.same(seen, Array.from({ length: 25 }, (_, i) => 25 - i))
  const offset = await app.inject({ url: `/v1/pages/${page.id}/revisions?limit=3&offset=22`, headers: editor })
  t.match(offset.json(), { data: [{ number: 3, title: 'Lần 3' }, { number: 2 }, { number: 1, op: 'create' }], meta: { limit: 3, offset: 22, total: 25 } })
})

t.test('purging a page deletes its revisions', async (t) => {
  const page = await make.page()
  const other = await make.page({ title: 'Liên hệ' })
  await patch(page.id, { title: 'Sửa' })
  await app.inject({ method: 'DELETE', url: `/v1/pages/${page.id}`, headers: editor })
  t.equal(await countRows(database, 'page_revisions'), 4)
  t.equal((await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/purge`, headers: admin })).statusCode, 204)
  t.equal(await countRows(database, 'page_revisions'), 1, "only the other page's revision is left")
  t.equal((await app.inject({ url: `/v1/pages/${page.id}/revisions`, headers: admin })).statusCode, 404)
  t.equal((await revisions(other.id)).length, 1)
})

t.test('migration 0016 gives a page written before it one revision: its state, as the API keeps it', async (t) => {
  const parent = await make.page({ title: 'Giới thiệu' })
  const page = await make.page({ title: 'Cũ', parentId: parent.id, position: 2, status: 'published' })
  await patch(page.id, { title: 'Cũ hơn' })
  const kept = (await app.inject({ url: `/v1/pages/${page.id}/revisions/2`, headers: editor })).json().data.snapshot
  await database.db.execute(sql`delete from page_revisions`)
  const migration = await readFile(new URL('../../migrations/0016_page-revisions.sql', import.meta.url), 'utf8')
  await database.db.execute(sql.raw(migration.split('--> statement-breakpoint').at(-1)!))
  t.match(await revisions(page.id), [{ number: 2, op: 'update', actor: 'bantin', title: 'Cũ hơn', status: 'published' }])
  t.match(await revisions(parent.id), [{ number: 1, op: 'create' }])
  const backfilled = (await app.inject({ url: `/v1/pages/${page.id}/revisions/2`, headers: editor })).json().data.snapshot
  t.same(Object.keys(backfilled).sort(), ['body', 'deleted', 'parentId', 'position', 'seo', 'slug', 'status', 'title'])
  t.match(kept, backfilled, 'every field the migration kept is what a write keeps')
  t.equal((await restoreRevision(page.id, 2)).statusCode, 200)
})
