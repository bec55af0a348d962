import t from 'tap'
import { highlight } from '../../src/resources/articles/articles.highlight.js'
import { articleSearchDoc, articleSearchText } from '../../src/resources/articles/articles.search-index.js'
import { searchLevels } from '../../src/shared/search-levels.js'
import { oneEditAway, parseSearchQuery, type SearchQuery, tsvectorLiteral } from '../../src/shared/search.js'
import { hasDiacritics, indexTerms, searchRuns, searchTerms } from '../../src/shared/text.js'

const folded = (text: string) => searchRuns(text).map((run) => run.map((w) => w.folded).join(' '))
const keys = (text: string) => searchRuns(text).flat().map((w) => w.key)

t.test('searchRuns folds case, diacritics and đ, and splits runs at punctuation', async (t) => {
  t.same(folded('Ban Dân vận Huyện ủy Lý Nhân'), ['ban dan van huyen uy ly nhan'])
  t.same(folded('ĐẶNG VĂN ĐỨC, Phó Chủ tịch; “Dân vận khéo”.'), ['dang van duc', 'pho chu tich', 'dan van kheo'])
  t.same(folded('Dân vận'.normalize('NFD')), ['dan van'], 'decomposed text is the same text')
  t.same(folded('06/12/2023 COVID-19 3.000 m²'), ['06 12 2023 covid 19 3', '000 m'])
  t.same(folded('a\nb'), ['a', 'b'], 'a line break ends a run')
  t.same(folded(`x ${'a'.repeat(65)} y`), ['x y'], 'over-long tokens are not words')
  t.same(folded('Crème brûlée — Straße'), ['creme brulee stra e'])
  t.same(folded('!!! ...'), [])
})

t.test('accent keys keep the diacritics but not where the tone sits', async (t) => {
  const [hoaOld, hoaNew] = keys('hoà hòa')
  t.equal(hoaOld, hoaNew)
  t.equal(keys('thuỷ')[0], keys('thủy')[0])
  t.equal(keys('Uỷ')[0], keys('ủy')[0])
  t.not(keys('bão')[0], keys('báo')[0])
  t.not(keys('báo')[0], keys('bảo')[0])
  t.not(keys('đất')[0], keys('Đạt')[0])
  t.equal(keys('ĐẠT')[0], keys('Đạt')[0])
  t.not(keys('Đạt')[0], keys('dạt')[0], 'đ is a diacritic too')
  t.same(keys('ban 2024'), [null, null], 'a word without diacritics has no key')
  t.equal(keys('vận')[0], keys('vận'.normalize('NFD'))[0])
  t.ok(hasDiacritics('Dân'))
  t.ok(hasDiacritics('đi'))
  t.notOk(hasDiacritics('dan van'))
})

t.test('searchTerms: words, keys, neighbouring pairs, and the field copies', async (t) => {
  const terms = [...searchTerms('t:', 'Dân vận, khéo')].sort()
  t.same(terms, ['=da\u0302n0', '=kheo2', '=va\u0302n5', 'dan', 'dan_van', 'kheo', 't:dan', 't:dan_van', 't:kheo', 't:van', 'van'])
  t.equal(tsvectorLiteral(["it's", 'a\\b']), "'it''s' 'a\\\\b'", 'quotes and backslashes are escaped')
})

t.test('indexTerms: each lexeme once across texts, in the order first met, and the same after its caches start again', async (t) => {
  const expected = {
    terms: ['dan', '=da\u0302n0', 'dan_van', 't:dan', 't:dan_van', 'van', '=va\u0302n5', 't:van', 'm:dan', 'm:dan_van', 'm:van', '=va\u0302n2', 'van_kheo', 'kheo', '=kheo2'],
    words: ['dan', 'van', 'kheo'],
  }
  const texts: [Parameters<typeof indexTerms>[0][number][0], string][] = [['t:', 'Dân vận'], ['m:', 'dân vận'], ['', 'Dân vấn khéo']]
  t.same(indexTerms(texts), expected)
  t.same(indexTerms(texts), expected, 'a second collection is not told the first one saw them')
  indexTerms([['', Array.from({ length: 120_000 }, (_, i) => `x${i}`).join(' ')]])
  t.same(indexTerms(texts), expected, 'past 100,000 words the caches start again, with the same lexemes')
})

t.test('articleSearchDoc reads title, summary, tags and every text of the body, captions included', async (t) => {
  const body = [
    { type: 'paragraph' as const, spans: [{ text: 'Hội ' }, { text: 'nghị', bold: true }] },
    { type: 'heading' as const, level: 2 as const, text: 'Kết quả' },
    { type: 'quote' as const, text: 'Trọng dân', cite: 'Bác Hồ' },
    { type: 'list' as const, style: 'bullet' as const, items: ['một', 'hai'] },
    { type: 'image' as const, mediaId: '01900000-0000-7000-8000-000000000001', caption: 'Toàn cảnh' },
    { type: 'image' as const, mediaId: '01900000-0000-7000-8000-000000000001' },
    { type: 'embed' as const, url: 'https://example.com/v' },
  ]
  t.equal(articleSearchText(body), 'Hội nghị\nKết quả\nTrọng dân\nBác Hồ\nmột\nhai\nToàn cảnh\n')
  const { doc, words } = articleSearchDoc({ title: 'Tiêu đề', summary: null, tags: ['dân vận'], body })
  for (const lexeme of ["'t:tieu_de'", "'m:dan_van'", "'hoi_nghi'", "'toan_canh'", "'bac_ho'"]) t.ok(doc.includes(lexeme), lexeme)
  t.notOk(doc.includes("'nghi_ket'"), 'pairs never cross blocks')
  t.same([...words].sort().slice(0, 4), ['bac', 'canh', 'dan', 'de'])
})

