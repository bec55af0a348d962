import { setTimeout as sleep } from 'node:timers/promises'
import sharp from 'sharp'
import t, { type Test } from 'tap'
import { bantinClient, type BantinClient, formData } from '../examples/client/index.js'
import { ADMIN_TOKEN, buildTestApp, injectFetch, resetDatabase } from './helper.js'
import { flush, startReceiver, testWorker, webhookEnv } from './receiver.js'

// The typed client of examples/client against the app: every operation of /openapi.json is called
// through it at least once with a valid request, and the file fails when one is not (a new route
// needs its call here). The answers are checked against their schemas by the app (checkResponses).

const { app, database } = await buildTestApp(t, { env: { ...webhookEnv, SITE_URL: 'https://example.gov.vn' } })
const fetch = injectFetch(app)
const baseUrl = 'http://bantin.test'

/** What each client answered, by the document's `METHOD /path` of the operation. */
const answered = new Map<string, number[]>()
function client(token?: string): BantinClient {
  const made = bantinClient({ baseUrl, fetch, ...(token && { token }) })
  made.use({
    onResponse({ request, schemaPath, response }) {
      const key = `${request.method} ${schemaPath}`
      answered.set(key, [...(answered.get(key) ?? []), response.status])
    },
  })
  return made
}
const anonymous = client()
const admin = client(ADMIN_TOKEN)

/** The answer's data after checking its status; fails the test with the problem otherwise. */
function expect<T>(t: Test, result: { data?: T; error?: unknown; response: Response }, status: number): T {
  t.equal(result.response.status, status, `${result.response.url} answers ${status}`)
  if (result.error !== undefined || result.data === undefined) throw new Error(`${result.response.url}: ${JSON.stringify(result.error)}`)
  return result.data
}
/** For the answers without a body (204). */
function expectEmpty(t: Test, result: { error?: unknown; response: Response }, status = 204) {
  t.equal(result.response.status, status, `${result.response.url} answers ${status}`)
  t.equal(result.error, undefined)
}

const png = () => sharp({ create: { width: 48, height: 32, channels: 3, background: '#1e8449' } }).png().toBuffer()

t.beforeEach(() => resetDatabase(database))

