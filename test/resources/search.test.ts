import t from 'tap'
import { admin, buildTestApp, factories, tokenFor } from '../helper.js'
import { corpus } from './search.corpus.js'
import { loadCorpus } from './search.load.js'

const { app } = await buildTestApp(t)
const image = await factories(app).image()
await loadCorpus(app, image.id)
const reader = await tokenFor(app, 'reader')

type Hit = { slug: string; highlight: { title: string; text: string } }
const search = async (q: string, extra = '', headers = {}) => {
  const res = await app.inject({ url: `/v1/articles?q=${encodeURIComponent(q)}&limit=100&fields=slug${extra}`, headers })
  if (res.statusCode !== 200) throw new Error(`q=${q} answered ${res.statusCode}: ${res.body}`)
  return res.json() as { data: Hit[]; meta: { total?: number; nextCursor: string | null } }
}
const slugs = async (q: string, extra = '') => (await search(q, extra)).data.map((a) => a.slug)

const bareBao = [
  'thong-bao-tiep-dan-thang-12', 'thong-bao-tiep-dan-thang-11', 'bao-cao-kinh-te-xa-hoi', 'ung-pho-bao-so-3', 'mat-tran-van-dong-bao-hiem',
  'thong-bao-tuyen-dung-vien-chuc', 'ngay-bao-chi-cach-mang', 'bao-ve-moi-truong',
  'danh-sach-xa-dat-chuan', 'khac-phuc-sau-bao-lu', 'ly-nhan-tham-ly-nhon', 'nguoi-co-uy-tin-dong-bao', 'thuy-loi-nhan-hoa-hoan-thanh', 'nao-vet-kenh-thuy-loi',
]

/**
 * The spec: for each query, every hit an anonymous reader gets, in order. Ranking is: diacritics
 * as typed, then neighbouring words found together, then title before summary/tags/names before
 * body; newest first within each.
 */