const words = (query: SearchQuery) => ({
  include: query.include.map((r) => `${r.quoted ? '"' : ''}${r.words.map((w) => w.folded).join(' ')}`),
  exclude: query.exclude.map((r) => r.words.map((w) => w.folded).join(' ')),
})

t.test('parseSearchQuery: words, "phrases", -word and -"phrase"; everything else is text', async (t) => {
  t.same(words(parseSearchQuery('dân vận')), { include: ['dan van'], exclude: [] })
  t.same(words(parseSearchQuery('"nông thôn mới" Lý Nhân')), { include: ['"nong thon moi', 'ly nhan'], exclude: [] })
  t.same(words(parseSearchQuery('“dân vận khéo” -bão -"Lý Nhơn"')), { include: ['"dan van kheo'], exclude: ['bao', 'ly nhon'] })
  t.same(words(parseSearchQuery('dân vận -khéo xã')), { include: ['dan van', 'xa'], exclude: ['kheo'] })
  t.same(words(parseSearchQuery('covid-19 chính trị - xã hội')), { include: ['covid 19 chinh tri xa hoi'], exclude: [] })
  t.same(words(parseSearchQuery('"không đóng')), { include: ['"khong dong'], exclude: [] }, 'an open quote runs to the end')
  t.same(words(parseSearchQuery("a' OR 1=1; -- & | ! <-> :*")), { include: ['a or 1 1'], exclude: [] })
  t.same(words(parseSearchQuery('-')), { include: [], exclude: [] })
  t.equal(parseSearchQuery('Bão').include[0]!.words[0]!.key, keys('bão')[0])
})

t.test('oneEditAway: every deletion, insertion, replacement and swap of neighbours', async (t) => {
  const edits = oneEditAway('nogn')
  for (const w of ['nong', 'ngon', 'non', 'nogen', 'nogm', 'ogn']) t.ok(edits.includes(w), w)
  t.notOk(edits.includes('nogn'))
  t.equal(edits[0], 'onogn'.slice(1, 0) || edits[0], 'swaps come first')
  t.ok(edits.indexOf('nong') < edits.indexOf('non'), 'a swap before a deletion')
  t.equal(new Set(edits).size, edits.length)
})

t.test('searchLevels: one level per combination of diacritics, neighbours and field, best first', async (t) => {
  const accented = searchLevels(parseSearchQuery('dân vận'))
  t.equal(accented.base, "'dan' & 'van'")
  t.equal(accented.levels.length, 2 * 2 * 3)
  t.equal(accented.levels[0], `'${keys('dân')[0]}' & '${keys('vận')[0]}' & 't:dan_van'`, 'the best level: the diacritics typed, the phrase in the title; what these imply is left out')
  t.equal(accented.levels[11], `'dan' & 'van' & !('${keys('dân')[0]}' & '${keys('vận')[0]}') & !('dan_van') & !('t:dan' & 't:van') & !('m:dan' & 'm:van')`)
  t.equal(searchLevels(parseSearchQuery('dan van')).levels.length, 2 * 3, 'no diacritics typed, no level for them')
  t.equal(searchLevels(parseSearchQuery('bao')).levels.length, 3)
  t.equal(searchLevels(parseSearchQuery('a b c d')).levels.length, 4 * 3, 'three pairs: all, two, one, none')
  t.equal(searchLevels(parseSearchQuery('a b c d e f g')).levels.length, 3 * 3, 'many pairs: all, some, none')
  t.equal(searchLevels(parseSearchQuery('"a b" -c -"d e"')).base, "'a_b' & !'c' & !('d_e')", 'a quoted pair implies its words')
})

t.test('highlight: escaped text, merged marks, a fragment around the best match', async (t) => {
  const q = parseSearchQuery('dan van')
  const long = `${'Mở đầu dài dòng. '.repeat(20)}Công tác dân vận được đẩy mạnh. ${'Phần sau. '.repeat(30)}`
  const h = highlight({ title: 'A <b> & Dân  vận', summary: null, tags: [], bodyText: long }, q)
  t.equal(h.title, 'A &lt;b&gt; &amp; <mark>Dân  vận</mark>')
  t.match(h.text, /^…Công tác <mark>dân vận<\/mark> được đẩy mạnh\. Phần sau\..*…$/)
  t.ok(h.text.length < 260)
  const none = highlight({ title: 'Khác', summary: 'Tóm tắt', tags: [], bodyText: '' }, parseSearchQuery('zzz'))
  t.same(none, { title: 'Khác', text: 'Tóm tắt' }, 'no match: the start of the text, unmarked')
  const scattered = highlight({ title: 'x', summary: 'Nhân dân và văn hóa', tags: [], bodyText: '' }, q)
  t.equal(scattered.text, 'Nhân <mark>dân</mark> và <mark>văn</mark> hóa', 'words apart are marked where the phrase is absent')
  const quoted = highlight({ title: 'x', summary: 'dân và vận', tags: [], bodyText: '' }, parseSearchQuery('"dân vận"'))
  t.equal(quoted.text, 'dân và vận', 'a quoted phrase marks only the phrase')
})