t.test('operations: the index, health, readiness and metrics', async (t) => {
  t.match(expect(t, await anonymous.GET('/'), 200), { name: 'bantin', openapi: '/openapi.json', api: '/v1' })
  t.same(expect(t, await anonymous.GET('/health'), 200), { status: 'ok' })
  t.same(expect(t, await anonymous.GET('/ready'), 200), { status: 'ok' })
  const metrics = expect(t, await anonymous.GET('/metrics', { parseAs: 'text' }), 200)
  t.match(metrics, /^# HELP bantin_http_requests_total/m)
})

t.test('categories: create, list, read by slug, update with If-Match, delete', async (t) => {
  const created = await admin.POST('/v1/categories', { body: { name: 'Tin tức, sự kiện' } })
  const category = expect(t, created, 201).data
  t.match(category, { slug: 'tin-tuc-su-kien', name: 'Tin tức, sự kiện', parentId: null })
  t.equal(created.response.headers.get('location'), `/v1/categories/${category.id}`)
  await admin.POST('/v1/categories', { body: { name: 'Hoạt động', parentId: category.id } })

  const list = expect(t, await anonymous.GET('/v1/categories'), 200)
  t.same(list.data.map((c) => c.slug).sort(), ['hoat-dong', 'tin-tuc-su-kien'])
  const read = await anonymous.GET('/v1/categories/{idOrSlug}', { params: { path: { idOrSlug: 'tin-tuc-su-kien' } } })
  t.equal(expect(t, read, 200).data.id, category.id)

  const etag = read.response.headers.get('etag')!
  const updated = await admin.PATCH('/v1/categories/{idOrSlug}', {
    params: { path: { idOrSlug: category.id }, header: { 'If-Match': etag } },
    body: { description: 'Tin tức trong huyện' },
  })
  t.equal(expect(t, updated, 200).data.description, 'Tin tức trong huyện')
  t.not(updated.response.headers.get('etag'), etag, 'a new version')
  const stale = await admin.PATCH('/v1/categories/{idOrSlug}', { params: { path: { idOrSlug: category.id }, header: { 'If-Match': etag } }, body: { name: 'Cũ' } })
  t.equal(stale.response.status, 412)
  t.match(stale.error, { status: 412 }, 'the problem is typed and parsed')

  const child = expect(t, await anonymous.GET('/v1/categories/{idOrSlug}', { params: { path: { idOrSlug: 'hoat-dong' } } }), 200).data
  expectEmpty(t, await admin.DELETE('/v1/categories/{idOrSlug}', { params: { path: { idOrSlug: child.id } } }))
})

t.test('people: create, list by name, read, update, delete', async (t) => {
  const person = expect(t, await admin.POST('/v1/people', { body: { name: 'Phạm Thị Thủy' } }), 201).data
  t.match(person, { slug: 'pham-thi-thuy', name: 'Phạm Thị Thủy' })
  const list = expect(t, await anonymous.GET('/v1/people', { params: { query: { q: 'thuy' } } }), 200)
  t.same(list.data.map((p) => p.id), [person.id])
  t.equal(expect(t, await anonymous.GET('/v1/people/{idOrSlug}', { params: { path: { idOrSlug: person.slug } } }), 200).data.id, person.id)
  const updated = await admin.PATCH('/v1/people/{idOrSlug}', { params: { path: { idOrSlug: person.id } }, body: { name: 'Phạm Thị Thủy (Báo Hà Nam)' } })
  t.equal(expect(t, updated, 200).data.name, 'Phạm Thị Thủy (Báo Hà Nam)')
  expectEmpty(t, await admin.DELETE('/v1/people/{idOrSlug}', { params: { path: { idOrSlug: person.id } } }))
})

t.test('articles and revisions: create, list, read, update, revisions, trash, restore, purge', async (t) => {
  const category = expect(t, await admin.POST('/v1/categories', { body: { name: 'Tin tức, sự kiện' } }), 201).data
  const person = expect(t, await admin.POST('/v1/people', { body: { name: 'Phạm Thị Thủy' } }), 201).data
  const created = await admin.POST('/v1/articles', {
    body: {
      title: 'Ban Dân vận Huyện ủy triển khai nhiệm vụ năm 2024',
      body: [{ type: 'paragraph', text: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy tổ chức hội nghị.' }],
      status: 'published',
      categoryId: category.id,
      people: [{ personId: person.id, role: 'author' }],
    },
  })
  const article = expect(t, created, 201).data
  t.match(article, { slug: 'ban-dan-van-huyen-uy-trien-khai-nhiem-vu-nam-2024', status: 'published', version: 1 })
  t.equal(created.response.headers.get('etag'), '"v1"')

  const list = expect(t, await anonymous.GET('/v1/articles', { params: { query: { category: category.slug, fields: ['slug', 'title'] } } }), 200)
  t.same(list.data, [{ slug: article.slug, title: article.title }], 'fields= as one comma list')
  const read = await anonymous.GET('/v1/articles/{idOrSlug}', {
    params: { path: { idOrSlug: article.slug }, query: { include: ['category', 'people'], render: 'html' } },
  })
  t.match(expect(t, read, 200).data, { category: { id: category.id }, people: [{ role: 'author', person: { name: 'Phạm Thị Thủy' } }], html: /<p>Chiều ngày/ })
  const related = await anonymous.GET('/v1/articles/{idOrSlug}/related', { params: { path: { idOrSlug: article.slug }, query: { limit: 3, fields: ['slug'] } } })
  t.same(expect(t, related, 200).meta, { limit: 3, nextCursor: null }, 'related articles: a list')

  const updated = await admin.PATCH('/v1/articles/{idOrSlug}', {
    params: { path: { idOrSlug: article.id }, header: { 'If-Match': read.response.headers.get('etag')! } },
    body: { title: 'Ban Dân vận Huyện ủy: nhiệm vụ năm 2024' },
  })
  t.match(expect(t, updated, 200).data, { title: 'Ban Dân vận Huyện ủy: nhiệm vụ năm 2024', version: 2 })

  const path = { idOrSlug: article.id }
  const revisions = expect(t, await admin.GET('/v1/articles/{idOrSlug}/revisions', { params: { path } }), 200)
  const first = revisions.data.find((r) => r.number === 1)
  t.ok(first, 'the first version is a revision')
  const revision = expect(t, await admin.GET('/v1/articles/{idOrSlug}/revisions/{number}', { params: { path: { ...path, number: 1 } } }), 200)
  t.match(revision.data, { number: 1, op: 'create', snapshot: { title: 'Ban Dân vận Huyện ủy triển khai nhiệm vụ năm 2024' } })
  const restored = await admin.POST('/v1/articles/{idOrSlug}/revisions/{number}/restore', { params: { path: { ...path, number: 1 } } })
  t.match(expect(t, restored, 200).data, { title: 'Ban Dân vận Huyện ủy triển khai nhiệm vụ năm 2024', version: 3 })

  expectEmpty(t, await admin.DELETE('/v1/articles/{idOrSlug}', { params: { path } }))
  const trash = expect(t, await admin.GET('/v1/articles', { params: { query: { trashed: 'true' } } }), 200)
  t.same(trash.data.map((a) => a.id), [article.id])
  t.equal(expect(t, await admin.POST('/v1/articles/{idOrSlug}/restore', { params: { path } }), 200).data.id, article.id)
  expectEmpty(t, await admin.DELETE('/v1/articles/{idOrSlug}', { params: { path } }))
  expectEmpty(t, await admin.POST('/v1/articles/{idOrSlug}/purge', { params: { path } }))
  t.equal((await admin.GET('/v1/articles/{idOrSlug}', { params: { path } })).response.status, 404)
})

t.test('pages: create, list, read with render=html, update with If-Match, revisions, trash, restore, purge', async (t) => {
  const created = await admin.POST('/v1/pages', { body: { title: 'Giới thiệu', status: 'published', body: [{ type: 'paragraph', text: 'Huyện Lý Nhân ở phía đông tỉnh Hà Nam.' }] } })
  const about = expect(t, created, 201).data
  t.match(about, { slug: 'gioi-thieu', path: '/pages/gioi-thieu', version: 1 })
  t.equal(created.response.headers.get('location'), `/v1/pages/${about.id}`)
  const history = expect(t, await admin.POST('/v1/pages', { body: { title: 'Lịch sử', parentId: about.id, status: 'published' } }), 201).data
  const list = expect(t, await anonymous.GET('/v1/pages', { params: { query: { parent: 'gioi-thieu', sort: 'title' } } }), 200)
  t.same(list.data.map((p) => p.path), ['/pages/gioi-thieu/lich-su'])
  const read = await anonymous.GET('/v1/pages/{idOrSlug}', { params: { path: { idOrSlug: 'gioi-thieu' }, query: { render: 'html' } } })
  t.match(expect(t, read, 200).data, { id: about.id, html: /<p>Huyện Lý Nhân/ })
  const updated = await admin.PATCH('/v1/pages/{idOrSlug}', { params: { path: { idOrSlug: history.id }, header: { 'If-Match': '"v1"' } }, body: { position: 2 } })
  t.match(expect(t, updated, 200).data, { position: 2, version: 2 })
  const path = { idOrSlug: history.id }
  const revisions = expect(t, await admin.GET('/v1/pages/{idOrSlug}/revisions', { params: { path } }), 200)
  t.same(revisions.data.map((r) => [r.number, r.op, r.pageId]), [[2, 'update', history.id], [1, 'create', history.id]])
  const revision = expect(t, await admin.GET('/v1/pages/{idOrSlug}/revisions/{number}', { params: { path: { ...path, number: 1 } } }), 200)
  t.match(revision.data, { number: 1, op: 'create', snapshot: { title: 'Lịch sử', position: 0, parentId: about.id, deleted: false } })
  const restored = await admin.POST('/v1/pages/{idOrSlug}/revisions/{number}/restore', { params: { path: { ...path, number: 1 }, header: { 'If-Match': '"v2"' } } })
  t.match(expect(t, restored, 200).data, { position: 0, version: 3 })
  t.equal(restored.response.headers.get('etag'), '"v3"')
  expectEmpty(t, await admin.DELETE('/v1/pages/{idOrSlug}', { params: { path } }))
  t.equal(expect(t, await admin.POST('/v1/pages/{idOrSlug}/restore', { params: { path } }), 200).data.id, history.id)
  expectEmpty(t, await admin.DELETE('/v1/pages/{idOrSlug}', { params: { path } }))
  expectEmpty(t, await admin.POST('/v1/pages/{idOrSlug}/purge', { params: { path } }))
})

t.test('menus: create, list, read resolved, update, delete', async (t) => {
  const about = expect(t, await admin.POST('/v1/pages', { body: { title: 'Giới thiệu', status: 'published' } }), 201).data
  const items = [
    { label: 'Giới thiệu', link: { type: 'page' as const, id: about.id } },
    { label: 'Cổng thông tin tỉnh Hà Nam', link: { type: 'url' as const, url: 'https://hanam.gov.vn' } },
  ]
  const created = await admin.POST('/v1/menus', { body: { name: 'Menu đầu trang', slug: 'header', items } })
  const menu = expect(t, created, 201).data
  t.equal(created.response.headers.get('location'), `/v1/menus/${menu.id}`)
  t.same(expect(t, await anonymous.GET('/v1/menus'), 200).data.map((m) => m.slug), ['header'])
  const read = await anonymous.GET('/v1/menus/{idOrSlug}', { params: { path: { idOrSlug: 'header' } } })
  t.match(expect(t, read, 200).data.items, [{ link: { path: '/pages/gioi-thieu' } }, { link: { path: 'https://hanam.gov.vn' } }])
  const updated = await admin.PATCH('/v1/menus/{idOrSlug}', { params: { path: { idOrSlug: menu.id }, header: { 'If-Match': read.response.headers.get('etag')! } }, body: { name: 'Menu chính' } })
  t.match(expect(t, updated, 200).data, { name: 'Menu chính', version: 2 })
  expectEmpty(t, await admin.DELETE('/v1/menus/{idOrSlug}', { params: { path: { idOrSlug: menu.id } } }))
})

t.test('documents and their kinds: create, list by kind and q, read with embeds, update with If-Match, delete', async (t) => {
  const kind = expect(t, await admin.POST('/v1/document-kinds', { body: { name: 'Thông tư liên tịch' } }), 201).data
  t.equal(kind.slug, 'thong-tu-lien-tich')
  t.equal(expect(t, await anonymous.GET('/v1/document-kinds/{slug}', { params: { path: { slug: kind.slug } } }), 200).data.name, 'Thông tư liên tịch')
  t.ok(expect(t, await anonymous.GET('/v1/document-kinds'), 200).data.some((k) => k.slug === 'quyet-dinh'))
  const renamed = await admin.PATCH('/v1/document-kinds/{slug}', { params: { path: { slug: kind.slug } }, body: { name: 'Thông tư', position: 20 } })
  t.match(expect(t, renamed, 200).data, { slug: 'thong-tu-lien-tich', name: 'Thông tư', position: 20 })
  expectEmpty(t, await admin.DELETE('/v1/document-kinds/{slug}', { params: { path: { slug: kind.slug } } }))

  const person = expect(t, await admin.POST('/v1/people', { body: { name: 'Trần Minh Ngọc' } }), 201).data
  const created = await admin.POST('/v1/documents', {
    body: { number: '1234/QĐ-UBND', kind: 'quyet-dinh', issuer: 'UBND huyện Lý Nhân', issuedAt: '2023-12-20', summary: 'Về việc công nhận mô hình “Dân vận khéo” cấp huyện năm 2023', signerId: person.id },
  })
  const document = expect(t, created, 201).data
  t.match(document, { slug: 'quyet-dinh-1234-qd-ubnd', inForce: true, version: 1 })
  const list = expect(t, await anonymous.GET('/v1/documents', { params: { query: { kind: 'quyet-dinh', q: '1234 qd ubnd', inForce: 'true' } } }), 200)
  t.same(list.data.map((d) => d.id), [document.id])
  const read = await anonymous.GET('/v1/documents/{idOrSlug}', { params: { path: { idOrSlug: document.slug }, query: { include: ['signer'] } } })
  t.equal(expect(t, read, 200).data.signer?.name, 'Trần Minh Ngọc')
  const updated = await admin.PATCH('/v1/documents/{idOrSlug}', {
    params: { path: { idOrSlug: document.id }, header: { 'If-Match': read.response.headers.get('etag')! } },
    body: { expiredAt: '2024-01-01' },
  })
  t.match(expect(t, updated, 200).data, { version: 2, inForce: false })
  expectEmpty(t, await admin.DELETE('/v1/documents/{idOrSlug}', { params: { path: { idOrSlug: document.id } } }))
})

t.test('tokens: create, list, read, revoke; a revoked token is a 401 problem', async (t) => {
  const created = expect(t, await admin.POST('/v1/tokens', { body: { name: 'Biên tập viên', role: 'editor' } }), 201).data
  t.match(created, { name: 'Biên tập viên', role: 'editor', token: /^bantin_/ })
  const editor = client(created.token)
  t.equal(expect(t, await editor.POST('/v1/people', { body: { name: 'Trần Văn Nam' } }), 201).data.name, 'Trần Văn Nam')
  const list = expect(t, await admin.GET('/v1/tokens'), 200)
  t.ok(list.data.some((token) => token.id === created.id))
  t.match(expect(t, await admin.GET('/v1/tokens/{id}', { params: { path: { id: created.id } } }), 200).data, { id: created.id, role: 'editor' })
  expectEmpty(t, await admin.DELETE('/v1/tokens/{id}', { params: { path: { id: created.id } } }))
  const refused = await editor.GET('/v1/tokens/{id}', { params: { path: { id: created.id } } })
  t.equal(refused.response.status, 401)
  t.match(refused.error, { status: 401, title: String })
})

t.test('sync: the change feed lists what was written', async (t) => {
  const category = expect(t, await admin.POST('/v1/categories', { body: { name: 'Thời sự' } }), 201).data
  // On a server the feed shows a change once no older transaction runs anywhere on it (another
  // test file's included): ask again for a moment.
  const read = () => admin.GET('/v1/sync', { params: { query: { limit: 10 } } })
  let answer = await read()
  for (let i = 0; i < 100 && answer.data?.data.length === 0; i++) answer = await sleep(50).then(read)
  const feed = expect(t, answer, 200)
  t.match(feed.data, [{ type: 'category', id: category.id, op: 'upsert', data: { slug: 'thoi-su' } }])
  t.type(feed.meta.nextCursor, 'string')
})

t.test('webhooks: register, read, update, ping, the delivery log, retry, rotate the secret, delete', async (t) => {
  const receiver = await startReceiver(t)
  const worker = testWorker(database.db)
  const created = await admin.POST('/v1/webhooks', { body: { url: receiver.url, events: ['article.published'] } })
  const hook = expect(t, created, 201).data
  t.match(hook, { url: receiver.url, enabled: true, secret: /^whsec_/ })
  const id = hook.id
  t.same(expect(t, await admin.GET('/v1/webhooks'), 200).data.map((w) => w.id), [id])
  t.notOk('secret' in expect(t, await admin.GET('/v1/webhooks/{id}', { params: { path: { id } } }), 200).data, 'never the secret')
  const updated = await admin.PATCH('/v1/webhooks/{id}', { params: { path: { id } }, body: { description: 'CDN purge' } })
  t.equal(expect(t, updated, 200).data.description, 'CDN purge')

  const ping = expect(t, await admin.POST('/v1/webhooks/{id}/ping', { params: { path: { id } } }), 202).data
  t.match(ping, { status: 'pending' })
  await flush(worker, database.db)
  t.same(receiver.types(), ['webhook.ping'])
  const log = expect(t, await admin.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id } } }), 200)
  t.match(log.data, [{ id: ping.id, status: 'succeeded' }])
  const delivery = await admin.GET('/v1/webhooks/{id}/deliveries/{deliveryId}', { params: { path: { id, deliveryId: ping.id } } })
  t.match(expect(t, delivery, 200).data, { id: ping.id, attempts: [{ httpStatus: 204 }], payload: { type: 'webhook.ping' } })
  const retry = await admin.POST('/v1/webhooks/{id}/deliveries/{deliveryId}/retry', { params: { path: { id, deliveryId: ping.id } } })
  t.match(expect(t, retry, 202).data, { id: ping.id, status: 'pending' })

  const rotated = expect(t, await admin.POST('/v1/webhooks/{id}/rotate-secret', { params: { path: { id } } }), 200).data
  t.not(rotated.secret, hook.secret)
  expectEmpty(t, await admin.DELETE('/v1/webhooks/{id}', { params: { path: { id } } }))
})

