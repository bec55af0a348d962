import t, { type Test } from 'tap'
import { admin, buildTestApp, countRows, factories, multipart } from '../helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)

const missingId = '01900000-0000-7000-8000-000000000000'
const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: admin, payload: payload as object })
const patch = (url: string, payload: unknown) => app.inject({ method: 'PATCH', url, headers: admin, payload: payload as object })
const changes = () => countRows(database, 'changes')

async function pdf() {
  const form = multipart([{ name: 'file', filename: 'quyet-dinh.pdf', data: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'), type: 'application/pdf' }])
  const res = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
  return res.json().data as { id: string }
}

const title = 'Hội nghị tổng kết công tác dân vận năm 2023 và triển khai phương hướng, nhiệm vụ năm 2024 của Ban Dân vận Huyện ủy Lý Nhân'
const summary =
  'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức hội nghị tổng kết công tác dân vận năm 2023, triển khai phương hướng, nhiệm vụ năm 2024. Dự hội nghị có đồng chí Phạm Thị Thủy, Phó Trưởng Ban Dân vận Tỉnh ủy, cùng lãnh đạo các xã, thị trấn.'

/** A cut text: at most `max` characters, ending in an ellipsis at a word's end of the original. */
function assertCut(t: Test, cut: string, original: string, max: number) {
  t.ok([...cut].length <= max, `${[...cut].length} ≤ ${max} characters`)
  t.ok(cut.endsWith('…'), 'ends with an ellipsis')
  const head = cut.slice(0, -1)
  t.ok(original.startsWith(head), 'a start of the original')
  t.equal(original[head.length], ' ', 'cut where a word ends')
}

t.test('an article keeps its seo; reads add share from it, with the SEO image at most 1200 wide', async (t) => {
  const cover = await make.image({}, { width: 1600, height: 1067 })
  const card = await make.image({}, { width: 2400, height: 1260 })
  const seo = {
    title: 'Dân vận khéo: Lý Nhân tổng kết năm 2023',
    description: 'Những mô hình dân vận khéo của huyện Lý Nhân',
    imageId: card.id,
    canonicalUrl: 'https://lynhan.hanam.gov.vn/tin-tuc/dan-van-kheo-2023',
    noindex: true,
  }
  const res = await post('/v1/articles', { title, summary, status: 'published', coverId: cover.id, seo })
  t.equal(res.statusCode, 201, res.body)
  const created = res.json().data
  t.same(created.seo, seo)
  t.notOk('share' in created, 'the answer of a write has no share')

  const read = (await app.inject(`/v1/articles/${created.slug}`)).json().data
  t.same(read.seo, seo)
  t.notOk('url' in read, 'without SITE_URL, no url')
  t.same(read.share, {
    title: seo.title,
    description: seo.description,
    image: { url: `/v1/media/${card.id}/file?w=1200&format=jpeg`, width: 1200, height: 630 },
    url: seo.canonicalUrl,
  })
  const rendition = await app.inject(read.share.image.url)
  t.equal(rendition.statusCode, 200, 'the image URL serves the rendition')
  t.equal(rendition.headers['content-type'], 'image/jpeg')
})

t.test('without seo, share falls back to the title, the excerpt and the cover, cut at a word', async (t) => {
  const cover = await make.image({}, { width: 1600, height: 1067 })
  const article = await make.article({ title, summary, status: 'published', coverId: cover.id })
  t.same(article.seo, { title: null, description: null, imageId: null, canonicalUrl: null, noindex: false })
  const { share } = (await app.inject(`/v1/articles/${article.id}`)).json().data
  assertCut(t, share.title, title, 70)
  assertCut(t, share.description, summary, 200)
  t.same(share.image, { url: `/v1/media/${cover.id}/file?w=1200&format=jpeg`, width: 1200, height: 800 })
  t.equal(share.url, null, 'no canonical URL and no SITE_URL')

  const small = await make.image({}, { width: 800, height: 600 })
  const short = await make.article({ title: 'Lý Nhân', summary: 'Tin ngắn.', status: 'published', coverId: small.id })
  const shortShare = (await app.inject(`/v1/articles/${short.id}`)).json().data.share
  t.same(shortShare, { title: 'Lý Nhân', description: 'Tin ngắn.', image: { url: `/v1/media/${small.id}/file?w=1200&format=jpeg`, width: 800, height: 600 }, url: null })

  const bare = await make.article({ title: 'Không ảnh', status: 'published' })
  t.equal((await app.inject(`/v1/articles/${bare.id}`)).json().data.share.image, null, 'no image without a cover or an SEO image')

  const word = 'Ủy'.repeat(60)
  const long = await make.article({ title: word, status: 'published' })
  const cut = (await app.inject(`/v1/articles/${long.id}`)).json().data.share.title
  t.equal(cut, `${[...word].slice(0, 69).join('')}…`, 'a word longer than the limit is cut inside it')
})

t.test('lists and searches carry share too; fields= can ask for it or leave it out', async (t) => {
  const article = await make.article({ title: 'Đại hội Hội Nông dân huyện Lý Nhân', status: 'published', seo: { title: 'Đại hội Hội Nông dân' } })
  const list = (await app.inject('/v1/articles?limit=100')).json().data
  t.equal(list.find((a: { id: string }) => a.id === article.id).share.title, 'Đại hội Hội Nông dân')
  const found = (await app.inject('/v1/articles?q=hoi nong dan')).json().data
  t.equal(found[0].share.title, 'Đại hội Hội Nông dân', 'search hits too')
  const few = (await app.inject(`/v1/articles?fields=id,share&limit=100`)).json().data
  t.same(Object.keys(few.find((a: { id: string }) => a.id === article.id)), ['id', 'share'])
  const none = (await app.inject(`/v1/articles?fields=id,seo&limit=1`)).json().data[0]
  t.same(Object.keys(none), ['id', 'seo'])
})

t.test('seo is replaced whole: a field left out is cleared, null clears it all, a patch without it keeps it', async (t) => {
  const article = await make.article({ seo: { title: 'Tiêu đề SEO', description: 'Mô tả' } })
  const url = `/v1/articles/${article.id}`
  let res = await patch(url, { seo: { title: 'Tiêu đề SEO' } })
  t.same(res.json().data.seo, { title: 'Tiêu đề SEO', description: null, imageId: null, canonicalUrl: null, noindex: false })
  t.equal(res.json().data.version, 2)
  res = await patch(url, { seo: { title: 'Tiêu đề SEO' } })
  t.equal(res.json().data.version, 2, 'the same seo writes nothing')
  res = await patch(url, { summary: 'Tóm tắt' })
  t.equal(res.json().data.seo.title, 'Tiêu đề SEO', 'kept when not given')
  res = await patch(url, { seo: null })
  t.same(res.json().data.seo, { title: null, description: null, imageId: null, canonicalUrl: null, noindex: false })

  const revert = await app.inject({ method: 'POST', url: `${url}/revisions/2/restore`, headers: admin })
  t.equal(revert.statusCode, 200, revert.body)
  t.equal(revert.json().data.seo.title, 'Tiêu đề SEO', 'a revision brings its seo back')
})

t.test('bad seo is refused with the field named, and nothing is written', async (t) => {
  const document = await pdf()
  const article = await make.article()
  const cases: [unknown, number, string][] = [
    [{ imageId: document.id }, 422, 'seo.imageId'],
    [{ imageId: missingId }, 422, 'seo.imageId'],
    [{ canonicalUrl: 'javascript:alert(1)' }, 400, 'seo.canonicalUrl'],
    [{ canonicalUrl: 'ftp://lynhan.gov.vn/a' }, 400, 'seo.canonicalUrl'],
    [{ canonicalUrl: '/tin-tuc/a' }, 400, 'seo.canonicalUrl'],
    [{ title: 'x'.repeat(201) }, 400, 'seo.title'],
    [{ description: 'x'.repeat(501) }, 400, 'seo.description'],
    [{ noindex: 'yes' }, 400, 'seo.noindex'],
    [{ keywords: 'dân vận' }, 400, 'seo'],
  ]
  for (const [seo, status, path] of cases) {
    const [articles, before] = [await countRows(database, 'articles'), await changes()]
    for (const res of [
      await post('/v1/articles', { title: 'Tin mới', seo }),
      await patch(`/v1/articles/${article.id}`, { seo }),
      await post('/v1/categories', { name: 'Chuyên mục mới', seo }),
      await post('/v1/pages', { title: 'Trang mới', seo }),
    ]) {
      t.equal(res.statusCode, status, `${JSON.stringify(seo)}: ${res.body}`)
      t.match(res.json().errors, [{ path }], JSON.stringify(seo))
    }
    t.equal(await countRows(database, 'articles'), articles)
    t.equal(await changes(), before, 'no change recorded')
  }
  t.equal((await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).json().data.version, 1)
  const notImage = await post('/v1/articles', { title: 'Tin mới', seo: { imageId: document.id } })
  t.match(notImage.json().detail, /not an image/)
})

t.test('media used as an SEO image cannot be deleted (409 that says where)', async (t) => {
  const card = await make.image()
  await make.article({ title: 'Ảnh chia sẻ', slug: 'anh-chia-se', seo: { imageId: card.id } })
  await make.category({ name: 'Chuyên mục ảnh', slug: 'chuyen-muc-anh', seo: { imageId: card.id } })
  const res = await app.inject({ method: 'DELETE', url: `/v1/media/${card.id}`, headers: admin })
  t.equal(res.statusCode, 409)
  t.match(res.json().detail, /the SEO image of article anh-chia-se/)
  t.match(res.json().detail, /the SEO image of category chuyen-muc-anh/)
})

t.test('categories and pages take seo; their reads add share from their name, description or excerpt', async (t) => {
  const card = await make.image({}, { width: 1200, height: 630 })
  const category = await make.category({ name: 'Công tác dân vận', description: 'Tin hoạt động của khối dân vận các xã, thị trấn', seo: { imageId: card.id } })
  t.equal((category.seo as { imageId: string }).imageId, card.id)
  const image = { url: `/v1/media/${card.id}/file?w=1200&format=jpeg`, width: 1200, height: 630 }
  const readCategory = (await app.inject(`/v1/categories/${category.slug}`)).json().data
  t.same(readCategory.share, { title: 'Công tác dân vận', description: 'Tin hoạt động của khối dân vận các xã, thị trấn', image, url: null })
  const listed = (await app.inject('/v1/categories?limit=100')).json().data.find((c: { id: string }) => c.id === category.id)
  t.same(listed.share, readCategory.share)
  const embedded = (await make.article({ categoryId: category.id, status: 'published' })) as { id: string }
  const withCategory = (await app.inject(`/v1/articles/${embedded.id}?include=category`)).json().data.category
  t.same(withCategory.seo, category.seo)
  t.notOk('share' in withCategory, 'an embedded copy has no share')

  const changed = await patch(`/v1/categories/${category.id}`, { seo: { title: 'Dân vận', noindex: true } })
  t.same(changed.json().data.seo, { title: 'Dân vận', description: null, imageId: null, canonicalUrl: null, noindex: true })

  const page = await make.page({ title: 'Giới thiệu', status: 'published', seo: { description: 'Giới thiệu chung về huyện Lý Nhân' } })
  const readPage = (await app.inject(`/v1/pages/${page.slug}`)).json().data
  t.same(readPage.share, { title: 'Giới thiệu', description: 'Giới thiệu chung về huyện Lý Nhân', image: null, url: null })
  const listedPage = (await app.inject('/v1/pages?limit=100')).json().data.find((p: { id: string }) => p.id === page.id)
  t.same(listedPage.share, readPage.share)
  const pagePatch = await patch(`/v1/pages/${page.id}`, { seo: { canonicalUrl: 'https://lynhan.hanam.gov.vn/gioi-thieu' } })
  t.equal(pagePatch.json().data.seo.canonicalUrl, 'https://lynhan.hanam.gov.vn/gioi-thieu')
  const restored = await app.inject({ method: 'POST', url: `/v1/pages/${page.id}/revisions/1/restore`, headers: admin })
  t.equal(restored.json().data.seo.description, 'Giới thiệu chung về huyện Lý Nhân', 'a page revision brings its seo back')
  await patch(`/v1/pages/${page.id}`, { seo: { canonicalUrl: 'https://lynhan.hanam.gov.vn/gioi-thieu' } })
  const again = (await app.inject(`/v1/pages/${page.slug}`)).json().data.share
  t.equal(again.url, 'https://lynhan.hanam.gov.vn/gioi-thieu')
  t.equal(again.description, 'Huyện Lý Nhân nằm ở phía đông tỉnh Hà Nam, bên bờ sông Hồng.', 'the excerpt, once seo.description is cleared')
})
