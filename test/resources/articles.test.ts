import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase, withoutShare } from '../helper.js'

const queries: string[] = []
const { app, database } = await buildTestApp(t, { onQuery: (query) => queries.push(query) })
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const past = '2023-12-06T10:00:00.000Z'
const future = new Date(Date.now() + 86_400_000).toISOString()
const missingId = '01900000-0000-7000-8000-000000000000'

t.test('POST /v1/articles round-trips a Vietnamese article with blocks, tags and people', async (t) => {
  const photo = await make.image()
  const thuy = await make.person({ name: 'Phạm Thị Thủy', honorific: 'đồng chí', title: 'Phó Trưởng Ban Dân vận Tỉnh ủy' })
  const vuong = await make.person({ name: 'Văn Vương' })
  const news = await make.category()
  const body = [
    { type: 'paragraph', text: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức Hội nghị.' },
    { type: 'heading', level: 2, text: 'Phương hướng năm 2024' },
    { type: 'paragraph', spans: [{ text: 'Đồng chí ' }, { text: 'Phạm Thị Thủy', bold: true }, { text: ' phát biểu', href: 'https://lynhan.hanam.gov.vn/' }] },
    { type: 'quote', text: 'Dân vận khéo thì việc gì cũng xong.', cite: 'Hồ Chí Minh' },
    { type: 'list', style: 'ordered', items: ['Một', 'Hai'] },
    { type: 'image', mediaId: photo.id, caption: 'Đồng chí Phạm Thị Thủy phát biểu', credit: 'Văn Vương' },
    { type: 'embed', url: 'https://www.youtube.com/watch?v=abc' },
  ]
  const res = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: admin,
    payload: {
      title: 'Ban Dân vận Huyện ủy triển khai phương hướng, nhiệm vụ năm 2024',
      summary: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức Hội nghị tổng kết.',
      body,
      status: 'published',
      publishedAt: past,
      categoryId: news.id,
      tags: ['Dân vận', 'dân vận', ' hội nghị '],
      people: [
        { personId: thuy.id, role: 'mentioned' },
        { personId: vuong.id, role: 'photographer' },
      ],
    },
  })
  t.equal(res.statusCode, 201)
  const { data } = res.json()
  t.equal(res.headers.location, `/v1/articles/${data.id}`)
  t.match(data, {
    slug: 'ban-dan-van-huyen-uy-trien-khai-phuong-huong-nhiem-vu-nam-2024',
    title: 'Ban Dân vận Huyện ủy triển khai phương hướng, nhiệm vụ năm 2024',
    status: 'published',
    publishedAt: past,
    categoryId: news.id,
    tags: ['dân vận', 'hội nghị'],
    version: 1,
    readingTimeMinutes: 1,
    excerpt: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức Hội nghị tổng kết.',
    people: [
      { personId: thuy.id, role: 'mentioned' },
      { personId: vuong.id, role: 'photographer' },
    ],
  })
  t.same(data.body, body)
  const read = await app.inject(`/v1/articles/${data.slug}`)
  t.equal(read.statusCode, 200)
  t.same(withoutShare(read.json().data), data)
  t.ok(read.json().data.share, 'reads add share')
})

t.test('without publishedAt, publishing sets it to now; drafts have none', async (t) => {
  const before = Date.now()
  const published = await make.article({ status: 'published' })
  t.ok(Date.parse(published.publishedAt as string) >= before - 1000)
  const draft = await make.article()
  t.equal(draft.status, 'draft')
  t.equal(draft.publishedAt, null)
  const res = await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: admin, payload: { status: 'published' } })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { status: 'published', publishedAt: String, version: 2 })
})