t.test('media: upload as multipart, list, read, update, the bytes and a variant, delete', async (t) => {
  const file = new Blob([new Uint8Array(await png())], { type: 'image/png' })
  const uploaded = await admin.POST('/v1/media', { body: { file, alt: 'Hội nghị Ban Dân vận' }, bodySerializer: formData })
  const media = expect(t, uploaded, 201).data
  t.match(media, { kind: 'image', mimeType: 'image/png', width: 48, height: 32, alt: 'Hội nghị Ban Dân vận' })
  t.equal(uploaded.response.headers.get('location'), `/v1/media/${media.id}`)
  const id = media.id
  t.same(expect(t, await anonymous.GET('/v1/media'), 200).data.map((m) => m.id), [id])
  t.equal(expect(t, await anonymous.GET('/v1/media/{id}', { params: { path: { id } } }), 200).data.id, id)
  const updated = await admin.PATCH('/v1/media/{id}', { params: { path: { id } }, body: { caption: 'Quang cảnh hội nghị' } })
  t.equal(expect(t, updated, 200).data.caption, 'Quang cảnh hội nghị')

  const original = expect(t, await anonymous.GET('/v1/media/{id}/file', { params: { path: { id } }, parseAs: 'blob' }), 200)
  t.equal(original.type, 'image/png')
  const meta = await sharp(Buffer.from(await original.arrayBuffer())).metadata()
  t.match(meta, { format: 'png', width: 48, height: 32 }, 'the bytes come back as they went')
  const variant = await anonymous.GET('/v1/media/{id}/file', { params: { path: { id }, query: { w: 160, format: 'jpeg' } }, parseAs: 'arrayBuffer' })
  t.equal(variant.response.headers.get('content-type'), 'image/jpeg')
  t.equal((await sharp(Buffer.from(expect(t, variant, 200))).metadata()).format, 'jpeg')
  expectEmpty(t, await admin.DELETE('/v1/media/{id}', { params: { path: { id } } }))
})

