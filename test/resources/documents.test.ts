import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase, tokenFor } from '../helper.js'
import { rawRows } from '../../src/db/client.js'
import { vietnamDay } from '../../src/resources/documents/documents.json.js'
import { listStatement } from '../../src/resources/documents/documents.queries.js'
import type { DocumentListQuery } from '../../src/resources/documents/documents.schemas.js'
import { plansMade, sequentialScans } from '../plans.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const missing = '01900000-0000-7000-8000-000000000000'
const post = (payload: Record<string, unknown>, headers: Record<string, string> = admin) =>
  app.inject({ method: 'POST', url: '/v1/documents', headers, payload })
const patch = (idOrSlug: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'PATCH', url: `/v1/documents/${idOrSlug}`, headers: { ...admin, ...headers }, payload })
const list = async (query: string, headers: Record<string, string> = {}) => {
  const res = await app.inject({ url: `/v1/documents?${query}`, headers })
  if (res.statusCode !== 200) throw new Error(`GET /v1/documents?${query}: ${res.statusCode} ${res.body}`)
  return res.json() as { data: { number: string; [k: string]: unknown }[]; meta: { nextCursor: string | null; total?: number } }
}
const numbers = async (query: string) => (await list(query)).data.map((d) => d.number)

const base = {
  number: '15/2023/QĐ-UBND',
  kind: 'quyet-dinh',
  issuer: 'UBND huyện Lý Nhân',
  issuedAt: '2023-06-20',
  summary: 'Về việc ban hành Quy chế làm việc của Ủy ban nhân dân huyện nhiệm kỳ 2021–2026',
}

t.test('POST /v1/documents keeps every field, makes the slug from kind and number, and derives inForce', async (t) => {
  const person = await make.person({ name: 'Trần Minh Ngọc' })
  const pdf = await make.image()
  const article = await make.article({ status: 'published' })
  const res = await post({ ...base, signerId: person.id, effectiveAt: '2023-07-01', field: 'Hành chính', fileIds: [pdf.id], articleIds: [article.id] })
  t.equal(res.statusCode, 201, res.body)
  const data = res.json().data
  t.match(data, {
    slug: 'quyet-dinh-15-2023-qd-ubnd',
    number: '15/2023/QĐ-UBND',
    kind: 'quyet-dinh',
    issuer: 'UBND huyện Lý Nhân',
    signerId: person.id,
    issuedAt: '2023-06-20',
    effectiveAt: '2023-07-01',
    expiredAt: null,
    inForce: true,
    field: 'Hành chính',
    fileIds: [pdf.id],
    articleIds: [article.id],
    version: 1,
  })
  t.equal(res.headers.location, `/v1/documents/${data.id}`)
  t.match(res.headers.etag, /^"v1-[\w-]+"$/)
  const read = await app.inject(`/v1/documents/${data.slug}?include=signer,files,articles`)
  t.equal(read.statusCode, 200)
  t.match(read.json().data, { id: data.id, signer: { name: 'Trần Minh Ngọc' }, files: [{ id: pdf.id }], articles: [{ id: article.id, slug: article.slug }] })
  t.equal((await app.inject(`/v1/documents/${data.id}`)).json().data.signer, undefined, 'no embeds unless asked')
  const unsigned = await make.document({ number: '7/TB-UBND', kind: 'thong-bao' })
  t.match((await app.inject(`/v1/documents/${unsigned.id}?include=signer,files,articles`)).json().data, { signer: null, files: [], articles: [] })
  t.equal((await make.document({ ...base, issuer: 'UBND xã Nhân Hậu' })).slug, 'quyet-dinh-15-2023-qd-ubnd-2', 'a second slug gets a suffix')
  t.equal((await make.document({ ...base, issuer: 'UBND xã Nhân Mỹ', slug: 'qd-15' })).slug, 'qd-15', 'an explicit slug is kept')
})

