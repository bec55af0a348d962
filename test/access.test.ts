import t from 'tap'
import { admin, buildTestApp, factories, resetDatabase, tokenFor } from './helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)

type Role = 'reader' | 'editor' | 'admin' | null
/**
 * Every route of the API and the least role it needs (null: open to anonymous callers).
 * The test below fails when a route exists that this table does not name.
 */
const routes: Record<string, Role> = {
  'GET /': null,
  'GET /health': null,
  'GET /ready': null,
  'GET /metrics': null,
  'GET /v1/tokens/{id}': 'admin',
  'GET /v1/categories': null,
  'GET /v1/categories/{idOrSlug}': null,
  'POST /v1/categories': 'editor',
  'PATCH /v1/categories/{idOrSlug}': 'editor',
  'DELETE /v1/categories/{idOrSlug}': 'editor',
  'GET /v1/people': null,
  'GET /v1/people/{idOrSlug}': null,
  'POST /v1/people': 'editor',
  'PATCH /v1/people/{idOrSlug}': 'editor',
  'DELETE /v1/people/{idOrSlug}': 'editor',
  'GET /v1/articles': null,
  'GET /v1/articles/{idOrSlug}': null,
  'GET /v1/articles/{idOrSlug}/related': null,
  'POST /v1/articles': 'editor',
  'PATCH /v1/articles/{idOrSlug}': 'editor',
  'DELETE /v1/articles/{idOrSlug}': 'editor',
  'POST /v1/articles/{idOrSlug}/restore': 'editor',
  'POST /v1/articles/{idOrSlug}/purge': 'admin',
  'GET /v1/articles/{idOrSlug}/revisions': 'reader',
  'GET /v1/articles/{idOrSlug}/revisions/{number}': 'reader',
  'POST /v1/articles/{idOrSlug}/revisions/{number}/restore': 'editor',
  'GET /v1/pages': null,
  'GET /v1/pages/{idOrSlug}': null,
  'POST /v1/pages': 'editor',
  'PATCH /v1/pages/{idOrSlug}': 'editor',
  'DELETE /v1/pages/{idOrSlug}': 'editor',
  'POST /v1/pages/{idOrSlug}/restore': 'editor',
  'POST /v1/pages/{idOrSlug}/purge': 'admin',
  'GET /v1/pages/{idOrSlug}/revisions': 'reader',
  'GET /v1/pages/{idOrSlug}/revisions/{number}': 'reader',
  'POST /v1/pages/{idOrSlug}/revisions/{number}/restore': 'editor',
  'GET /v1/menus': null,
  'GET /v1/menus/{idOrSlug}': null,
  'POST /v1/menus': 'editor',
  'PATCH /v1/menus/{idOrSlug}': 'editor',
  'DELETE /v1/menus/{idOrSlug}': 'editor',
  'GET /v1/documents': null,
  'GET /v1/documents/{idOrSlug}': null,
  'POST /v1/documents': 'editor',
  'PATCH /v1/documents/{idOrSlug}': 'editor',
  'DELETE /v1/documents/{idOrSlug}': 'editor',
  'GET /v1/document-kinds': null,
  'GET /v1/document-kinds/{slug}': null,
  'POST /v1/document-kinds': 'editor',
  'PATCH /v1/document-kinds/{slug}': 'editor',
  'DELETE /v1/document-kinds/{slug}': 'editor',
  'GET /v1/media': null,
  'GET /v1/media/{id}': null,
  'POST /v1/media': 'editor',
  'PATCH /v1/media/{id}': 'editor',
  'DELETE /v1/media/{id}': 'editor',
  'GET /v1/media/{id}/file': null,
  'POST /v1/tokens': 'admin',
  'GET /v1/tokens': 'admin',
  'DELETE /v1/tokens/{id}': 'admin',
  'GET /v1/sync': 'reader',
  'POST /v1/webhooks': 'admin',
  'GET /v1/webhooks': 'admin',
  'GET /v1/webhooks/{id}': 'admin',
  'PATCH /v1/webhooks/{id}': 'admin',
  'DELETE /v1/webhooks/{id}': 'admin',
  'POST /v1/webhooks/{id}/rotate-secret': 'admin',
  'POST /v1/webhooks/{id}/ping': 'admin',
  'GET /v1/webhooks/{id}/deliveries': 'admin',
  'GET /v1/webhooks/{id}/deliveries/{deliveryId}': 'admin',
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry': 'admin',
  'GET /feeds/articles.rss': null,
  'GET /feeds/articles.atom': null,
  'GET /feeds/categories/{slug}.rss': null,
  'GET /sitemap.xml': null,
  'GET /sitemaps/articles.xml': null,
  'GET /sitemaps/categories.xml': null,
  'GET /sitemaps/pages.xml': null,
  'GET /sitemaps/documents.xml': null,
  'GET /sitemap-news.xml': null,
}

const rank = { reader: 1, editor: 2, admin: 3 }

