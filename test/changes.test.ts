import t from 'tap'
import { admin, buildTestApp, countRows, factories, multipart } from './helper.js'

// Every write route, and for each: exactly one change in the log per successful write, none for
// a rejected one. A write route that this table does not name fails the first test.

const { app, database } = await buildTestApp(t)
const make = factories(app)
const missing = '01900000-0000-7000-8000-000000000000'

type Request = { method: 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string> }
/** A case arranges what it needs (changes made then do not count) and returns the request. */
type Case = () => Promise<Request>

const json = (method: Request['method'], url: string, payload?: unknown, headers?: Record<string, string>): Request => ({
  method,
  url,
  ...(payload !== undefined && { payload }),
  ...(headers && { headers }),
})
const stale = { 'if-match': '"v99"' }
const upload = (fields: Record<string, string>, data: Buffer) => {
  const form = multipart([{ name: 'file', filename: 'anh.png', data, type: 'image/png' }, ...Object.entries(fields).map(([name, value]) => ({ name, value }))])
  return { method: 'POST' as const, url: '/v1/media', payload: form.payload, headers: form.headers }
}
const png = async () => {
  const { default: sharp } = await import('sharp')
  return sharp({ create: { width: 8, height: 8, channels: 3, background: '#2e86c1' } }).png().toBuffer()
}
const trashed = async () => {
  const article = await make.article()
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  return article
}

const trashedPage = async () => {
  const page = await make.page()
  await app.inject({ method: 'DELETE', url: `/v1/pages/${page.id}`, headers: admin })
  return page
}