t.test('anonymous callers see only published articles whose time has come', async (t) => {
  const live = await make.article({ title: 'Đã đăng', status: 'published', publishedAt: past })
  const draft = await make.article({ title: 'Bản nháp' })
  const scheduled = await make.article({ title: 'Hẹn giờ', status: 'published', publishedAt: future })
  const archived = await make.article({ title: 'Lưu trữ', status: 'archived', publishedAt: past })
  const list = await app.inject('/v1/articles')
  t.same(list.json().data.map((a: { id: string }) => a.id), [live.id])
  for (const hidden of [draft, scheduled, archived]) {
    t.equal((await app.inject(`/v1/articles/${hidden.id}`)).statusCode, 404)
    t.equal((await app.inject(`/v1/articles/${hidden.slug}`)).statusCode, 404)
  }
  const drafts = await app.inject('/v1/articles?status=draft')
  t.equal(drafts.statusCode, 400, 'the status filter never widens what anonymous callers see: it is refused')
  t.match(drafts.json(), { errors: [{ path: 'status' }] })
  const withToken = await app.inject({ url: '/v1/articles?limit=10', headers: admin })
  t.equal(withToken.json().data.length, 4)
  const onlyDrafts = await app.inject({ url: '/v1/articles?status=draft', headers: admin })
  t.same(onlyDrafts.json().data.map((a: { id: string }) => a.id), [draft.id])
  t.equal((await app.inject({ url: `/v1/articles/${draft.id}`, headers: admin })).statusCode, 200)
})

t.test('DELETE moves an article to the trash; its slug stays reserved; restore brings it back', async (t) => {
  const article = await make.article({ status: 'published', publishedAt: past })
  const del = await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  t.equal(del.statusCode, 204)
  t.equal(del.body, '')
  t.equal((await app.inject(`/v1/articles/${article.id}`)).statusCode, 404)
  t.equal((await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).statusCode, 404)
  t.same((await app.inject({ url: '/v1/articles', headers: admin })).json().data, [])
  const trash = await app.inject({ url: '/v1/articles?trashed=true', headers: admin })
  t.same(trash.json().data.map((a: { id: string }) => a.id), [article.id], 'a token can list the trash')
  t.equal((await app.inject('/v1/articles?trashed=true')).statusCode, 400, 'anonymous callers never see it')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })).statusCode, 404)
  const again = await make.article()
  t.equal(again.slug, `${article.slug}-2`, 'the trashed article keeps its slug')
  const restored = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/restore`, headers: admin })
  t.equal(restored.statusCode, 200)
  t.match(restored.json().data, { id: article.id, version: 3 })
  t.equal((await app.inject(`/v1/articles/${article.slug}`)).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/restore`, headers: admin })).statusCode, 404)
})

