import t from 'tap'
import sharp from 'sharp'
import { admin, buildTestApp, factories, multipart, resetDatabase } from './helper.js'

// Vietnamese typed on a Mac, or by some input methods, arrives decomposed (NFD): "ậ" as
// "a" + U+0323 + U+0302. The API keeps one form, NFC, whatever the client sent.
const { app, database } = await buildTestApp(t)
const make = factories(app)
const nfd = (s: string) => s.normalize('NFD')
const isNfc = (s: string) => s === s.normalize('NFC')

t.beforeEach(() => resetDatabase(database))

t.test('an NFD title, tag and summary are stored in NFC; the slug is the same as from NFC', async (t) => {
  const title = 'Ban Dân vận Huyện ủy triển khai nhiệm vụ'
  t.not(nfd(title), title, 'the test really sends another form')
  const article = await make.article({ title: nfd(title), summary: nfd('Chiều ngày 06/12/2023'), tags: [nfd('Dân vận')], status: 'published' })
  t.equal(article.title, title)
  t.ok(isNfc(article.summary as string))
  t.same(article.tags, ['dân vận'])
  t.equal(article.slug, 'ban-dan-van-huyen-uy-trien-khai-nhiem-vu')
  const stored = (await app.inject(`/v1/articles/${article.id}`)).json().data
  t.equal(stored.title, title, 'read back in NFC')
})

t.test('a tag filter finds the tag whatever form either side used', async (t) => {
  await make.article({ title: 'Một', tags: [nfd('dân vận')], status: 'published' })
  await make.article({ title: 'Hai', tags: ['dân vận'], status: 'published' })
  for (const tag of ['dân vận', nfd('dân vận')]) {
    const res = await app.inject(`/v1/articles?tag=${encodeURIComponent(tag)}`)
    t.equal(res.statusCode, 200)
    t.equal(res.json().data.length, 2, tag === nfd(tag) ? 'NFC query' : 'NFD query')
  }
})

t.test('names, categories and people searched or written in NFD are NFC', async (t) => {
  const person = await make.person({ name: nfd('Phạm Thị Thủy'), title: nfd('Phó Trưởng Ban Dân vận Tỉnh ủy') })
  t.equal(person.name, 'Phạm Thị Thủy')
  t.equal(person.title, 'Phó Trưởng Ban Dân vận Tỉnh ủy')
  const found = await app.inject(`/v1/people?q=${encodeURIComponent(nfd('Thủy'))}`)
  t.equal(found.json().data.length, 1)
  const category = await make.category({ name: nfd('Tin tức, sự kiện') })
  t.equal(category.name, 'Tin tức, sự kiện')
  t.equal((await app.inject(`/v1/categories/${category.slug}`)).json().data.name, 'Tin tức, sự kiện')
})

t.test('an upload\'s text fields and filename in NFD are stored in NFC', async (t) => {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toBuffer()
  const form = multipart([
    { name: 'file', filename: nfd('ảnh hội nghị.png'), data: png, type: 'image/png' },
    { name: 'caption', value: nfd('Hội nghị tổng kết công tác dân vận') },
    { name: 'credit', value: nfd('Ảnh: Văn Vương') },
  ])
  const res = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
  t.equal(res.statusCode, 201)
  t.match(res.json().data, { filename: 'ảnh hội nghị.png', caption: 'Hội nghị tổng kết công tác dân vận', credit: 'Ảnh: Văn Vương' })
  const bad = multipart([
    { name: 'file', filename: 'a.png', data: png, type: 'image/png' },
    { name: 'caption', value: 'x\u0000' },
  ])
  const refused = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...bad.headers }, payload: bad.payload })
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { errors: [{ path: 'caption', message: /NUL/ }] })
})
