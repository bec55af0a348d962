import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { ArticleInput, Article } from '../src/resources/articles/articles.schemas.js'
import { Category } from '../src/resources/categories/categories.schemas.js'
import { Media } from '../src/resources/media/media.schemas.js'
import { Menu, MenuInput, ResolvedMenu } from '../src/resources/menus/menus.schemas.js'
import { Page, PageInput } from '../src/resources/pages/pages.schemas.js'
import { Person } from '../src/resources/people/people.schemas.js'
import {
  articleExample,
  articleInputExample,
  categoryExample,
  mediaExample,
  menuExample,
  menuInputExample,
  pageExample,
  pageInputExample,
  personExample,
  problemExample,
  resolvedMenuExample,
} from '../src/shared/examples.js'
import { Problem } from '../src/shared/schemas.js'
import { admin, buildTestApp } from './helper.js'

// Rate limiting on, so the document shows everything a production server answers.
const { app } = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '1000' } })
const root = fileURLToPath(new URL('..', import.meta.url))

type Json = Record<string, any>
const spec = (await app.inject('/openapi.json')).json() as Json
const operations = Object.entries(spec.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })),
)

t.test('the served document passes redocly lint (recommended rules, redocly.yaml): no error, no warning', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bantin-openapi-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'openapi.json')
  await writeFile(file, (await app.inject('/openapi.json')).body)
  const cli = join(root, 'node_modules/@redocly/cli/bin/cli.js')
  const args = [cli, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format=json']
  // redocly exits 1 when it finds an error: its report is the same JSON on stdout.
  const stdout = await promisify(execFile)(process.execPath, args, { cwd: root })
    .then((r) => r.stdout)
    .catch((err: { stdout?: string }) => err.stdout ?? '')
  const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] }
  t.same(report.problems.map((p) => `${p.ruleId}: ${p.message}`), [])
  t.same(report.totals, { errors: 0, warnings: 0, ignored: 0 })
})

t.test('/openapi.json is built once: the same bytes and ETag every time, 304 for a current one', async (t) => {
  const first = await app.inject('/openapi.json')
  const second = await app.inject('/openapi.json')
  t.equal(first.body, second.body)
  t.equal(first.headers.etag, second.headers.etag)
  t.match(first.headers['content-type'], /^application\/json/)
  const again = await app.inject({ url: '/openapi.json', headers: { 'if-none-match': first.headers.etag as string } })
  t.equal(again.statusCode, 304)
})

t.test('every operation has a unique operationId, a tag and real descriptions', async (t) => {
  const ids = operations.map(({ op }) => op.operationId)
  t.equal(new Set(ids).size, operations.length, 'unique')
  for (const { key, op } of operations) {
    t.match(op.operationId, /^[a-z][A-Za-z]+$/, key)
    t.ok(op.tags?.length, `${key} has a tag`)
    for (const [status, response] of Object.entries<Json>(op.responses)) {
      t.not(response.description, 'Default Response', `${key} ${status}`)
    }
  }
  t.match(operations.find((o) => o.key === 'GET /v1/articles')?.op, { operationId: 'listArticles' })
  t.match(operations.find((o) => o.key === 'POST /v1/media')?.op, { operationId: 'createMediaUpload' })
  for (const tag of spec.tags) t.ok(tag.description, `tag ${tag.name} is described`)
  t.match(spec.servers, [{ url: '/' }])
  t.match(spec.info.description, /docs\/api\.md/)
})