const table: Record<string, { ok: Case; rejected: Record<number, Case> }> = {
  'POST /v1/categories': {
    ok: async () => json('POST', '/v1/categories', { name: 'Thời sự' }),
    rejected: {
      400: async () => json('POST', '/v1/categories', { name: 'Thời sự', colour: 'red' }),
      409: async () => json('POST', '/v1/categories', { name: 'Thời sự', slug: (await make.category()).slug }),
      422: async () => json('POST', '/v1/categories', { name: 'Thời sự', parentId: missing }),
    },
  },
  'PATCH /v1/categories/{idOrSlug}': {
    ok: async () => json('PATCH', `/v1/categories/${(await make.category()).id}`, { name: 'Tên mới' }),
    rejected: {
      400: async () => json('PATCH', `/v1/categories/${(await make.category()).id}`, { position: 'first' }),
      404: async () => json('PATCH', `/v1/categories/${missing}`, { name: 'Tên mới' }),
      409: async () => json('PATCH', `/v1/categories/${(await make.category()).id}`, { slug: (await make.category({ name: 'Khác' })).slug }),
      412: async () => json('PATCH', `/v1/categories/${(await make.category()).id}`, { name: 'Tên mới' }, stale),
      422: async () => json('PATCH', `/v1/categories/${(await make.category()).id}`, { parentId: missing }),
    },
  },
  'DELETE /v1/categories/{idOrSlug}': {
    ok: async () => json('DELETE', `/v1/categories/${(await make.category()).id}`),
    rejected: {
      404: async () => json('DELETE', `/v1/categories/${missing}`),
      409: async () => {
        const category = await make.category()
        await make.article({ categoryId: category.id })
        return json('DELETE', `/v1/categories/${category.id}`)
      },
      412: async () => json('DELETE', `/v1/categories/${(await make.category()).id}`, undefined, stale),
    },
  },
  'POST /v1/people': {
    ok: async () => json('POST', '/v1/people', { name: 'Lê Thị Hồng Hà' }),
    rejected: {
      400: async () => json('POST', '/v1/people', {}),
      409: async () => json('POST', '/v1/people', { name: 'Lê Thị Hồng Hà', slug: (await make.person()).slug }),
      422: async () => json('POST', '/v1/people', { name: 'Lê Thị Hồng Hà', photoId: missing }),
    },
  },
  'PATCH /v1/people/{idOrSlug}': {
    ok: async () => json('PATCH', `/v1/people/${(await make.person()).id}`, { title: 'Bí thư' }),
    rejected: {
      400: async () => json('PATCH', `/v1/people/${(await make.person()).id}`, { age: 40 }),
      404: async () => json('PATCH', `/v1/people/${missing}`, { title: 'Bí thư' }),
      409: async () => json('PATCH', `/v1/people/${(await make.person()).id}`, { slug: (await make.person({ name: 'Người khác' })).slug }),
      412: async () => json('PATCH', `/v1/people/${(await make.person()).id}`, { title: 'Bí thư' }, stale),
      422: async () => json('PATCH', `/v1/people/${(await make.person()).id}`, { photoId: missing }),
    },
  },
  'DELETE /v1/people/{idOrSlug}': {
    ok: async () => json('DELETE', `/v1/people/${(await make.person()).id}`),
    rejected: {
      404: async () => json('DELETE', `/v1/people/${missing}`),
      409: async () => {
        const person = await make.person()
        await make.article({ people: [{ personId: person.id, role: 'author' }] })
        return json('DELETE', `/v1/people/${person.id}`)
      },
      412: async () => json('DELETE', `/v1/people/${(await make.person()).id}`, undefined, stale),
    },
  },
  'POST /v1/articles': {
    ok: async () => json('POST', '/v1/articles', { title: 'Hội nghị tổng kết' }),
    rejected: {
      400: async () => json('POST', '/v1/articles', { title: 'Hội nghị', body: [{ type: 'video' }] }),
      409: async () => json('POST', '/v1/articles', { title: 'Hội nghị', slug: (await make.article()).slug }),
      422: async () => json('POST', '/v1/articles', { title: 'Hội nghị', categoryId: missing }),
    },
  },
  'PATCH /v1/articles/{idOrSlug}': {
    ok: async () => json('PATCH', `/v1/articles/${(await make.article()).id}`, { title: 'Tiêu đề mới' }),
    rejected: {
      400: async () => json('PATCH', `/v1/articles/${(await make.article()).id}`, { status: 'deleted' }),
      404: async () => json('PATCH', `/v1/articles/${missing}`, { title: 'Tiêu đề mới' }),
      409: async () => json('PATCH', `/v1/articles/${(await make.article()).id}`, { slug: (await make.article({ title: 'Bài khác' })).slug }),
      412: async () => json('PATCH', `/v1/articles/${(await make.article()).id}`, { title: 'Tiêu đề mới' }, stale),
      422: async () => json('PATCH', `/v1/articles/${(await make.article()).id}`, { coverId: missing }),
    },
  },
  'DELETE /v1/articles/{idOrSlug}': {
    ok: async () => json('DELETE', `/v1/articles/${(await make.article()).id}`),
    rejected: {
      404: async () => json('DELETE', `/v1/articles/${(await trashed()).id}`),
      412: async () => json('DELETE', `/v1/articles/${(await make.article()).id}`, undefined, stale),
    },
  },
  'POST /v1/articles/{idOrSlug}/restore': {
    ok: async () => json('POST', `/v1/articles/${(await trashed()).id}/restore`),
    rejected: {
      404: async () => json('POST', `/v1/articles/${(await make.article()).id}/restore`),
      412: async () => json('POST', `/v1/articles/${(await trashed()).id}/restore`, undefined, stale),
    },
  },
  'POST /v1/articles/{idOrSlug}/purge': {
    ok: async () => json('POST', `/v1/articles/${(await trashed()).id}/purge`),
    rejected: {
      404: async () => json('POST', `/v1/articles/${missing}/purge`),
      409: async () => json('POST', `/v1/articles/${(await make.article()).id}/purge`),
      412: async () => json('POST', `/v1/articles/${(await trashed()).id}/purge`, undefined, stale),
    },
  },
  'POST /v1/articles/{idOrSlug}/revisions/{number}/restore': {
    ok: async () => {
      const article = await make.article()
      await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Sửa' } })
      return json('POST', `/v1/articles/${article.id}/revisions/1/restore`)
    },
    rejected: {
      404: async () => json('POST', `/v1/articles/${(await make.article()).id}/revisions/7/restore`),
      412: async () => json('POST', `/v1/articles/${(await make.article()).id}/revisions/1/restore`, undefined, stale),
      422: async () => {
        const image = await make.image()
        const article = await make.article({ body: [{ type: 'image', mediaId: image.id }] })
        await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { body: [] } })
        await app.inject({ method: 'DELETE', url: `/v1/media/${image.id}`, headers: admin })
        return json('POST', `/v1/articles/${article.id}/revisions/1/restore`)
      },
    },
  },
  'POST /v1/pages': {
    ok: async () => json('POST', '/v1/pages', { title: 'Giới thiệu' }),
    rejected: {
      400: async () => json('POST', '/v1/pages', { title: 'Giới thiệu', status: 'archived' }),
      409: async () => json('POST', '/v1/pages', { title: 'Giới thiệu', slug: (await make.page()).slug }),
      422: async () => json('POST', '/v1/pages', { title: 'Giới thiệu', parentId: missing }),
    },
  },
  'PATCH /v1/pages/{idOrSlug}': {
    ok: async () => json('PATCH', `/v1/pages/${(await make.page()).id}`, { title: 'Lịch sử' }),
    rejected: {
      400: async () => json('PATCH', `/v1/pages/${(await make.page()).id}`, { position: 'first' }),
      404: async () => json('PATCH', `/v1/pages/${missing}`, { title: 'Lịch sử' }),
      409: async () => json('PATCH', `/v1/pages/${(await make.page()).id}`, { slug: (await make.page({ title: 'Khác' })).slug }),
      412: async () => json('PATCH', `/v1/pages/${(await make.page()).id}`, { title: 'Lịch sử' }, stale),
      422: async () => {
        const page = await make.page()
        return json('PATCH', `/v1/pages/${page.id}`, { parentId: page.id })
      },
    },
  },
  'DELETE /v1/pages/{idOrSlug}': {
    ok: async () => json('DELETE', `/v1/pages/${(await make.page()).id}`),
    rejected: {
      404: async () => json('DELETE', `/v1/pages/${missing}`),
      409: async () => {
        const page = await make.page()
        await make.menu({ items: [{ label: 'Giới thiệu', link: { type: 'page', id: page.id } }] })
        return json('DELETE', `/v1/pages/${page.id}`)
      },
      412: async () => json('DELETE', `/v1/pages/${(await make.page()).id}`, undefined, stale),
    },
  },
  'POST /v1/pages/{idOrSlug}/restore': {
    ok: async () => json('POST', `/v1/pages/${(await trashedPage()).id}/restore`),
    rejected: {
      404: async () => json('POST', `/v1/pages/${(await make.page()).id}/restore`),
      412: async () => json('POST', `/v1/pages/${(await trashedPage()).id}/restore`, undefined, stale),
    },
  },
  'POST /v1/pages/{idOrSlug}/purge': {
    ok: async () => json('POST', `/v1/pages/${(await trashedPage()).id}/purge`),
    rejected: {
      404: async () => json('POST', `/v1/pages/${missing}/purge`),
      409: async () => json('POST', `/v1/pages/${(await make.page()).id}/purge`),
      412: async () => json('POST', `/v1/pages/${(await trashedPage()).id}/purge`, undefined, stale),
    },
  },
  'POST /v1/pages/{idOrSlug}/revisions/{number}/restore': {
    ok: async () => {
      const page = await make.page()
      await app.inject({ method: 'PATCH', url: `/v1/pages/${page.id}`, headers: admin, payload: { title: 'Sửa' } })
      return json('POST', `/v1/pages/${page.id}/revisions/1/restore`)
    },
    rejected: {
      404: async () => json('POST', `/v1/pages/${(await make.page()).id}/revisions/7/restore`),
      412: async () => json('POST', `/v1/pages/${(await make.page()).id}/revisions/1/restore`, undefined, stale),
      422: async () => {
        const parent = await make.page({ title: 'Trên' })
        const page = await make.page({ title: 'Dưới', parentId: parent.id })
        await app.inject({ method: 'PATCH', url: `/v1/pages/${page.id}`, headers: admin, payload: { parentId: null } })
        await app.inject({ method: 'DELETE', url: `/v1/pages/${parent.id}`, headers: admin })
        return json('POST', `/v1/pages/${page.id}/revisions/1/restore`)
      },
    },
  },
  'POST /v1/menus': {
    ok: async () => json('POST', '/v1/menus', { name: 'Menu chân trang', items: [{ label: 'Tỉnh Hà Nam', link: { type: 'url', url: 'https://hanam.gov.vn' } }] }),
    rejected: {
      400: async () => json('POST', '/v1/menus', { name: 'Menu', items: [{ label: 'X', link: { type: 'url', url: 'javascript:alert(1)' } }] }),
      409: async () => json('POST', '/v1/menus', { name: 'Menu', slug: (await make.menu()).slug }),
      422: async () => json('POST', '/v1/menus', { name: 'Menu', items: [{ label: 'X', link: { type: 'page', id: missing } }] }),
    },
  },
  'PATCH /v1/menus/{idOrSlug}': {
    ok: async () => json('PATCH', `/v1/menus/${(await make.menu()).id}`, { name: 'Menu chính' }),
    rejected: {
      400: async () => json('PATCH', `/v1/menus/${(await make.menu()).id}`, { items: 'none' }),
      404: async () => json('PATCH', `/v1/menus/${missing}`, { name: 'Menu chính' }),
      409: async () => json('PATCH', `/v1/menus/${(await make.menu()).id}`, { slug: (await make.menu({ name: 'Khác' })).slug }),
      412: async () => json('PATCH', `/v1/menus/${(await make.menu()).id}`, { name: 'Menu chính' }, stale),
      422: async () => json('PATCH', `/v1/menus/${(await make.menu()).id}`, { items: [{ label: 'X', link: { type: 'category', id: missing } }] }),
    },
  },
  'DELETE /v1/menus/{idOrSlug}': {
    ok: async () => json('DELETE', `/v1/menus/${(await make.menu()).id}`),
    rejected: {
      404: async () => json('DELETE', `/v1/menus/${missing}`),
      412: async () => json('DELETE', `/v1/menus/${(await make.menu()).id}`, undefined, stale),
    },
  },
  'POST /v1/documents': {
    ok: async () => json('POST', '/v1/documents', { number: '45/TB-UBND', kind: 'thong-bao', issuer: 'UBND huyện Lý Nhân', issuedAt: '2024-01-15', summary: 'Kế hoạch công tác dân vận năm 2024' }),
    rejected: {
      400: async () => json('POST', '/v1/documents', { number: '45/KH-UBND', kind: 'ke-hoach', issuer: 'UBND huyện', issuedAt: '2024-01-15', summary: 'x', expiredAt: '2023-01-01' }),
      409: async () => {
        const doc = await make.document()
        return json('POST', '/v1/documents', { number: doc.number, kind: 'ke-hoach', issuer: doc.issuer, issuedAt: '2024-01-15', summary: 'x' })
      },
      422: async () => json('POST', '/v1/documents', { number: '46/KH-UBND', kind: 'sac-lenh', issuer: 'UBND huyện', issuedAt: '2024-01-15', summary: 'x' }),
    },
  },
  'PATCH /v1/documents/{idOrSlug}': {
    ok: async () => json('PATCH', `/v1/documents/${(await make.document()).id}`, { field: 'Dân vận' }),
    rejected: {
      400: async () => json('PATCH', `/v1/documents/${(await make.document()).id}`, { issuedAt: '15/01/2024' }),
      404: async () => json('PATCH', `/v1/documents/${missing}`, { field: 'Dân vận' }),
      409: async () => {
        const doc = await make.document()
        const other = await make.document({ number: `${doc.number}-2` })
        return json('PATCH', `/v1/documents/${other.id}`, { number: doc.number })
      },
      412: async () => json('PATCH', `/v1/documents/${(await make.document()).id}`, { field: 'Dân vận' }, stale),
      422: async () => json('PATCH', `/v1/documents/${(await make.document()).id}`, { signerId: missing }),
    },
  },
  'DELETE /v1/documents/{idOrSlug}': {
    ok: async () => json('DELETE', `/v1/documents/${(await make.document()).id}`),
    rejected: {
      404: async () => json('DELETE', `/v1/documents/${missing}`),
      412: async () => json('DELETE', `/v1/documents/${(await make.document()).id}`, undefined, stale),
    },
  },
  'POST /v1/media': {
    ok: async () => upload({ caption: 'Toàn cảnh hội nghị' }, await png()),
    rejected: {
      400: async () => ({ method: 'POST', url: '/v1/media', payload: '--x\r\nbroken', headers: { 'content-type': 'multipart/form-data; boundary=x' } }),
      415: async () => upload({}, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')),
      422: async () => upload({ creditPersonId: missing }, await png()),
    },
  },
  'PATCH /v1/media/{id}': {
    ok: async () => json('PATCH', `/v1/media/${(await make.image()).id}`, { alt: 'Toàn cảnh' }),
    rejected: {
      400: async () => json('PATCH', `/v1/media/${(await make.image()).id}`, { width: 10 }),
      404: async () => json('PATCH', `/v1/media/${missing}`, { alt: 'Toàn cảnh' }),
      412: async () => json('PATCH', `/v1/media/${(await make.image()).id}`, { alt: 'Toàn cảnh' }, stale),
      422: async () => json('PATCH', `/v1/media/${(await make.image()).id}`, { creditPersonId: missing }),
    },
  },
  'DELETE /v1/media/{id}': {
    ok: async () => json('DELETE', `/v1/media/${(await make.image()).id}`),
    rejected: {
      404: async () => json('DELETE', `/v1/media/${missing}`),
      409: async () => {
        const image = await make.image()
        await make.article({ coverId: image.id })
        return json('DELETE', `/v1/media/${image.id}`)
      },
      412: async () => json('DELETE', `/v1/media/${(await make.image()).id}`, undefined, stale),
    },
  },
}