t.test('a number is unique per issuer, whatever its case, diacritics and separators; another issuer may use it', async (t) => {
  await make.document(base)
  const before = await countRows(database, 'documents')
  for (const number of ['15/2023/QĐ-UBND', '15/2023/qđ-ubnd', '15 2023 QD UBND']) {
    const res = await post({ ...base, number })
    t.equal(res.statusCode, 409, number)
    t.match(res.json(), { type: 'urn:bantin:problem:number-taken', detail: /UBND huyện Lý Nhân already has a document numbered/, errors: [{ path: 'number' }] })
  }
  t.equal(await countRows(database, 'documents'), before, 'nothing written')
  t.equal((await post({ ...base, issuer: 'HĐND huyện Lý Nhân' })).statusCode, 201, 'the same number by another issuer')
  const other = await make.document({ ...base, number: '16/2023/QĐ-UBND' })
  const res = await patch(other.id, { number: '15/2023/QD-UBND' })
  t.equal(res.statusCode, 409)
  t.match(res.json(), { detail: /numbered "15\/2023\/QD-UBND"/, errors: [{ path: 'number' }] })
  t.equal((await app.inject(`/v1/documents/${other.id}`)).json().data.version, 1, 'the patch wrote nothing')
})

t.test('bad input is refused with the field it is about, and nothing is written', async (t) => {
  const article = await make.article()
  const trashed = await make.article({ title: 'Bài đã xóa' })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed.id}`, headers: admin })
  const image = await make.image()
  const cases: [Record<string, unknown>, number, string][] = [
    [{ ...base, kind: 'sac-lenh' }, 422, 'kind'],
    [{ ...base, signerId: missing }, 422, 'signerId'],
    [{ ...base, fileIds: [image.id, missing] }, 422, 'fileIds.1'],
    [{ ...base, articleIds: [article.id, missing] }, 422, 'articleIds.1'],
    [{ ...base, articleIds: [trashed.id] }, 422, 'articleIds.0'],
    [{ ...base, effectiveAt: '2024-01-01', expiredAt: '2023-12-31' }, 400, 'expiredAt'],
    [{ ...base, expiredAt: '2023-06-19' }, 400, 'expiredAt'],
    [{ ...base, issuedAt: '2023-02-30' }, 400, 'issuedAt'],
    [{ ...base, issuedAt: '20/06/2023' }, 400, 'issuedAt'],
    [{ ...base, number: ' / - ' }, 400, 'number'],
    [{ ...base, summary: '' }, 400, 'summary'],
    [{ ...base, fileIds: [image.id, image.id] }, 400, 'fileIds'],
    [{ ...base, colour: 'red' }, 400, ''],
    [{ ...base, issuer: undefined }, 400, 'issuer'],
  ]
  for (const [payload, status, path] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, status, `${JSON.stringify(payload)}: ${res.body}`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    if (path) t.match(res.json().errors, [{ path }], path)
  }
  t.equal(await countRows(database, 'documents'), 0)
  t.equal(await countRows(database, 'changes'), 4, 'only the arrangement (three articles and trash, the image) wrote')

  const doc = await make.document(base)
  for (const [payload, path] of [[{ kind: 'sac-lenh' }, 'kind'], [{ signerId: missing }, 'signerId'], [{ fileIds: [missing] }, 'fileIds.0'], [{ expiredAt: '2020-01-01' }, 'expiredAt'], [{ effectiveAt: '2030-01-01', expiredAt: '2029-01-01' }, 'expiredAt']] as const) {
    const res = await patch(doc.id, payload)
    t.ok(res.statusCode === 400 || res.statusCode === 422, `${JSON.stringify(payload)}: ${res.statusCode}`)
    t.match(res.json().errors, [{ path }])
  }
  t.equal((await app.inject(`/v1/documents/${doc.id}`)).json().data.version, 1, 'no patch wrote')
  t.equal((await patch(missing, { summary: 'x' })).statusCode, 404)
  t.equal((await app.inject(`/v1/documents/${missing}`)).statusCode, 404)
  t.equal((await app.inject('/v1/documents/khong-co')).statusCode, 404)
})

/** The day of `at` (now by default) on the calendar of Việt Nam, as PostgreSQL counts it in a session of another zone. */
async function dayInVietnam(at = sql`now()`): Promise<string> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`set local time zone 'America/New_York'`)
    const [row] = await rawRows<{ day: string }>(tx, sql`select ${vietnamDay(at)}::text as day`)
    return row!.day
  })
}

t.test('documents are dated on the calendar of Việt Nam (UTC+7), whatever the zone of the session', async (t) => {
  t.equal(await dayInVietnam(sql`'2024-01-14T16:59:59Z'::timestamptz`), '2024-01-14')
  t.equal(await dayInVietnam(sql`'2024-01-14T17:00:00Z'::timestamptz`), '2024-01-15')
})

t.test('inForce is derived from the dates on the day of the read', async (t) => {
  const today = await dayInVietnam()
  const past = '2020-01-01'
  const future = '2999-01-01'
  await make.document({ ...base, number: '1/QĐ-UBND', issuedAt: past })
  await make.document({ ...base, number: '2/QĐ-UBND', issuedAt: past, effectiveAt: future })
  await make.document({ ...base, number: '3/QĐ-UBND', issuedAt: past, expiredAt: '2021-01-01' })
  await make.document({ ...base, number: '4/QĐ-UBND', issuedAt: past, expiredAt: future })
  await make.document({ ...base, number: '5/QĐ-UBND', issuedAt: past, expiredAt: today })
  await make.document({ ...base, number: '6/QĐ-UBND', issuedAt: today })
  const all = await list('limit=100&sort=number')
  t.same(all.data.map((d) => [d.number, d.inForce]), [
    ['1/QĐ-UBND', true],
    ['2/QĐ-UBND', false],
    ['3/QĐ-UBND', false],
    ['4/QĐ-UBND', true],
    ['5/QĐ-UBND', false],
    ['6/QĐ-UBND', true],
  ])
  t.same(await numbers('inForce=true&sort=number'), ['1/QĐ-UBND', '4/QĐ-UBND', '6/QĐ-UBND'])
  t.same(await numbers('inForce=false&sort=number'), ['2/QĐ-UBND', '3/QĐ-UBND', '5/QĐ-UBND'])
  t.equal((await app.inject('/v1/documents?inForce=yes')).statusCode, 400)
})

t.test('lists filter by kind, issuer, field and year, and sort', async (t) => {
  await make.document({ ...base, number: '10/QĐ-UBND', issuedAt: '2023-03-01', field: 'Đất đai' })
  await make.document({ ...base, number: '20/KH-UBND', kind: 'ke-hoach', issuedAt: '2024-01-15', field: 'Dân vận' })
  await make.document({ ...base, number: '30/TB-UBND', kind: 'thong-bao', issuedAt: '2024-05-02', issuer: 'UBND xã Nhân Hậu' })
  await make.document({ ...base, number: '05/KH-UBND', kind: 'ke-hoach', issuedAt: '2022-12-31', field: 'Dân vận' })
  t.same(await numbers(''), ['30/TB-UBND', '20/KH-UBND', '10/QĐ-UBND', '05/KH-UBND'], '-issuedAt by default')
  t.same(await numbers('sort=issuedAt'), ['05/KH-UBND', '10/QĐ-UBND', '20/KH-UBND', '30/TB-UBND'])
  t.same(await numbers('sort=number'), ['05/KH-UBND', '10/QĐ-UBND', '20/KH-UBND', '30/TB-UBND'])
  t.same(await numbers('kind=ke-hoach'), ['20/KH-UBND', '05/KH-UBND'])
  t.same(await numbers(`issuer=${encodeURIComponent('UBND xã Nhân Hậu')}`), ['30/TB-UBND'])
  t.same(await numbers(`field=${encodeURIComponent('Dân vận')}`), ['20/KH-UBND', '05/KH-UBND'])
  t.same(await numbers('year=2024'), ['30/TB-UBND', '20/KH-UBND'])
  t.same(await numbers('year=2022&kind=ke-hoach'), ['05/KH-UBND'])
  t.same(await numbers('kind=chi-thi'), [])
  t.same(await numbers('year=9999'), [], 'the last year there is')
  await patch('quyet-dinh-10-qd-ubnd', { summary: 'Sửa trích yếu' })
  t.same((await numbers('sort=-updatedAt')).slice(0, 1), ['10/QĐ-UBND'])
  for (const bad of ['year=abc', 'year=0', 'sort=title', 'sort=relevance', 'include=body', 'colour=red']) {
    const res = await app.inject(`/v1/documents?${bad}`)
    t.equal(res.statusCode, 400, bad)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
})

t.test('lists page by cursor under every sort, and by offset with a total', async (t) => {
  for (let i = 1; i <= 5; i++) await make.document({ ...base, number: `${i}/TB-UBND`, kind: 'thong-bao', issuedAt: `2024-0${i}-01` })
  for (const sort of ['-issuedAt', 'issuedAt', 'number', '-updatedAt']) {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await list(`sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.data.map((d) => d.number))
      cursor = page.meta.nextCursor
    } while (cursor)
    t.same([...seen].sort(), ['1/TB-UBND', '2/TB-UBND', '3/TB-UBND', '4/TB-UBND', '5/TB-UBND'], sort)
    t.equal(new Set(seen).size, 5, `${sort}: each once`)
  }
  t.match(await list('limit=2&offset=4'), { data: [{ number: '1/TB-UBND' }], meta: { total: 5, offset: 4, nextCursor: null } })
  const first = await list('limit=2')
  t.equal((await app.inject(`/v1/documents?sort=number&cursor=${first.meta.nextCursor}`)).statusCode, 400, 'a cursor of another sort')
  t.equal((await app.inject(`/v1/documents?offset=1&cursor=${first.meta.nextCursor}`)).statusCode, 400)
})