const table: [cls: string, q: string, hits: string[]][] = [
  // accented: the phrase in titles (newest first), then in bodies, then its syllables apart
  ['accented', 'dân vận', [
    'dan-van-trien-khai-2024', 'dan-van-tong-ket-2023', 'dan-van-kheo-nhan-thinh', 'nguoi-co-uy-tin-dong-bao',
    'giao-ban-khoi-van', 'truong-ban-dan-van-tiep-dan',
    'mat-tran-van-dong-bao-hiem', 'kinh-nghiem-van-dong-quan-chung',
    'nhan-dan-van-ly-lam-duong', 'doi-song-van-hoa-khu-dan-cu', 'dien-dan-cong-dan', 'nguyen-van-dat-chu-tich-xa', 'nha-van-hoa-thon-moi', 'le-hoi-truyen-thong-ly-nhan',
  ]],
  // unaccented and upper case: the same phrase hits, then every dan … van alike (văn, vấn, đàn)
  ['unaccented', 'dan van', [
    'dan-van-trien-khai-2024', 'dan-van-tong-ket-2023', 'dan-van-kheo-nhan-thinh', 'nguoi-co-uy-tin-dong-bao',
    'giao-ban-khoi-van', 'truong-ban-dan-van-tiep-dan',
    'nhan-dan-van-ly-lam-duong', 'mat-tran-van-dong-bao-hiem', 'doi-song-van-hoa-khu-dan-cu', 'dien-dan-cong-dan',
    'kinh-nghiem-van-dong-quan-chung', 'nguyen-van-dat-chu-tich-xa', 'nha-van-hoa-thon-moi', 'le-hoi-truyen-thong-ly-nhan',
  ]],
  ['upper case', 'DÂN VẬN', [
    'dan-van-trien-khai-2024', 'dan-van-tong-ket-2023', 'dan-van-kheo-nhan-thinh', 'nguoi-co-uy-tin-dong-bao',
    'giao-ban-khoi-van', 'truong-ban-dan-van-tiep-dan',
    'mat-tran-van-dong-bao-hiem', 'kinh-nghiem-van-dong-quan-chung',
    'nhan-dan-van-ly-lam-duong', 'doi-song-van-hoa-khu-dan-cu', 'dien-dan-cong-dan', 'nguyen-van-dat-chu-tich-xa', 'nha-van-hoa-thon-moi', 'le-hoi-truyen-thong-ly-nhan',
  ]],
  ['upper case', 'tuyen dung vien chuc', ['thong-bao-tuyen-dung-vien-chuc']],
  ['accented', 'hiến máu', ['hien-mau-tinh-nguyen']],
  ['accented', 'uy tín', ['nguoi-co-uy-tin-dong-bao']],
  ['accented', 'cải cách hành chính', ['mot-cua-lien-thong']],
  ['unaccented', 'an sinh', ['mat-tran-van-dong-bao-hiem', 'an-sinh-tet']],
  ['unaccented', 'covid-19', ['vaccine-covid-19']],

  // confusables: all are found, the ones with the diacritics typed come first
  ['confusables', 'bão', [
    'ung-pho-bao-so-3', 'khac-phuc-sau-bao-lu',
    'thong-bao-tiep-dan-thang-12', 'thong-bao-tiep-dan-thang-11', 'bao-cao-kinh-te-xa-hoi', 'mat-tran-van-dong-bao-hiem', 'thong-bao-tuyen-dung-vien-chuc', 'ngay-bao-chi-cach-mang', 'bao-ve-moi-truong',
    'danh-sach-xa-dat-chuan', 'ly-nhan-tham-ly-nhon', 'nguoi-co-uy-tin-dong-bao', 'thuy-loi-nhan-hoa-hoan-thanh', 'nao-vet-kenh-thuy-loi',
  ]],
  ['confusables', 'báo', [
    'thong-bao-tiep-dan-thang-12', 'thong-bao-tiep-dan-thang-11', 'bao-cao-kinh-te-xa-hoi', 'thong-bao-tuyen-dung-vien-chuc', 'ngay-bao-chi-cach-mang',
    'ung-pho-bao-so-3', 'mat-tran-van-dong-bao-hiem', 'bao-ve-moi-truong',
    'danh-sach-xa-dat-chuan', 'khac-phuc-sau-bao-lu', 'ly-nhan-tham-ly-nhon', 'nguoi-co-uy-tin-dong-bao', 'thuy-loi-nhan-hoa-hoan-thanh', 'nao-vet-kenh-thuy-loi',
  ]],
  ['confusables', 'bảo', [
    'mat-tran-van-dong-bao-hiem', 'bao-ve-moi-truong', 'ly-nhan-tham-ly-nhon', 'thuy-loi-nhan-hoa-hoan-thanh', 'nao-vet-kenh-thuy-loi',
    'thong-bao-tiep-dan-thang-12', 'thong-bao-tiep-dan-thang-11', 'bao-cao-kinh-te-xa-hoi', 'ung-pho-bao-so-3', 'thong-bao-tuyen-dung-vien-chuc', 'ngay-bao-chi-cach-mang',
    'danh-sach-xa-dat-chuan', 'khac-phuc-sau-bao-lu', 'nguoi-co-uy-tin-dong-bao',
  ]],
  ['confusables', 'đất', [
    'hoa-giai-tranh-chap-dat', 'giao-dat-cho-thue-dat', 'dan-van-kheo-nhan-thinh',
    'danh-sach-xa-dat-chuan', 'nhan-thinh-dat-chuan', 'nguyen-van-dat-chu-tich-xa',
    'ly-nhan-ve-dich-nong-thon-moi', 'dai-hoi-mat-tran-xa', 'chuyen-doi-so-cap-xa', 'bao-cao-kinh-te-xa-hoi', 'mat-tran-van-dong-bao-hiem',
  ]],
  ['confusables', 'Đạt', [
    'danh-sach-xa-dat-chuan', 'nhan-thinh-dat-chuan', 'nguyen-van-dat-chu-tich-xa',
    'ly-nhan-ve-dich-nong-thon-moi', 'dai-hoi-mat-tran-xa', 'bao-cao-kinh-te-xa-hoi', 'mat-tran-van-dong-bao-hiem',
    'hoa-giai-tranh-chap-dat', 'giao-dat-cho-thue-dat', 'dan-van-kheo-nhan-thinh', 'chuyen-doi-so-cap-xa',
  ]],
  ['confusables', 'Lý Nhân', [
    'dan-van-trien-khai-2024', 'dan-van-tong-ket-2023', 'ly-nhan-ve-dich-nong-thon-moi', 'ung-pho-bao-so-3', 'ly-nhan-tham-ly-nhon',
    'thong-bao-tuyen-dung-vien-chuc', 'le-hoi-truyen-thong-ly-nhan',
    'nhan-dan-van-ly-lam-duong',
  ]],
  ['confusables', 'Lý Nhơn', ['ly-nhan-tham-ly-nhon', 'ly-nhon-du-lich-rung-ngap-man']],
  ['confusables', 'ly nhon', ['ly-nhan-tham-ly-nhon', 'ly-nhon-du-lich-rung-ngap-man']],
  ['confusables', 'Phạm Thị Thủy', ['dan-van-tong-ket-2023', 'kinh-nghiem-van-dong-quan-chung']],

  // phrase order: "Hà Nam" together and in order first; "Nam Hà" and "Hồng Hà … năm" after
  ['phrase order', 'Hà Nam', [
    'doan-hoa-binh-tham-ha-nam', 'ha-nam-thu-hut-dau-tu', 'dan-van-tong-ket-2023', 'ky-niem-nam-ha',
    'dan-van-trien-khai-2024', 'ngay-bao-chi-cach-mang',
  ]],
  ['phrase order', 'Nam Hà', ['ky-niem-nam-ha', 'doan-hoa-binh-tham-ha-nam', 'ha-nam-thu-hut-dau-tu', 'dan-van-trien-khai-2024', 'dan-van-tong-ket-2023', 'ngay-bao-chi-cach-mang']],
  ['phrase order', '"Hà Nam"', ['doan-hoa-binh-tham-ha-nam', 'ha-nam-thu-hut-dau-tu', 'dan-van-tong-ket-2023', 'ky-niem-nam-ha']],
  ['phrase order', '“nông thôn mới”', ['ly-nhan-ve-dich-nong-thon-moi', 'danh-sach-xa-dat-chuan', 'nhan-thinh-dat-chuan', 'dan-van-kheo-nhan-thinh']],
  ['phrase order', 'nông thôn mới', ['ly-nhan-ve-dich-nong-thon-moi', 'danh-sach-xa-dat-chuan', 'nhan-thinh-dat-chuan', 'dan-van-kheo-nhan-thinh', 'nha-van-hoa-thon-moi']],

  // person names, as linked and as written in the text with their positions
  ['person names', 'pham thi thuy', ['dan-van-tong-ket-2023', 'kinh-nghiem-van-dong-quan-chung']],
  ['person names', 'Phạm Thị Thu', ['hoi-phu-nu-nhan-my', 'dan-van-tong-ket-2023']],
  ['person names', 'Trần Minh Ngọc', ['dan-van-tong-ket-2023', 'truong-ban-dan-van-tiep-dan']],
  ['person names', 'Trưởng ban Dân vận', ['dan-van-tong-ket-2023', 'truong-ban-dan-van-tiep-dan']],
  ['person names', 'Văn Vương', ['dan-van-tong-ket-2023', 'hien-mau-tinh-nguyen', 'dan-van-kheo-nhan-thinh']],
  // the name in the title, in a body, then its syllables apart ("tự nguyện", "vận", "đạt")
  ['person names', 'nguyen van dat', ['nguyen-van-dat-chu-tich-xa', 'dai-hoi-mat-tran-xa', 'mat-tran-van-dong-bao-hiem']],

  // tone placement: old (hoà, thuỷ, hoá, uỷ) and new (hòa, thủy, hóa, ủy) find each other
  ['tone placement', 'hoà bình', ['doan-hoa-binh-tham-ha-nam', 'hoi-thao-hoa-binh']],
  ['tone placement', 'hòa bình', ['doan-hoa-binh-tham-ha-nam', 'hoi-thao-hoa-binh']],
  ['tone placement', 'thuỷ lợi', ['thuy-loi-nhan-hoa-hoan-thanh', 'nao-vet-kenh-thuy-loi', 'doan-hoa-binh-tham-ha-nam']],
  ['tone placement', 'thủy lợi', ['thuy-loi-nhan-hoa-hoan-thanh', 'nao-vet-kenh-thuy-loi', 'doan-hoa-binh-tham-ha-nam']],
  ['tone placement', 'khỏe', ['hoi-thao-hoa-binh']],
  ['tone placement', 'văn hoá', [
    'nha-van-hoa-thon-moi', 'doi-song-van-hoa-khu-dan-cu', 'le-hoi-truyen-thong-ly-nhan', 'nhan-thinh-dat-chuan', 'nhan-dan-van-ly-lam-duong',
    'hoa-giai-tranh-chap-dat', 'hoi-thao-hoa-binh',
  ]],
  ['tone placement', 'Huyện uỷ Lý Nhân', ['dan-van-trien-khai-2024', 'dan-van-tong-ket-2023']],
  ['tone placement', 'Huyện ủy Lý Nhân', ['dan-van-trien-khai-2024', 'dan-van-tong-ket-2023']],

  // one typo in a word of 4+ letters: found, as if typed right
  ['typo', 'chuyen doii so', ['chuyen-doi-so-cap-xa', 'chuyen-doi-so-y-te', 'doi-moi-giao-duc']],
  ['typo', 'nogn thon moi', ['ly-nhan-ve-dich-nong-thon-moi', 'danh-sach-xa-dat-chuan', 'nhan-thinh-dat-chuan', 'dan-van-kheo-nhan-thinh', 'nha-van-hoa-thon-moi']],
  ['typo', 'Phạm Thị Thủyy', ['dan-van-tong-ket-2023', 'kinh-nghiem-van-dong-quan-chung']],
  ['typo', 'tuyeen giao', ['tong-ket-tuyen-giao-2023-cap-nhat', 'tong-ket-tuyen-giao-2023', 'ngay-bao-chi-cach-mang', 'dan-van-trien-khai-2024', 'thong-bao-tuyen-dung-vien-chuc']],
  // a corrected word has no diacritics left to prefer: it ranks as if typed bare
  ['typo', 'bãoo', bareBao],
  ['unaccented', 'bao', bareBao],
  ['typo', 'hiens mau', ['hien-mau-tinh-nguyen']],

  // negatives: excluded words and phrases; nothing found is nothing shown, never fuzzy noise
  ['negatives', 'dân vận -khéo', [
    'dan-van-trien-khai-2024', 'nguoi-co-uy-tin-dong-bao',
    'giao-ban-khoi-van', 'truong-ban-dan-van-tiep-dan',
    'mat-tran-van-dong-bao-hiem', 'kinh-nghiem-van-dong-quan-chung',
    'nhan-dan-van-ly-lam-duong', 'doi-song-van-hoa-khu-dan-cu', 'dien-dan-cong-dan', 'nguyen-van-dat-chu-tich-xa', 'nha-van-hoa-thon-moi', 'le-hoi-truyen-thong-ly-nhan',
  ]],
  ['negatives', '"nông thôn mới" -"nâng cao"', ['nhan-thinh-dat-chuan', 'dan-van-kheo-nhan-thinh']],
  // an excluded word with diacritics excludes only that word; without, every word it folds from
  ['negatives', 'bão -báo -bảo', ['ung-pho-bao-so-3', 'khac-phuc-sau-bao-lu', 'danh-sach-xa-dat-chuan', 'nguoi-co-uy-tin-dong-bao']],
  ['negatives', 'bão -bao', []],
  ['negatives', 'tong ket tuyen giao -cap', ['tong-ket-tuyen-giao-2023']],
  ['negatives', 'xyzzy qwerty', []],
  ['negatives', 'dân vận xyzzy', []],
  ['negatives', 'qxzv', []],
  ['typo', 'thuyz loix', ['thuy-loi-nhan-hoa-hoan-thanh', 'nao-vet-kenh-thuy-loi', 'doan-hoa-binh-tham-ha-nam']],
  ['negatives', 'thuyzz loixx', []],
  ['negatives', 'lũ quét', ['khac-phuc-sau-bao-lu']],
  ['negatives', 'Cần Thơ', []],
]

