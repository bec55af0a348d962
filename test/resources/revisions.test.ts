import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, factories, resetDatabase, tokenFor } from '../helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const editorToken = await tokenFor(app, 'editor', 'Biên tập viên Lan')
const editor = editorToken.headers

t.test('every write keeps a revision with what it left, who made it and when', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/v1/articles', headers: editor, payload: { title: 'Bản đầu', body: [{ type: 'paragraph', text: 'Một' }] } })
  const id = created.json().data.id
  const patch = (payload: object) => app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: editor, payload })
  await patch({ title: 'Bản hai' })
  await patch({ status: 'published' })
  await patch({ status: 'draft' })
  await patch({ status: 'archived' })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${id}`, headers: editor })
  await app.inject({ method: 'POST', url: `/v1/articles/${id}/restore`, headers: admin })
  const res = await app.inject({ url: `/v1/articles/${id}/revisions`, headers: editor })
  t.equal(res.statusCode, 200)
  const list = res.json().data
  t.same(list.map((r: { op: string }) => r.op), ['restore', 'trash', 'archive', 'unpublish', 'publish', 'update', 'create'])
  t.same(list.map((r: { number: number }) => r.number), [7, 6, 5, 4, 3, 2, 1])
  t.match(list[0], { actor: 'ADMIN_TOKEN', articleId: id, title: 'Bản hai', status: 'archived', createdAt: String })
  t.match(list[1], { actor: 'Biên tập viên Lan' })
  const first = await app.inject({ url: `/v1/articles/${id}/revisions/1`, headers: editor })
  t.match(first.json().data, {
    number: 1,
    op: 'create',
    snapshot: { title: 'Bản đầu', status: 'draft', body: [{ type: 'paragraph', text: 'Một' }], deleted: false, people: [], tags: [] },
  })
  t.equal((await app.inject({ url: `/v1/articles/${id}/revisions/6`, headers: editor })).json().data.snapshot.deleted, true)
  t.equal((await app.inject({ url: `/v1/articles/${id}/revisions/99`, headers: editor })).statusCode, 404)
  t.equal((await app.inject({ url: `/v1/articles/${id}/revisions/0`, headers: editor })).statusCode, 400)
  t.equal((await app.inject({ url: '/v1/articles/khong-co/revisions', headers: editor })).statusCode, 404)
})

t.test('restoring a revision brings its content back as a new revision', async (t) => {
  const person = await make.person()
  const article = await make.article({ title: 'Gốc', tags: ['một'], people: [{ personId: person.id, role: 'author' }] })
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: editor, payload: { title: 'Sửa', tags: [], people: [], body: [] } })
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/revisions/1/restore`, headers: editor })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { title: 'Gốc', tags: ['một'], people: [{ personId: person.id, role: 'author' }], body: article.body, version: 3 })
  t.equal(res.headers.etag, '"v3"')
  const list = (await app.inject({ url: `/v1/articles/${article.id}/revisions`, headers: editor })).json().data
  t.match(list[0], { number: 3, op: 'revert', title: 'Gốc' })
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/revisions/9/restore`, headers: editor })).statusCode, 404)
  const stale = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/revisions/1/restore`, headers: { ...editor, 'if-match': '"v1"' } })
  t.equal(stale.statusCode, 412)
})

t.test('a revision whose person is gone cannot be restored: 422, nothing written', async (t) => {
  const person = await make.person({ name: 'Tạm' })
  const article = await make.article({ people: [{ personId: person.id, role: 'author' }] })
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: editor, payload: { people: [] } })
  await app.inject({ method: 'DELETE', url: `/v1/people/${person.id}`, headers: editor })
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/revisions/1/restore`, headers: editor })
  t.equal(res.statusCode, 422)
  t.equal((await app.inject({ url: `/v1/articles/${article.id}`, headers: editor })).json().data.version, 2)
})

t.test('an article edited 1,000 times pages its revisions newest first', async (t) => {
  const article = await make.article({ title: 'Nhiều lần sửa' })
  await database.db.execute(sql`
    insert into article_revisions (id, article_id, number, op, snapshot, actor)
    select (lpad(to_hex(n), 8, '0') || '-0000-7000-8000-000000000000')::uuid, ${article.id}::uuid, n, 'update',
           jsonb_build_object('title', 'Lần ' || n, 'status', 'draft'), 'bulk'
    from generate_series(2, 1000) n`)
  const seen: number[] = []
  let cursor: string | null = null
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await app.inject({ url: `/v1/articles/${article.id}/revisions?limit=100${cursor ? `&cursor=${cursor}` : ''}`, headers: editor })
    t.equal(res.statusCode, 200)
    seen.push(...res.json().data.map((r: { number: number }) => r.number))
    cursor = res.json().meta.nextCursor
  } while (cursor)
  t.equal(seen.length, 1000)
  t.same(seen.slice(0, 3), [1000, 999, 998])
  t.equal(seen.at(-1), 1)
  const page = await app.inject({ url: `/v1/articles/${article.id}/revisions?limit=5&offset=995`, headers: editor })
  t.match(page.json(), { data: [{ number: 5 }, { number: 4 }, { number: 3 }, { number: 2 }, { number: 1 }], meta: { total: 1000 } })
})

t.test('purge deletes a trashed article and its history for good; only from the trash', async (t) => {
  const article = await make.article()
  const notTrashed = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/purge`, headers: admin })
  t.equal(notTrashed.statusCode, 409)
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: editor })
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/purge`, headers: editor })).statusCode, 403)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/purge`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ url: `/v1/articles/${article.id}/revisions`, headers: admin })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/restore`, headers: admin })).statusCode, 404)
  t.equal((await make.article()).slug, article.slug, 'the slug is free again')
})