t.test('q finds a number whatever its diacritics, case and separators, and summaries as article search does', async (t) => {
  await make.document(base)
  await make.document({ ...base, number: '45/KH-UBND', kind: 'ke-hoach', issuedAt: '2024-01-15', summary: 'Kế hoạch thực hiện công tác dân vận chính quyền năm 2024, có nhắc Quyết định 15/2023/QĐ-UBND' })
  await make.document({ ...base, number: '1234/QĐ-UBND', issuedAt: '2023-12-20', summary: 'Về việc công nhận mô hình “Dân vận khéo” cấp huyện năm 2023', field: 'Dân vận' })
  await make.document({ ...base, number: '15/2023/QĐ-UBND', issuer: 'UBND xã Nhân Hậu', issuedAt: '2023-01-02', summary: 'Về việc thành lập tổ công tác' })
  for (const q of ['15/2023/QĐ-UBND', '15/2023/qd-ubnd', '15 2023 QĐ UBND', '15-2023-qđ-ubnd']) {
    const found = (await list(`q=${encodeURIComponent(q)}`)).data.map((d) => `${d.number} ${d.issuer}`)
    t.same(found.slice(0, 2).sort(), ['15/2023/QĐ-UBND UBND huyện Lý Nhân', '15/2023/QĐ-UBND UBND xã Nhân Hậu'], `${q}: the number first`)
    t.same(found.slice(2), ['45/KH-UBND UBND huyện Lý Nhân'], `${q}: then the summary that quotes it`)
  }
  t.same(await numbers(`q=${encodeURIComponent('dân vận')}`), ['1234/QĐ-UBND', '45/KH-UBND'])
  t.same(await numbers('q=dan%20van%20kheo'), ['1234/QĐ-UBND'], 'without diacritics')
  t.same(await numbers(`q=${encodeURIComponent('"dân vận khéo"')}`), ['1234/QĐ-UBND'], 'a phrase')
  t.same(await numbers(`q=${encodeURIComponent('dân vận -khéo')}`), ['45/KH-UBND'], 'an excluded word')
  t.same(await numbers('q=1234'), ['1234/QĐ-UBND'])
  t.same(await numbers('q=kh-ubnd'), ['45/KH-UBND'])
  t.same(await numbers('q=thanh%20lapp'), ['15/2023/QĐ-UBND'], 'a typo, as article search forgives it')
  t.same(await numbers('q=khong%20co%20gi'), [])
  t.same(await numbers('q=-dan'), [], 'only exclusions find nothing')
  t.same(await numbers(`q=${encodeURIComponent('dân vận')}&sort=number`), ['1234/QĐ-UBND', '45/KH-UBND'])
  t.same(await numbers(`q=${encodeURIComponent('dân vận')}&kind=ke-hoach`), ['45/KH-UBND'], 'q with a filter')
  const paged: string[] = []
  let cursor: string | null = null
  do {
    const page = await list(`q=15%202023&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
    paged.push(...page.data.map((d) => `${d.number} ${d.issuer}`))
    cursor = page.meta.nextCursor
  } while (cursor)
  t.equal(paged.length, 3, 'a ranked search pages by cursor')
  t.equal(new Set(paged).size, 3)
  t.match(await list('q=15%202023&limit=1&offset=2'), { data: [{ number: '45/KH-UBND' }], meta: { total: 3 } })
  const first = await list('q=15%202023&limit=1')
  t.equal((await app.inject(`/v1/documents?q=dan&cursor=${first.meta.nextCursor}`)).statusCode, 400, 'the cursor belongs to its q')
  t.equal((await app.inject('/v1/documents?q=%20')).statusCode, 400)
  const garbled = Buffer.from(JSON.stringify([`relevance:${first.meta.nextCursor!.length}`, 'x|y', missing])).toString('base64url')
  t.equal((await app.inject(`/v1/documents?q=dan&cursor=${garbled}`)).statusCode, 400, 'a cursor that is not one')
  t.equal((await app.inject(`/v1/documents?q=dan&offset=1&cursor=${first.meta.nextCursor}`)).statusCode, 400, 'cursor and offset')
})

t.test('PATCH with If-Match: the current ETag writes, a stale one is a 412 and writes nothing; GET answers 304', async (t) => {
  const doc = await make.document(base)
  const read = await app.inject(`/v1/documents/${doc.id}`)
  const etag = read.headers.etag as string
  t.match(etag, /^"v1-/)
  t.equal(read.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600')
  const again = await app.inject({ url: `/v1/documents/${doc.id}`, headers: { 'if-none-match': etag } })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  const ok = await patch(doc.id, { summary: 'Trích yếu mới', expiredAt: '2030-01-01' }, { 'if-match': etag })
  t.equal(ok.statusCode, 200)
  t.match(ok.json().data, { version: 2, summary: 'Trích yếu mới', expiredAt: '2030-01-01' })
  t.match(ok.headers.etag, /^"v2-/)
  const changes = await countRows(database, 'changes')
  const stale = await patch(doc.id, { summary: 'Ghi đè' }, { 'if-match': etag })
  t.equal(stale.statusCode, 412)
  t.equal(stale.json().type, 'urn:bantin:problem:precondition-failed')
  t.equal(await countRows(database, 'changes'), changes, 'no change recorded')
  t.equal((await app.inject(`/v1/documents/${doc.id}`)).json().data.summary, 'Trích yếu mới')
  const same = await patch(doc.id, { summary: 'Trích yếu mới' })
  t.equal(same.json().data.version, 2, 'a patch that changes nothing writes nothing')
  t.equal(await countRows(database, 'changes'), changes)
  t.equal((await patch(doc.id, { number: '99/QĐ-UBND' })).json().data.number, '99/QĐ-UBND')
  t.same(await numbers('q=99%20qd'), ['99/QĐ-UBND'], 'search follows the new number')
  t.same(await numbers('q=15%202023'), [], 'and no longer finds the old one')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${doc.id}`, headers: { ...admin, 'if-match': etag } })).statusCode, 412)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${doc.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject(`/v1/documents/${doc.id}`)).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${doc.id}`, headers: admin })).statusCode, 404)
})

t.test('anonymous callers read every document, and only the related articles they may read', async (t) => {
  const published = await make.article({ status: 'published', title: 'Bài đã đăng' })
  const draft = await make.article({ title: 'Bài nháp' })
  const doc = await make.document({ ...base, articleIds: [draft.id, published.id] })
  const anonymous = await app.inject(`/v1/documents/${doc.id}?include=articles`)
  t.same(anonymous.json().data.articleIds, [published.id])
  t.same(anonymous.json().data.articles.map((a: { id: string }) => a.id), [published.id])
  t.notMatch(anonymous.body, /Bài nháp/)
  t.same((await list('include=articles')).data[0]!.articleIds, [published.id])
  const reader = await tokenFor(app, 'reader')
  const withToken = await app.inject({ url: `/v1/documents/${doc.id}`, headers: reader.headers })
  t.same(withToken.json().data.articleIds, [draft.id, published.id])
  t.equal(withToken.headers['cache-control'], 'private, no-store')
  t.not(withToken.headers.etag, anonymous.headers.etag, 'what differs has another ETag')
  t.equal((await post(base, reader.headers)).statusCode, 403, 'readers do not write')
  t.equal((await post(base, {})).statusCode, 401)
  await app.inject({ method: 'DELETE', url: `/v1/articles/${draft.id}`, headers: admin })
  t.same((await app.inject({ url: `/v1/documents/${doc.id}`, headers: reader.headers })).json().data.articleIds, [published.id], 'an article in the trash drops out')
  await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/restore`, headers: admin })
  t.same((await app.inject({ url: `/v1/documents/${doc.id}`, headers: reader.headers })).json().data.articleIds, [draft.id, published.id], 'and comes back with it')
  const editor = await tokenFor(app, 'editor')
  t.equal((await post({ ...base, number: '16/2023/QĐ-UBND' }, editor.headers)).statusCode, 201, 'editors write')
})

