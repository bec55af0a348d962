import t from 'tap'
import { countWords, deriveReadingFields, readingTimeMinutes, truncateAtWord } from '../../src/resources/articles/blocks.js'
import { escapeHtml, renderBody } from '../../src/resources/articles/render.js'
import { Block, safeHref } from '../../src/shared/blocks.js'

t.test('renderBody renders each block type with its text escaped', async (t) => {
  const html = renderBody([
    { type: 'paragraph', text: 'a < b & c' },
    { type: 'paragraph', spans: [{ text: 'đậm', bold: true }, { text: 'nghiêng', italic: true }, { text: 'liên kết', href: 'mailto:a@b.vn' }] },
    { type: 'heading', level: 4, text: 'Tiêu đề' },
    { type: 'image', mediaId: '01900000-0000-7000-8000-000000000000' },
    { type: 'quote', text: 'Trích' },
    { type: 'list', style: 'bullet', items: ['một'] },
    { type: 'embed', url: 'https://example.com/a' },
  ])
  t.equal(
    html,
    [
      '<p>a &lt; b &amp; c</p>',
      '<p><strong>đậm</strong><em>nghiêng</em><a href="mailto:a@b.vn">liên kết</a></p>',
      '<h4>Tiêu đề</h4>',
      '<figure><img src="/v1/media/01900000-0000-7000-8000-000000000000/file" alt="" loading="lazy"></figure>',
      '<blockquote><p>Trích</p></blockquote>',
      '<ul><li>một</li></ul>',
      '<figure class="embed"><a href="https://example.com/a" rel="noopener noreferrer">https://example.com/a</a></figure>',
    ].join('\n'),
  )
})

t.test('safeHref lets through only http(s), mailto and site-relative links', async (t) => {
  for (const ok of ['https://a.vn', 'http://a.vn/x?y=1', 'mailto:x@y.vn', '/tin-tuc', '#muc-1']) t.equal(safeHref(ok), ok)
  for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', '//evil.com', '/\\evil.com', '/ok\\..', 'vbscript:x', 'https://a.vn/"onmouseover=x', ' https://a.vn']) {
    t.equal(safeHref(bad), null, bad)
    t.notOk(Block.safeParse({ type: 'paragraph', spans: [{ text: 'x', href: bad }] }).success, bad)
  }
  t.equal(escapeHtml(`<a href='x'>"&"</a>`), '&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;')
})

t.test('reading fields: words, minutes and an excerpt cut at a word', async (t) => {
  t.equal(countWords('Năm 2024, Ban Dân vận — các cấp'), 7)
  t.equal(countWords(''), 0)
  // Counted as the pattern of words matches them, joiners, astral letters and marks included.
  const pattern = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu
  const pieces = ['a', 'Đ', 'ữ', '9', ' ', '-', "'", '’', '—', ',', '𝐀', '\u0301', '中', '\n', 'l', 'e']
  let seed = 7
  for (let n = 0; n < 2000; n++) {
    let text = ''
    for (let k = n % 13; k >= 0; k--) text += pieces[(seed = (seed * 1103515245 + 12345) % 2147483648) % pieces.length]
    if (countWords(text) !== (text.match(pattern)?.length ?? 0)) t.fail(`counted ${countWords(text)} words in ${JSON.stringify(text)}`)
  }
  t.equal(countWords("l'eau covid-19 a--b -x y- 'z"), 7)
  t.equal(readingTimeMinutes(0), 1)
  t.equal(readingTimeMinutes(1000), 5)
  t.equal(truncateAtWord('ngắn', 10), 'ngắn')
  t.equal(truncateAtWord('một hai ba bốn năm', 12), 'một hai ba…')
  const fromBody = deriveReadingFields(null, [
    { type: 'heading', level: 2, text: 'Không vào tóm tắt' },
    { type: 'paragraph', text: 'Đoạn  một.' },
    { type: 'image', mediaId: '01900000-0000-7000-8000-000000000000', caption: 'ảnh không tính' },
    { type: 'paragraph', spans: [{ text: 'Đoạn ' }, { text: 'hai.' }] },
  ])
  t.same(fromBody, { wordCount: 8, excerpt: 'Đoạn một. Đoạn hai.' })
  t.equal(deriveReadingFields('  Tóm tắt  ', []).excerpt, 'Tóm tắt')
})