t.test('the public site: feeds and sitemaps are XML text through the client too', async (t) => {
  const category = expect(t, await admin.POST('/v1/categories', { body: { name: 'Tin tức, sự kiện' } }), 201).data
  expect(t, await admin.POST('/v1/articles', { body: { title: 'Hội nghị tổng kết', status: 'published', categoryId: category.id } }), 201)
  expect(t, await admin.POST('/v1/pages', { body: { title: 'Giới thiệu', status: 'published' } }), 201)
  await admin.POST('/v1/documents', { body: { number: '15/2023/QĐ-UBND', kind: 'quyet-dinh', issuer: 'UBND huyện Lý Nhân', issuedAt: '2023-07-01', summary: 'Quy chế' } })
  const xml = [
    await anonymous.GET('/feeds/articles.rss', { parseAs: 'text' }),
    await anonymous.GET('/feeds/articles.atom', { parseAs: 'text' }),
    await anonymous.GET('/feeds/categories/{slug}.rss', { params: { path: { slug: category.slug } }, parseAs: 'text' }),
    await anonymous.GET('/sitemap.xml', { parseAs: 'text' }),
    await anonymous.GET('/sitemaps/articles.xml', { parseAs: 'text' }),
    await anonymous.GET('/sitemaps/categories.xml', { parseAs: 'text' }),
    await anonymous.GET('/sitemaps/pages.xml', { parseAs: 'text' }),
    await anonymous.GET('/sitemaps/documents.xml', { parseAs: 'text' }),
    await anonymous.GET('/sitemap-news.xml', { parseAs: 'text' }),
  ]
  for (const result of xml) t.match(expect(t, result, 200), /^<\?xml version="1.0" encoding="UTF-8"\?>/)
})

t.test('every operation of /openapi.json was called through the client and answered a success', async (t) => {
  const spec = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { operationId: string }>> }
  const missing: string[] = []
  let operations = 0
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      operations++
      const statuses = answered.get(`${method.toUpperCase()} ${path}`) ?? []
      if (!statuses.some((s) => s >= 200 && s < 300)) missing.push(`${op.operationId} (${method.toUpperCase()} ${path})`)
    }
  }
  t.ok(operations >= 45, `${operations} operations in the document`)
  t.same(missing, [], 'each needs a call with a valid request in test/client-contract.test.ts')
})