t.test('every error is one problem+json response, with the statuses each operation can answer', async (t) => {
  const problem = spec.components.schemas.Problem
  t.match(problem, { properties: { type: Object, title: Object, status: Object, errors: { type: 'array' } } })
  for (const [name, response] of Object.entries<Json>(spec.components.responses)) {
    t.same(Object.keys(response.content), ['application/problem+json'], name)
    t.same(response.content['application/problem+json'].schema, { $ref: '#/components/schemas/Problem' }, name)
  }
  for (const { key, op } of operations) {
    const statuses = Object.keys(op.responses)
    for (const status of statuses.filter((s) => Number(s) >= 400)) {
      t.match(op.responses[status], { $ref: /^#\/components\/responses\// }, `${key} ${status}`)
    }
    t.ok(statuses.includes('401') && statuses.includes('503'), `${key}: 401 and 503`)
    t.equal(statuses.includes('403'), op.security.length === 1, `${key}: 403 exactly where a token is required`)
    t.equal(statuses.includes('429'), !['/health', '/ready'].includes(key.split(' ')[1]!), `${key}: 429 where the rate limit counts`)
    if (op.requestBody) t.ok(['413', '415'].every((s) => statuses.includes(s)), `${key}: 413 and 415 with a body`)
    const ifMatch = (op.parameters ?? []).some((p: Json) => p.$ref === '#/components/parameters/IfMatch')
    t.equal(ifMatch, statuses.includes('412'), `${key}: If-Match where a stale one is a 412`)
  }
  // A token is checked wherever it is sent: even /health answers 401 to an invalid one.
  const health = await app.inject({ url: '/health', headers: { authorization: 'Bearer not-a-token' } })
  t.equal(health.statusCode, 401)
  t.match(health.headers['content-type'], /^application\/problem\+json/)
  t.match(spec.components.responses.TooManyRequests.headers, { 'Retry-After': Object, 'X-RateLimit-Limit': Object })
  t.match(spec.components.responses.ServiceUnavailable.headers, { 'Retry-After': Object })
  t.match(spec.components.responses.Unauthorized.headers, { 'WWW-Authenticate': Object })
})

t.test('headers: ETag on reads and versioned writes, Location on creates, If-None-Match on every read', async (t) => {
  for (const { key, method, op } of operations) {
    if (method === 'get') {
      t.ok(op.responses['200'].headers.ETag, `${key} 200 has ETag`)
      t.ok(op.parameters.some((p: Json) => p.$ref === '#/components/parameters/IfNoneMatch'), `${key} takes If-None-Match`)
    }
    if (op.responses['201']) t.ok(op.responses['201'].headers.Location, `${key} 201 has Location`)
    t.ok(Object.values<Json>(op.responses).some((r) => r.headers?.['X-RateLimit-Remaining']) || key.endsWith('/health') || key.endsWith('/ready'), `${key}: rate-limit headers`)
  }
  t.ok(spec.paths['/v1/articles/{idOrSlug}'].patch.responses['200'].headers.ETag)
  t.ok(spec.paths['/v1/articles'].post.responses['201'].headers.ETag)
})

t.test('uploads are multipart/form-data with a binary file; files are bytes, not JSON', async (t) => {
  const upload = spec.paths['/v1/media'].post.requestBody.content['multipart/form-data'].schema
  t.match(upload, { properties: { file: { type: 'string', format: 'binary' }, alt: Object, creditPersonId: Object }, required: ['file'] })
  const file = spec.paths['/v1/media/{id}/file'].get
  t.notOk(file.responses['200'].content['application/json'])
  t.match(file.responses['200'].content, { 'image/*': { schema: { format: 'binary' } }, 'application/octet-stream': Object })
  t.match(file.responses['206'].content['image/*'], { schema: { format: 'binary' } })
  const w = file.parameters.find((p: Json) => p.name === 'w')
  t.same(w.schema, { type: 'integer', enum: [160, 320, 640, 960, 1200, 1280, 1920] })
})

t.test('comma lists are arrays of names; list items are whole articles unless fields= asks for less', async (t) => {
  const list = spec.paths['/v1/articles'].get
  for (const name of ['include', 'fields']) {
    const param = list.parameters.find((p: Json) => p.name === name)
    t.match(param, { in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string', enum: Array } } }, name)
    t.notOk(param.schema.maxLength, `${name}: no string bound on an array`)
  }
  t.match(list.parameters.find((p: Json) => p.name === 'include').schema.items.enum, ['category', 'people', 'cover', 'media'])
  const items = list.responses['200'].content['application/json'].schema.properties.data.items
  t.same(items, { anyOf: [{ $ref: '#/components/schemas/Article' }, { $ref: '#/components/schemas/ArticleFields' }] })
  t.ok(spec.components.schemas.Article.required.includes('title'))
  t.notOk(spec.components.schemas.ArticleFields.required)
  // The wire form is unchanged: a comma list in one parameter.
  t.equal((await app.inject('/v1/articles?include=category,people&fields=id,title')).statusCode, 200)
  t.equal((await app.inject('/v1/articles?include=author')).statusCode, 400)
})

t.test('no safe-integer noise and no unused component', async (t) => {
  const text = JSON.stringify(spec)
  t.notMatch(text, /9007199254740991/)
  for (const [name] of Object.entries(spec.components.schemas)) {
    t.ok(text.includes(`"#/components/schemas/${name}"`), `${name} is used`)
  }
})

t.test('examples are the sample content, each valid for its schema; the problem one is a real answer', async (t) => {
  const cases = { Article: [Article, articleExample], Category: [Category, categoryExample], Person: [Person, personExample], Media: [Media, mediaExample], Page: [Page, pageExample], Menu: [Menu, menuExample], ResolvedMenu: [ResolvedMenu, resolvedMenuExample], Problem: [Problem, problemExample] } as const
  for (const [name, [schema, example]] of Object.entries(cases)) {
    const parsed = schema.safeParse(example)
    t.ok(parsed.success, `${name}: ${parsed.error?.message ?? 'valid'}`)
    t.same(spec.components.schemas[name].example, example, `${name} carries its example`)
  }
  t.ok(ArticleInput.safeParse(articleInputExample).success, 'the article input example is valid')
  t.ok(PageInput.safeParse(pageInputExample).success, 'the page input example is valid')
  t.ok(MenuInput.safeParse(menuInputExample).success, 'the menu input example is valid')
  t.match(spec.paths['/v1/articles'].post.requestBody.content['application/json'].schema.example, { title: articleExample.title })
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: '' } })
  t.same(res.json(), problemExample)
})