t.test('the query table: every class finds exactly its hits, in order', async (t) => {
  for (const [cls, q, hits] of table) t.same(await slugs(q), hits, `${cls}: ${q}`)
})

t.test('diacritics, case and Unicode form do not matter: NFC, NFD, upper and bare give the same hits', async (t) => {
  for (const q of ['Dân vận', 'nông thôn mới', 'Phạm Thị Thủy', 'Lý Nhơn']) {
    const expected = new Set(await slugs(q))
    for (const variant of [q.normalize('NFD'), q.toLocaleUpperCase('vi'), q.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')]) {
      t.same(new Set(await slugs(variant)), expected, `${q} as ${JSON.stringify(variant)}`)
    }
  }
  t.same(await slugs('ĐẠT'), await slugs('Đạt'))
  t.same(new Set(await slugs('dat')), new Set(await slugs('Đạt')), 'đ folds to d')
  t.same(await slugs('nguoi co uy tin'), ['nguoi-co-uy-tin-dong-bao'], 'an article stored decomposed is found')
})

t.test('a near-duplicate ranks by date; a title hit outranks a body hit; a phrase outranks its words apart', async (t) => {
  t.same((await slugs('tổng kết công tác tuyên giáo')).slice(0, 2), ['tong-ket-tuyen-giao-2023-cap-nhat', 'tong-ket-tuyen-giao-2023'])
  t.same(await slugs('lịch tiếp công dân'), ['thong-bao-tiep-dan-thang-12', 'thong-bao-tiep-dan-thang-11'])
  const hien = await slugs('hiến máu tình nguyện')
  t.same(hien, ['hien-mau-tinh-nguyen'], 'a phrase in a caption is found')
  const rank = await slugs('bảo hiểm y tế')
  t.equal(rank[0], 'mat-tran-van-dong-bao-hiem')
})

t.test('highlight marks matches in the original accented text, escaped, found through folding and typos too', async (t) => {
  const { data } = await search('dan van')
  t.same(data[1], {
    slug: 'dan-van-tong-ket-2023',
    highlight: {
      title: 'Ban <mark>Dân vận</mark> Huyện ủy Lý Nhân tổng kết công tác <mark>dân vận</mark> năm 2023',
      text: 'Chiều ngày 06/12/2023, Ban <mark>Dân vận</mark> Huyện ủy Lý Nhân tổ chức Hội nghị tổng kết công tác <mark>dân vận</mark> năm 2023, triển khai phương hướng, nhiệm vụ năm 2024.',
    },
  })
  const typo = (await search('nogn thon moi')).data[0]!
  t.equal(typo.highlight.title, 'Huyện Lý Nhân về đích <mark>nông thôn mới</mark>')
  const caption = (await search('doan vien thanh nien')).data.find((a) => a.slug === 'hien-mau-tinh-nguyen')!
  t.equal(caption.highlight.text, '<mark>Đoàn viên thanh niên</mark> xã Nhân Mỹ tham gia hiến máu tình nguyện', 'a match in a caption')
  const titleHit = (await search('hien mau')).data[0]!
  t.same(titleHit.highlight, { title: 'Ngày hội <mark>hiến máu</mark> tình nguyện năm 2024', text: 'Ngày hội thu về 412 đơn vị <mark>máu</mark>.' }, 'a title hit shows its summary or excerpt')
  const name = (await search('Nguyễn Thị Thủy')).data.find((a) => a.slug === 'doi-moi-giao-duc')!
  t.equal(name.highlight.text, '<mark>Nguyễn Thị Thủy</mark>', 'a hit through a linked name shows the name')
  const tone = (await search('thuỷ lợi')).data[0]!
  t.equal(tone.highlight.title, 'Công trình <mark>thủy lợi</mark> Nhân Hòa hoàn thành')
  const long = (await search('Ngọc')).data.find((a) => a.slug === 'dan-van-tong-ket-2023')!
  t.match(long.highlight.text, /^…?[^<]*<mark>Ngọc<\/mark>/)
  t.ok(long.highlight.text.length < 300, 'a fragment, not the whole text')
})

t.test('highlight escapes HTML in the text around and inside marks', async (t) => {
  const editor = await tokenFor(app, 'editor', 'escape test')
  const res = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: editor.headers,
    payload: { title: '<b>Dân vận</b> & "nhân dân"', status: 'published', publishedAt: '2024-02-01T00:00:00.000Z', body: [{ type: 'paragraph', text: "<script>alert('dân vận')</script>" }] },
  })
  t.equal(res.statusCode, 201)
  const hit = (await search('dân vận')).data.find((a) => a.slug === res.json().data.slug)!
  t.equal(hit.highlight.title, '&lt;b&gt;<mark>Dân vận</mark>&lt;/b&gt; &amp; &quot;nhân dân&quot;')
  t.equal(hit.highlight.text, '&lt;script&gt;alert(&#39;<mark>dân vận</mark>&#39;)&lt;/script&gt;')
  await app.inject({ method: 'DELETE', url: `/v1/articles/${res.json().data.id}`, headers: admin })
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${res.json().data.id}/purge`, headers: admin })).statusCode, 204)
})

t.test('anonymous callers never find a draft, scheduled, archived or trashed article, nor count one', async (t) => {
  const hidden = corpus.filter((a) => a.status === 'draft' || a.status === 'archived' || a.scheduled || a.trashed).map((a) => a.slug)
  t.equal(hidden.length, 4)
  const anonymous = await search('dân vận', '&offset=0')
  t.notOk(anonymous.data.some((a) => hidden.includes(a.slug)))
  t.equal(anonymous.meta.total, anonymous.data.length)
  t.same((await search('dự thảo kế hoạch')).data, [])
  t.same((await search('đăng nhầm')).data, [])

  const withToken = await search('dân vận', '&offset=0', reader.headers)
  const found = withToken.data.map((a) => a.slug)
  for (const slug of ['du-thao-ke-hoach-dan-van-2025', 'lich-dan-van-sap-dang', 'dan-van-2019-luu-tru']) t.ok(found.includes(slug), `a token finds ${slug}`)
  t.notOk(found.includes('dan-van-da-xoa'), 'the trash stays out of lists')
  t.equal(withToken.meta.total, anonymous.meta.total! + 3)
  const trash = await search('dân vận', '&trashed=true', reader.headers)
  t.same(trash.data.map((a) => a.slug), ['dan-van-da-xoa'], 'a token may search the trash')
  const drafts = await search('dân vận', '&status=draft', reader.headers)
  t.same(drafts.data.map((a) => a.slug), ['du-thao-ke-hoach-dan-van-2025'])
})

t.test('relevance pages with a cursor bound to q, and with offset and a total', async (t) => {
  const all = await slugs('dan van')
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res: { data: Hit[]; meta: { nextCursor: string | null } } = (
      await app.inject(`/v1/articles?q=dan%20van&limit=3&fields=slug${cursor ? `&cursor=${cursor}` : ''}`)
    ).json()
    seen.push(...res.data.map((a) => a.slug))
    cursor = res.meta.nextCursor
  } while (cursor)
  t.same(seen, all, 'the cursor walks the ranking exactly once, across levels')

  const withDrafts = (await search('dân vận', '', reader.headers)).data.map((a) => a.slug)
  const walked: string[] = []
  let next: string | null = null
  do {
    const res: { data: Hit[]; meta: { nextCursor: string | null } } = (
      await app.inject({ url: `/v1/articles?q=d%C3%A2n%20v%E1%BA%ADn&limit=4&fields=slug${next ? `&cursor=${next}` : ''}`, headers: reader.headers })
    ).json()
    walked.push(...res.data.map((a) => a.slug))
    next = res.meta.nextCursor
  } while (next)
  t.same(walked, withDrafts, 'with a token, drafts (no publishedAt) page in their place too')

  const page = (await app.inject('/v1/articles?q=dan%20van&limit=4&offset=4&fields=slug')).json()
  t.same(page.data.map((a: Hit) => a.slug), all.slice(4, 8))
  t.match(page.meta, { limit: 4, offset: 4, total: all.length })

  const first = (await app.inject('/v1/articles?q=dan%20van&limit=2')).json()
  const other = await app.inject(`/v1/articles?q=bao&limit=2&cursor=${first.meta.nextCursor}`)
  t.equal(other.statusCode, 400)
  t.match(other.json(), { errors: [{ path: 'cursor' }] })
  const plain = await app.inject(`/v1/articles?limit=2&cursor=${first.meta.nextCursor}`)
  t.equal(plain.statusCode, 400, 'a search cursor does not continue a plain list')
})

t.test('other sorts and filters apply to search; relevance needs q', async (t) => {
  const newest = await slugs('dan van', '&sort=-publishedAt')
  t.same(newest, [...newest].sort((a, b) => day(b) - day(a)))
  t.same(new Set(newest), new Set(await slugs('dan van')))
  t.same(await slugs('dan van', '&tag=dân vận khéo'), ['dan-van-kheo-nhan-thinh'])
  t.same(await slugs('dân vận', '&publishedBefore=2024-09-01T00:00:00.000Z&publishedAfter=2024-05-01T00:00:00.000Z'), ['nguoi-co-uy-tin-dong-bao', 'kinh-nghiem-van-dong-quan-chung'])
  const paged = (await app.inject('/v1/articles?q=dan%20van&sort=title&limit=5&fields=slug,title')).json()
  const next = (await app.inject(`/v1/articles?q=dan%20van&sort=title&limit=5&fields=slug,title&cursor=${paged.meta.nextCursor}`)).json()
  const titles = [...paged.data, ...next.data].map((a: { title: string }) => a.title)
  t.same(titles, [...titles].sort(), 'sort=title pages with its cursor')
  const full = (await app.inject('/v1/articles?q=dan%20van&include=category,people&limit=1')).json().data[0]
  t.match(full, { slug: 'dan-van-trien-khai-2024', body: Array, people: [{ role: 'mentioned', person: { name: 'Lê Thị Hồng Hà' } }], highlight: { title: String } })
  const relevance = await app.inject('/v1/articles?sort=relevance')
  t.equal(relevance.statusCode, 400)
  t.match(relevance.json(), { errors: [{ path: 'sort' }] })
})

const day = (slug: string) => corpus.find((a) => a.slug === slug)!.day

t.test('bad queries are a 400 naming q; anything in q is only text', async (t) => {
  for (const q of ['', '   ', 'a'.repeat(501), '\u0000dân', 'dân\u0000']) {
    const res = await app.inject(`/v1/articles?q=${encodeURIComponent(q)}`)
    t.equal(res.statusCode, 400, JSON.stringify(q.slice(0, 10)))
    t.match(res.json(), { type: 'urn:bantin:problem:invalid-request', errors: [{ path: 'q' }] })
  }
  t.equal((await app.inject(`/v1/articles?q=${encodeURIComponent('dân vận '.repeat(62))}`)).statusCode, 200, '500 characters are fine')
  for (const q of ["'; drop table articles; --", 'dân & vận | !khéo', "dan:* <-> van", '%_\\', '!!!', '-khéo', '""', '\u0001dân\u007f']) {
    const res = await app.inject(`/v1/articles?q=${encodeURIComponent(q)}`)
    t.equal(res.statusCode, 200, q)
  }
  t.same(await slugs('dân & vận | !khéo'), ['dan-van-kheo-nhan-thinh', 'dan-van-tong-ket-2023'], 'operators are punctuation: every word must match')
  t.same(await slugs('!!!'), [], 'a query of punctuation finds nothing')
  t.same(await slugs('-khéo'), [], 'a query of exclusions only finds nothing')
  t.equal((await slugs('dân vận')).length, 14, 'nothing was written by any of it')
})

t.test('a list without q is untouched: no highlight, default sort', async (t) => {
  const res = (await app.inject('/v1/articles?limit=2&fields=slug')).json()
  t.same(res.data.map((a: Hit) => a.slug), ['tong-ket-tuyen-giao-2023-cap-nhat', 'tong-ket-tuyen-giao-2023'])
  t.notOk('highlight' in res.data[0])
})

t.test('search answers carry an ETag that a revalidation matches', async (t) => {
  const first = await app.inject('/v1/articles?q=dan%20van&limit=5')
  t.ok(first.headers.etag)
  const again = await app.inject({ url: '/v1/articles?q=dan%20van&limit=5', headers: { 'if-none-match': first.headers.etag as string } })
  t.equal(again.statusCode, 304)
  const other = await app.inject({ url: '/v1/articles?q=bao&limit=5', headers: { 'if-none-match': first.headers.etag as string } })
  t.equal(other.statusCode, 200)
})

t.test('OpenAPI documents q, sort=relevance and highlight', async (t) => {
  const spec = (await app.inject('/openapi.json')).json()
  const list = spec.paths['/v1/articles'].get
  const q = list.parameters.find((p: { name: string }) => p.name === 'q')
  t.match(q, { in: 'query', schema: { type: 'string', maxLength: 500 } })
  t.ok(list.parameters.find((p: { name: string }) => p.name === 'sort').schema.enum.includes('relevance'))
  t.match(spec.components.schemas.Highlight, { properties: { title: { type: 'string' }, text: { type: 'string' } } })
})