/** Writes that change no content: they are not in the change log, and the reason is given. */
const notContent: Record<string, string> = {
  'POST /v1/tokens': 'tokens are access, not content',
  'DELETE /v1/tokens/{id}': 'tokens are access, not content',
  'POST /v1/webhooks': 'webhooks are configuration, not content',
  'PATCH /v1/webhooks/{id}': 'webhooks are configuration, not content',
  'DELETE /v1/webhooks/{id}': 'webhooks are configuration, not content',
  'POST /v1/webhooks/{id}/rotate-secret': 'a webhook secret is configuration, not content',
  'POST /v1/webhooks/{id}/ping': 'a ping is a delivery, not a change of content',
  'POST /v1/document-kinds': 'the kinds of documents are configuration, not content',
  'PATCH /v1/document-kinds/{slug}': 'the kinds of documents are configuration, not content',
  'DELETE /v1/document-kinds/{slug}': 'the kinds of documents are configuration, not content',
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry': 'a retry is a delivery, not a change of content',
}

t.test('every write route is in the table of change records', async (t) => {
  const spec = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> }
  const writes = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => m !== 'get' && m !== 'head')
      .map((m) => `${m.toUpperCase()} ${path}`),
  )
  for (const route of writes) t.ok(route in table || route in notContent, `${route} is in the table`)
  t.same(Object.keys(table).concat(Object.keys(notContent)).sort(), writes.sort())
})

t.test('a successful write records exactly one change; a rejected one records none', async (t) => {
  for (const [route, { ok, rejected }] of Object.entries(table)) {
    const request = await ok()
    const before = await countRows(database, 'changes')
    const res = await app.inject({ ...request, headers: { ...admin, ...request.headers } } as never)
    t.ok(res.statusCode < 300, `${route}: ${res.statusCode} ${res.statusCode >= 300 ? res.body : ''}`)
    t.equal(await countRows(database, 'changes'), before + 1, `${route}: one change`)

    for (const [status, arrange] of Object.entries(rejected)) {
      const request = await arrange()
      const before = await countRows(database, 'changes')
      const res = await app.inject({ ...request, headers: { ...admin, ...request.headers } } as never)
      t.equal(res.statusCode, Number(status), `${route} → ${status}: ${res.body}`)
      t.equal(await countRows(database, 'changes'), before, `${route} → ${status}: no change`)
    }
  }
})
