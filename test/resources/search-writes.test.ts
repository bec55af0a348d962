import t from 'tap'
import { admin, buildTestApp, countRows, factories, resetDatabase } from '../helper.js'

const queries: string[] = []
const { app, database } = await buildTestApp(t, { onQuery: (query) => queries.push(query) })
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

const found = async (q: string, headers = {}) =>
  (await app.inject({ url: `/v1/articles?q=${encodeURIComponent(q)}&fields=slug`, headers })).json().data.map((a: { slug: string }) => a.slug)
const patch = (id: string, payload: object) => app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: admin, payload })
const published = { status: 'published', publishedAt: '2024-03-01T08:00:00.000Z' }

t.test('an article is searchable as soon as it is created, by either way of creating it', async (t) => {
  const plain = await make.article({ title: 'Hội nghị sơ kết công tác tuyên giáo', slug: 'so-ket', ...published })
  const image = await make.image()
  const withImage = await make.article({
    title: 'Ảnh hội nghị',
    slug: 'anh-hoi-nghi',
    ...published,
    body: [{ type: 'image', mediaId: image.id, caption: 'Toàn cảnh lễ khánh thành cầu Nhân Hòa' }],
  })
  t.ok(plain.id && withImage.id)
  t.same(await found('tuyen giao'), ['so-ket'])
  t.same(await found('khánh thành cầu'), ['anh-hoi-nghi'], 'image captions are indexed (the path that checks media first)')
  t.equal(await countRows(database, 'article_search'), 2)
})

t.test('a change of title, body, tags or people is searchable at once; a status change keeps the index', async (t) => {
  const person = await make.person({ name: 'Hoàng Văn Thắng' })
  const article = await make.article({ title: 'Tin cũ về thủy lợi', slug: 'tin', tags: ['nông nghiệp'], ...published })
  t.equal((await patch(article.id, { title: 'Tin mới về giao thông', tags: ['hạ tầng'], people: [{ personId: person.id, role: 'author' }] })).statusCode, 200)
  t.same(await found('thuy loi'), [])
  t.same(await found('giao thông'), ['tin'])
  t.same(await found('ha tang'), ['tin'])
  t.same(await found('nong nghiep'), [])
  t.same(await found('Hoàng Văn Thắng'), ['tin'], 'a linked person is searchable by name')
  t.equal((await patch(article.id, { body: [{ type: 'quote', text: 'Đường thông, dân vui', cite: 'Người dân thôn Đông' }] })).statusCode, 200)
  t.same(await found('thon dong'), ['tin'], 'quotes and their sources are indexed')
  t.equal((await patch(article.id, { status: 'archived' })).statusCode, 200)
  t.same(await found('giao thông'), [], 'archived: gone for anonymous callers')
  t.equal((await patch(article.id, { status: 'published' })).statusCode, 200)
  t.same(await found('giao thông'), ['tin'])
  t.equal((await patch(article.id, { people: [] })).statusCode, 200)
  t.same(await found('Hoàng Văn Thắng'), [], 'unlinked: no longer found by the name')
})