t.test('PATCH changes only the fields given and replaces people whole', async (t) => {
  const a = await make.person({ name: 'Lê Thị Hồng Hà' })
  const b = await make.person({ name: 'Trần Minh Ngọc' })
  const article = await make.article({ tags: ['dân vận'], people: [{ personId: a.id, role: 'author' }] })
  const res = await app.inject({
    method: 'PATCH',
    url: `/v1/articles/${article.slug}`,
    headers: admin,
    payload: { title: 'Tiêu đề mới', people: [{ personId: b.id, role: 'mentioned' }] },
  })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, {
    title: 'Tiêu đề mới',
    slug: article.slug,
    tags: ['dân vận'],
    body: article.body,
    version: 2,
    people: [{ personId: b.id, role: 'mentioned' }],
  })
  t.equal(await countRows(database, 'article_people'), 1)
  const slugTaken = await make.article({ title: 'Khác' })
  const conflict = await app.inject({ method: 'PATCH', url: `/v1/articles/${slugTaken.id}`, headers: admin, payload: { slug: article.slug } })
  t.equal(conflict.statusCode, 409)
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/articles/${missingId}`, headers: admin, payload: { title: 'x' } })).statusCode, 404)
})

t.test('references that do not exist are a 422 naming the field, and nothing is written', async (t) => {
  const person = await make.person()
  const cases = [
    { payload: { title: 'A', categoryId: missingId }, path: 'categoryId' },
    { payload: { title: 'A', people: [{ personId: person.id, role: 'author' }, { personId: missingId, role: 'mentioned' }] }, path: 'people.1.personId' },
  ]
  for (const { payload, path } of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload })
    t.equal(res.statusCode, 422)
    t.match(res.json(), { type: 'urn:bantin:problem:unknown-reference', errors: [{ path }] })
  }
  t.equal(await countRows(database, 'articles'), 0)
  t.equal(await countRows(database, 'article_people'), 0)
  const article = await make.article()
  const patch = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'B', categoryId: missingId } })
  t.equal(patch.statusCode, 422)
  t.match((await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).json().data, { title: article.title, version: 1 })
})

t.test('bad input is a 400 with the paths at fault, and writes nothing', async (t) => {
  const cases: [string, unknown, string][] = [
    ['missing title', { body: [] }, 'title'],
    ['title of the wrong type', { title: 5 }, 'title'],
    ['a 200,000-character title', { title: 'Đ'.repeat(200_000) }, 'title'],
    ['an unknown field', { title: 'A', author: 'x' }, 'author'],
    ['an unknown block type', { title: 'A', body: [{ type: 'script', text: 'alert(1)' }] }, 'body.0.type'],
    ['a block with an unknown field', { title: 'A', body: [{ type: 'paragraph', text: 'x', html: '<b>' }] }, 'body.0.html'],
    ['a paragraph with both text and spans', { title: 'A', body: [{ type: 'paragraph', text: 'x', spans: [{ text: 'y' }] }] }, 'body.0'],
    ['a heading of level 1', { title: 'A', body: [{ type: 'heading', level: 1, text: 'x' }] }, 'body.0.level'],
    ['an http embed', { title: 'A', body: [{ type: 'embed', url: 'http://example.com/' }] }, 'body.0.url'],
    ['a javascript: link', { title: 'A', body: [{ type: 'paragraph', spans: [{ text: 'x', href: 'javascript:alert(1)' }] }] }, 'body.0.spans.0.href'],
    ['a bad status', { title: 'A', status: 'live' }, 'status'],
    ['a date without a zone', { title: 'A', publishedAt: '2023-12-06 10:00' }, 'publishedAt'],
    ['a bad role', { title: 'A', people: [{ personId: missingId, role: 'editor' }] }, 'people.0.role'],
    ['a bad uuid', { title: 'A', categoryId: '1; drop table articles' }, 'categoryId'],
  ]
  for (const [name, payload, path] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: payload as object })
    t.equal(res.statusCode, 400, name)
    const problem = res.json()
    t.equal(problem.type, 'urn:bantin:problem:invalid-request', name)
    t.ok(problem.errors.some((e: { path: string }) => e.path === path), `${name}: ${JSON.stringify(problem.errors)}`)
  }
  const malformed = await app.inject({ method: 'POST', url: '/v1/articles', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"title": "A",' })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json(), { type: 'urn:bantin:problem:malformed-json', status: 400 })
  t.notMatch(malformed.body, /at |node_modules|SyntaxError/)
  t.equal(await countRows(database, 'articles'), 0)
})

t.test('text with SQL or HTML in it is stored as text and escaped when rendered', async (t) => {
  const photo = await make.image()
  const title = "'; drop table articles; -- <script>alert(1)</script>"
  const article = await make.article({
    title,
    status: 'published',
    publishedAt: past,
    body: [
      { type: 'paragraph', text: '<img src=x onerror=alert(1)> & "quotes"' },
      { type: 'paragraph', spans: [{ text: '<b>link</b>', href: '/tin-tuc?a=1&b=2' }] },
      { type: 'quote', text: 'Trích <dẫn>', cite: '<cite>' },
      { type: 'list', style: 'bullet', items: ['<li>'] },
      { type: 'image', mediaId: photo.id, caption: '"><script>', credit: 'Văn Vương' },
      { type: 'embed', url: 'https://example.com/?q="x"' },
      { type: 'heading', level: 3, text: '<h1>' },
    ],
  })
  t.equal(article.title, title)
  t.equal(article.slug, 'drop-table-articles-script-alert-1-script')
  const res = await app.inject(`/v1/articles/${article.id}?render=html`)
  t.equal(res.statusCode, 200)
  const html: string = res.json().data.html
  t.notMatch(html, /<script|<img src=x|<b>|<li><li>|<h1>/)
  t.match(html, '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;')
  t.match(html, '<a href="/tin-tuc?a=1&amp;b=2">&lt;b&gt;link&lt;/b&gt;</a>')
  t.match(html, '<figcaption>&quot;&gt;&lt;script&gt; Ảnh: Văn Vương</figcaption>')
  t.match(html, '<h3>&lt;h1&gt;</h3>')
  t.equal(await countRows(database, 'articles'), 1)
})

t.test('a generated slug that is taken gets a suffix; an explicit one is a 409', async (t) => {
  const first = await make.article({ title: 'Đại hội Đảng bộ' })
  t.equal(first.slug, 'dai-hoi-dang-bo')
  t.equal((await make.article({ title: 'Đại hội Đảng bộ' })).slug, 'dai-hoi-dang-bo-2')
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'X', slug: 'dai-hoi-dang-bo' } })
  t.equal(res.statusCode, 409)
  t.equal(await countRows(database, 'articles'), 2)
  t.equal((await make.article({ title: '!!!' })).slug, 'article', 'a title with no letters still gets a slug')
  const uuidSlug = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'X', slug: first.id } })
  t.equal(uuidSlug.statusCode, 400, 'a slug shaped like an id would never be found by it')
  const long = 'Hội nghị '.repeat(30)
  const slugs = [(await make.article({ title: long })).slug, (await make.article({ title: long })).slug, (await make.article({ title: long })).slug]
  t.ok(slugs.every((s) => s.length <= 120), 'suffixes fit in 120 characters')
  t.equal(new Set(slugs).size, 3)
  t.match(slugs[2], /-3$/)
})

t.test('a generated slug found taken fails on the article row, before anything else of the statement is written', async (t) => {
  await resetDatabase(database)
  const oneStatementCreates = async (title: string) => {
    queries.length = 0
    const created = await make.article({ title })
    return {
      slug: created.slug,
      attempts: queries.filter((q) => q.startsWith('with w0 as (insert into "articles"')).length,
      transactions: queries.filter((q) => /^(begin|start transaction)/i.test(q)).length,
    }
  }
  const title = 'Thông báo lịch tiếp công dân'
  t.same(await oneStatementCreates(title), { slug: 'thong-bao-lich-tiep-cong-dan', attempts: 1, transactions: 0 })
  t.same(await oneStatementCreates(title), { slug: 'thong-bao-lich-tiep-cong-dan-2', attempts: 2, transactions: 0 }, 'the free suffix is looked up, and the statement runs again')
  t.same(await oneStatementCreates(title), { slug: 'thong-bao-lich-tiep-cong-dan-3', attempts: 2, transactions: 0 })
  // The change record is the statement's last part: had the failed attempts reached it, they
  // would have taken numbers of its identity column.
  const seqs = (await database.db.execute(sql`select seq from changes order by seq`)) as unknown as { rows: { seq: string | number }[] }
  t.same(seqs.rows.map((r) => Number(r.seq)), [1, 2, 3], 'no failed attempt wrote its change')
  t.equal(await countRows(database, 'article_revisions'), 3)
  t.equal(await countRows(database, 'article_search'), 3)
})

t.test('every read carries an excerpt and a reading time', async (t) => {
  const words = Array.from({ length: 600 }, (_, i) => `từ${i}`).join(' ')
  const article = await make.article({ body: [{ type: 'paragraph', text: words }] })
  t.equal(article.readingTimeMinutes, 3)
  t.ok((article.excerpt as string).length <= 241)
  t.match(article.excerpt, /^từ0 từ1 .*…$/)
})
