import t from 'tap'
import { element, escapeXml, rfc3339, rfc822 } from '../../src/site/xml.js'

t.test('escapeXml: the five specials escaped, Vietnamese and emoji kept, what XML 1.0 cannot hold dropped', async (t) => {
  t.equal(escapeXml(`Hội nghị "Dân vận khéo" & <b>tổng kết</b> 'Lý Nhân'`), 'Hội nghị &quot;Dân vận khéo&quot; &amp; &lt;b&gt;tổng kết&lt;/b&gt; &apos;Lý Nhân&apos;')
  t.equal(escapeXml('a\u0000b\u0007c\u000Bd\u001Fe\uFFFEf\uFFFFg'), 'abcdefg')
  t.equal(escapeXml('dòng 1\ndòng 2\r\n\tthụt'), 'dòng 1\ndòng 2\r\n\tthụt', 'tab and newlines stay')
  t.equal(escapeXml('cờ 🇻🇳 ✓'), 'cờ 🇻🇳 ✓', 'surrogate pairs stay')
  t.equal(escapeXml('lẻ \uD83D và \uDE00 hết'), 'lẻ  và  hết', 'lone surrogates go')
  t.equal(escapeXml('&amp;'), '&amp;amp;', 'text is text: an entity in it is escaped again')
})

t.test('element: nothing for null or undefined, an empty element for empty text', async (t) => {
  t.equal(element('title', null), '')
  t.equal(element('title', undefined), '')
  t.equal(element('title', ''), '<title></title>')
  t.equal(element('guid', 'x&y', ' isPermaLink="false"'), '<guid isPermaLink="false">x&amp;y</guid>')
})

t.test('dates: RFC 822 for RSS, RFC 3339 in UTC for Atom and sitemaps', async (t) => {
  const date = new Date('2024-03-31T17:30:05.120Z')
  t.equal(rfc822(date), 'Sun, 31 Mar 2024 17:30:05 GMT')
  t.equal(rfc3339(date), '2024-03-31T17:30:05.120Z')
})