t.test('restoring a revision restores what search finds', async (t) => {
  const article = await make.article({ title: 'Phiên bản đầu tiên', slug: 'ban-dau', ...published })
  await patch(article.id, { title: 'Phiên bản thứ hai' })
  t.same(await found('dau tien'), [])
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/revisions/1/restore`, headers: admin })
  t.equal(res.statusCode, 200)
  t.same(await found('dau tien'), ['ban-dau'])
  t.same(await found('thu hai'), [])
})

t.test('renaming a person re-indexes the articles that link the person, in the same write', async (t) => {
  const person = await make.person({ name: 'Trần Văn Nam' })
  const other = await make.person({ name: 'Lê Thị Lan' })
  for (const slug of ['mot', 'hai']) {
    await make.article({ title: `Bài ${slug}`, slug, ...published, people: [{ personId: person.id, role: 'author' }, { personId: other.id, role: 'mentioned' }] })
  }
  await make.article({ title: 'Bài khác', slug: 'khac', ...published })
  t.same(await found('Trần Văn Nam'), ['hai', 'mot'])
  const stale = await app.inject({ method: 'PATCH', url: `/v1/people/${person.id}`, headers: { ...admin, 'if-match': '"v9"' }, payload: { name: 'Trần Văn Bắc' } })
  t.equal(stale.statusCode, 412)
  t.same(await found('Trần Văn Bắc'), [], 'a refused rename changes nothing')
  const res = await app.inject({ method: 'PATCH', url: `/v1/people/${person.id}`, headers: admin, payload: { name: 'Trần Văn Bắc' } })
  t.equal(res.statusCode, 200)
  t.same(await found('Trần Văn Bắc'), ['hai', 'mot'])
  t.same(await found('Trần Văn Nam'), [])
  t.same(await found('Lê Thị Lan'), ['hai', 'mot'], 'the other people linked stay')
  t.same(await found('tran van bacc'), ['hai', 'mot'], 'the new name is in the lexicon at once')
})

t.test('trash hides, restore shows again, purge removes the search row', async (t) => {
  const article = await make.article({ title: 'Bài sẽ vào thùng rác', slug: 'rac', ...published })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  t.same(await found('thung rac'), [])
  t.same(await found('thung rac', admin), [], 'not in lists with a token either, unless trashed=true')
  await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/restore`, headers: admin })
  t.same(await found('thung rac'), ['rac'])
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/purge`, headers: admin })).statusCode, 204)
  t.equal(await countRows(database, 'article_search'), 0)
})

t.test('typo tolerance learns the words of new articles, people and media', async (t) => {
  t.same(await found('khanh thanhh'), [])
  await make.article({ title: 'Khánh thành trường mầm non', slug: 'mam-non', ...published })
  t.same(await found('khanh thanhh'), ['mam-non'])
  t.same(await found('khanh thanhh mamm non'), ['mam-non'], 'several words, one typo each')
  t.same(await found('"khanh thanhh"'), [], 'a quoted phrase is taken as typed')
  t.same(await found('khanh thanh -mamm'), ['mam-non'], 'an excluded word is taken as typed')
  t.same(await found('kh thanh'), [], 'no tolerance under 4 letters')
})

t.test('a create sends the lexicon only the words it is not known to hold; a reset database learns them again', async (t) => {
  const lexiconWrites = async (title: string, slug: string) => {
    queries.length = 0
    await make.article({ title, slug, ...published })
    return queries.filter((q) => q.includes('insert into search_lexicon')).length
  }
  t.equal(await lexiconWrites('Khánh thành trường mầm non', 'mam-non'), 1)
  t.equal(await lexiconWrites('Trường mầm non khánh thành', 'mam-non-2'), 0, 'every word known: no lexicon insert')
  t.equal(await lexiconWrites('Trường tiểu học khánh thành', 'tieu-hoc'), 1, 'a new word is sent')
  const known = (await app.inject(`/v1/articles?q=${encodeURIComponent('tieu hocc')}&fields=slug`)).json().data
  t.same(known.map((a: { slug: string }) => a.slug), ['tieu-hoc'])
  await resetDatabase(database)
  t.equal(await lexiconWrites('Trường tiểu học khánh thành', 'tieu-hoc'), 1, 'after a reset the words are sent again')
  t.same(await found('tieu hocc'), ['tieu-hoc'], 'and typo tolerance finds them')
})

t.test('GET /v1/people?q= and GET /v1/media?q= fold the same way and forgive a typo', async (t) => {
  await make.person({ name: 'Phạm Thị Thủy' })
  await make.person({ name: 'Nguyễn Văn Đạt' })
  await make.person({ name: 'Đỗ Văn Hoà' })
  const names = async (q: string) =>
    (await app.inject(`/v1/people?q=${encodeURIComponent(q)}`)).json().data.map((p: { name: string }) => p.name)
  t.same(await names('pham thi thuy'), ['Phạm Thị Thủy'])
  t.same(await names('PHẠM THỊ THỦY'.normalize('NFD')), ['Phạm Thị Thủy'])
  t.same(await names('pham thi thuyy'), ['Phạm Thị Thủy'], 'one typo')
  t.same(await names('nguyenn dat'), ['Nguyễn Văn Đạt'])
  t.same(await names('van'), ['Nguyễn Văn Đạt', 'Đỗ Văn Hoà'], 'parts of names still match')
  t.same(await names('van -hoa'), ['Nguyễn Văn Đạt'])
  t.same(await names('"van hoa"'), ['Đỗ Văn Hoà'])
  t.same(await names('Văn Hòa'), ['Đỗ Văn Hoà'], 'tone placement does not matter')
  t.same(await names('xyzzyq'), [])
  t.same(await names('%'), [])

  await make.image({ caption: 'Hội nghị tổng kết công tác dân vận năm 2023', credit: 'Ảnh: Văn Vương' })
  await make.image({ caption: 'Lễ khánh thành nhà văn hóa' })
  const captions = async (q: string) =>
    (await app.inject(`/v1/media?q=${encodeURIComponent(q)}`)).json().data.map((m: { caption: string }) => m.caption)
  t.same(await captions('dan van'), ['Hội nghị tổng kết công tác dân vận năm 2023'])
  t.same(await captions('tongg ket'), ['Hội nghị tổng kết công tác dân vận năm 2023'], 'one typo')
  t.same(await captions('vuongg'), ['Hội nghị tổng kết công tác dân vận năm 2023'], 'credits too')
  t.same(await captions('van'), ['Lễ khánh thành nhà văn hóa', 'Hội nghị tổng kết công tác dân vận năm 2023'])
  t.same(await captions('"van hoa"'), ['Lễ khánh thành nhà văn hóa'])
  t.equal((await app.inject(`/v1/media?q=${'a'.repeat(201)}`)).statusCode, 400)
})