t.test('media and people in use by a document cannot be deleted; the 409 says where', async (t) => {
  const person = await make.person({ name: 'Trần Minh Ngọc' })
  const pdf = await make.image()
  const doc = await make.document({ ...base, signerId: person.id, fileIds: [pdf.id] })
  const media = await app.inject({ method: 'DELETE', url: `/v1/media/${pdf.id}`, headers: admin })
  t.equal(media.statusCode, 409)
  t.match(media.json().detail, `the files of document ${doc.slug}`)
  const signer = await app.inject({ method: 'DELETE', url: `/v1/people/${person.id}`, headers: admin })
  t.equal(signer.statusCode, 409)
  t.match(signer.json().detail, 'the signer of 1 documents')
  await patch(doc.id, { fileIds: [], signerId: null })
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/media/${pdf.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/people/${person.id}`, headers: admin })).statusCode, 204)
})

t.test('document kinds: a managed list, seeded; a kind in use cannot go', async (t) => {
  const kinds = await app.inject('/v1/document-kinds')
  t.equal(kinds.statusCode, 200)
  t.match(kinds.json().data.slice(0, 4), [{ slug: 'quyet-dinh', name: 'Quyết định' }, { slug: 'nghi-quyet' }, { slug: 'chi-thi' }, { slug: 'ke-hoach', name: 'Kế hoạch' }])
  const created = await app.inject({ method: 'POST', url: '/v1/document-kinds', headers: admin, payload: { name: 'Thông tư liên tịch', position: 50 } })
  t.equal(created.statusCode, 201)
  t.match(created.json().data, { slug: 'thong-tu-lien-tich', name: 'Thông tư liên tịch', position: 50 })
  t.equal(created.headers.location, '/v1/document-kinds/thong-tu-lien-tich')
  t.match((await app.inject('/v1/document-kinds/thong-tu-lien-tich')).json().data, { name: 'Thông tư liên tịch' })
  t.equal((await app.inject('/v1/document-kinds/khong-co')).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/v1/document-kinds', headers: admin, payload: { name: 'Thông tư liên tịch' } })).statusCode, 409)
  t.equal((await app.inject({ method: 'POST', url: '/v1/document-kinds', headers: admin, payload: { name: 'Khác', slug: 'quyet-dinh' } })).statusCode, 409)
  const sameName = await app.inject({ method: 'POST', url: '/v1/document-kinds', headers: admin, payload: { name: 'Quyết định', slug: 'quyet-dinh-2' } })
  t.equal(sameName.statusCode, 409)
  t.equal(sameName.json().type, 'urn:bantin:problem:name-taken')
  const kindPatch = (slug: string, payload: Record<string, unknown>) => app.inject({ method: 'PATCH', url: `/v1/document-kinds/${slug}`, headers: admin, payload })
  t.match((await kindPatch('thong-tu-lien-tich', { name: 'Thông tư LT', position: 13 })).json().data, { slug: 'thong-tu-lien-tich', name: 'Thông tư LT', position: 13 })
  t.equal((await kindPatch('thong-tu-lien-tich', { name: 'Kế hoạch' })).statusCode, 409, 'a name another kind has')
  t.equal((await kindPatch('thong-tu-lien-tich', { slug: 'moi' })).statusCode, 400, 'the slug stays')
  t.equal((await kindPatch('khong-co', { name: 'X' })).statusCode, 404)
  t.equal((await kindPatch('thong-tu-lien-tich', {})).json().data.name, 'Thông tư LT', 'an empty patch changes nothing')
  const doc = await make.document({ ...base, kind: 'thong-tu-lien-tich' })
  const inUse = await app.inject({ method: 'DELETE', url: '/v1/document-kinds/thong-tu-lien-tich', headers: admin })
  t.equal(inUse.statusCode, 409)
  t.match(inUse.json().detail, /1 documents/)
  await app.inject({ method: 'DELETE', url: `/v1/documents/${doc.id}`, headers: admin })
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/document-kinds/thong-tu-lien-tich', headers: admin })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/document-kinds/thong-tu-lien-tich', headers: admin })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/v1/document-kinds', payload: { name: 'X' } })).statusCode, 401)
  const noSlug = await app.inject({ method: 'POST', url: '/v1/document-kinds', headers: admin, payload: { name: '…' } })
  t.equal(noSlug.statusCode, 400)
  t.match(noSlug.json().errors, [{ path: 'slug' }])
})

t.test('two editors creating the same number at once: one 201, one 409', async (t) => {
  const results = await Promise.all([post(base), post({ ...base, number: '15/2023/qđ-ubnd' })])
  t.same(results.map((r) => r.statusCode).sort(), [201, 409])
  t.equal(await countRows(database, 'documents'), 1)
})

t.test('writes are in the change log and the sync feed serves documents', async (t) => {
  const doc = await make.document(base)
  await patch(doc.id, { field: 'Nội vụ' })
  const other = await make.document({ ...base, number: '2/QĐ-UBND' })
  await app.inject({ method: 'DELETE', url: `/v1/documents/${other.id}`, headers: admin })
  const sync = await app.inject({ url: '/v1/sync?types=document', headers: admin })
  t.equal(sync.statusCode, 200)
  t.match(sync.json().data, [
    { type: 'document', id: doc.id, op: 'upsert', data: { number: '15/2023/QĐ-UBND', field: 'Nội vụ', version: 2, inForce: true } },
    { type: 'document', id: other.id, op: 'delete', data: null },
  ])
  const events = await database.db.execute(sql`select events from changes where type = 'document' order by seq`)
  t.same((events as unknown as { rows: { events: string[] }[] }).rows.map((r) => r.events), [
    ['document.created'],
    ['document.updated'],
    ['document.created'],
    ['document.deleted'],
  ])
})

t.test('every filter and sort of a list is read by an index, not a scan of the documents', async (t) => {
  const { db } = database
  // 6,000 documents over twelve kinds, forty issuers, ten fields and fifteen years.
  await db.execute(sql`
    insert into documents (id, slug, number, number_folded, kind, issuer, issued_at, effective_at, expired_at, summary, field)
    select gen_random_uuid(), 'van-ban-' || i, i || '/QĐ-UBND', i || ' qd ubnd',
      (array['quyet-dinh','nghi-quyet','chi-thi','ke-hoach','thong-bao','cong-van','bao-cao','to-trinh','huong-dan','quy-dinh','chuong-trinh','ket-luan'])[1 + i % 12],
      'UBND xã ' || (i % 40), date '2010-01-01' + (i % 5400), null, case when i % 3 = 0 then date '2012-01-01' + (i % 6000) end,
      'Trích yếu văn bản số ' || i, 'Lĩnh vực ' || (i % 10)
    from generate_series(1, 6000) i`)
  await db.execute(sql`analyze documents`)
  const query = (extra: Partial<DocumentListQuery>): DocumentListQuery => ({ limit: 20, ...extra })
  const cases: Partial<DocumentListQuery>[] = [
    {},
    { kind: 'ke-hoach' },
    { kind: 'ke-hoach', sort: 'issuedAt' },
    { issuer: 'UBND xã 7' },
    { field: 'Lĩnh vực 3' },
    { year: 2015 },
    { inForce: 'true' },
    { inForce: 'false', kind: 'chi-thi' },
    { sort: 'number' },
    { sort: '-updatedAt' },
  ]
  for (const extra of cases) t.same(await sequentialScans(db, listStatement(db, query(extra)), ['documents']), [], JSON.stringify(extra))
  if (process.env.DATABASE_URL) {
    // Of ten runs on one connection, no more custom plans than the five PostgreSQL makes before it keeps a generic one.
    for (const extra of [{ kind: 'ke-hoach' }, {}]) {
      const plans = await plansMade(db, listStatement(db, query(extra)), ['documents'])
      t.ok(plans.custom <= 5 && plans.generic + plans.custom === 10, `${JSON.stringify(extra)}: a generic plan kept (${plans.generic} generic, ${plans.custom} custom)`)
      t.same(plans.genericScans, [], `${JSON.stringify(extra)}: the generic plan reads by index too`)
    }
  }
})