t.test('every route of the API is in the table of roles, and the spec says the same', async (t) => {
  const spec = (await app.inject('/openapi.json')).json()
  const found: string[] = []
  for (const [path, methods] of Object.entries<Record<string, { security: object[]; responses: object }>>(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path}`
      found.push(key)
      t.ok(key in routes, `${key} is in the table`)
      const role = routes[key]
      // A token is optional ({} is "no token") exactly where the table says anyone may call.
      t.same(operation.security, role ? [{ bearerAuth: [] }] : [{}, { bearerAuth: [] }], `${key}: the spec shows whether a token is needed`)
      t.equal('403' in operation.responses, Boolean(role), `${key}: 403 is documented where a role is needed`)
    }
  }
  t.same(found.sort(), Object.keys(routes).sort())
})

t.test('each caller gets what its role allows on every route', async (t) => {
  const callers: Record<string, { headers: Record<string, string>; rank: number; valid: boolean }> = {
    anonymous: { headers: {}, rank: 0, valid: true },
    reader: { headers: (await tokenFor(app, 'reader')).headers, rank: 1, valid: true },
    editor: { headers: (await tokenFor(app, 'editor')).headers, rank: 2, valid: true },
    admin: { headers: (await tokenFor(app, 'admin')).headers, rank: 3, valid: true },
    revoked: { headers: {}, rank: 0, valid: false },
    garbage: { headers: { authorization: 'Bearer bantin_0000000000000000000000000000' }, rank: 0, valid: false },
  }
  const revoked = await tokenFor(app, 'admin', 'revoked')
  await app.inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: admin })
  callers.revoked!.headers = revoked.headers

  for (const [route, role] of Object.entries(routes)) {
    const [method, path] = route.split(' ') as [string, string]
    for (const [who, caller] of Object.entries(callers)) {
      const article = await make.article({ status: 'published' })
      const url = path
        .replace('{idOrSlug}', article.id)
        .replace('{slug}', 'khong-co')
        .replace('{number}', '1')
        .replace('{id}', '01900000-0000-7000-8000-000000000000')
        .replace('{deliveryId}', '01900000-0000-7000-8000-000000000001')
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { ...caller.headers, ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
        payload: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      })
      const expected = !caller.valid ? 401 : role === null || caller.rank >= rank[role] ? 'allowed' : caller.rank === 0 ? 401 : 403
      if (expected === 'allowed') t.ok(res.statusCode !== 401 && res.statusCode !== 403, `${who} ${route}: ${res.statusCode}`)
      else t.equal(res.statusCode, expected, `${who} ${route}`)
      if (res.statusCode === 401) t.equal(res.headers['www-authenticate'], 'Bearer realm="bantin"')
    }
  }
})

t.test('a draft never reaches an anonymous caller, by any path', async (t) => {
  await resetDatabase(database)
  const category = await make.category({ name: 'Riêng tư' })
  const person = await make.person({ name: 'Người Bí Mật' })
  const hidden = [
    await make.article({ title: 'Bản nháp bí mật', categoryId: category.id, tags: ['bí mật'], people: [{ personId: person.id, role: 'author' }] }),
    await make.article({ title: 'Hẹn giờ bí mật', status: 'published', publishedAt: new Date(Date.now() + 3_600_000).toISOString(), categoryId: category.id, tags: ['bí mật'], people: [{ personId: person.id, role: 'author' }] }),
    await make.article({ title: 'Lưu trữ bí mật', status: 'archived', categoryId: category.id, tags: ['bí mật'], people: [{ personId: person.id, role: 'author' }] }),
  ]
  const open = await make.article({ title: 'Công khai', status: 'published', categoryId: category.id, tags: ['bí mật'], people: [{ personId: person.id, role: 'author' }] })
  const lists = [
    `/v1/articles/${open.slug}/related?limit=20`,
    '/v1/articles?limit=100',
    '/v1/articles?limit=100&status=published',
    `/v1/articles?category=${category.slug}`,
    `/v1/articles?person=${person.slug}`,
    `/v1/articles?person=${person.slug}&role=author`,
    '/v1/articles?tag=b%C3%AD%20m%E1%BA%ADt',
    '/v1/articles?sort=title&limit=100',
    '/v1/articles?sort=-updatedAt&limit=100',
    '/v1/articles?sort=publishedAt&limit=100',
    '/v1/articles?limit=100&offset=0',
    `/v1/articles?publishedAfter=${new Date().toISOString()}`,
    '/v1/articles?limit=100&include=category,people&fields=id,title,status',
  ]
  for (const url of lists) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.notMatch(res.body, /(Bản nháp|Hẹn giờ|Lưu trữ) bí mật/, url)
    if (url.includes('offset')) t.equal(res.json().meta.total, 1)
  }
  for (const [url, path] of [['/v1/articles?status=draft', 'status'], ['/v1/articles?status=archived', 'status'], ['/v1/articles?trashed=true', 'trashed']]) {
    const res = await app.inject(url!)
    t.equal(res.statusCode, 400, `${url}: refused, not an empty list`)
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', errors: [{ path, message: /token/ }] })
  }
  for (const article of hidden) {
    for (const url of [`/v1/articles/${article.id}`, `/v1/articles/${article.slug}`, `/v1/articles/${article.id}?include=category,people&render=html`]) {
      t.equal((await app.inject(url)).statusCode, 404, url)
    }
    t.equal((await app.inject(`/v1/articles/${article.id}/revisions`)).statusCode, 401)
    t.equal((await app.inject(`/v1/articles/${article.id}/revisions/1`)).statusCode, 401)
  }
})
