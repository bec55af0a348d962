import t from 'tap'
import { decodedJson, jsonArray, withKeys } from '../../src/shared/json.js'

const parsed = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown

t.test('withKeys adds keys at the end of an object without parsing it', async (t) => {
  const object = Buffer.from('{"title" : "Dân vận khéo", "body" : [{"text": "}"}]}')
  t.same(parsed(withKeys(object, { html: '<p>}</p>' })), { title: 'Dân vận khéo', body: [{ text: '}' }], html: '<p>}</p>' })
  t.same(parsed(withKeys(Buffer.from('{ }'), { a: 1 })), { a: 1 }, 'an empty object')
  t.same(parsed(withKeys(Buffer.from('{\n}\n'), { a: 1, b: null })), { a: 1, b: null }, 'whitespace before and after its brace')
  t.equal(withKeys(object, {}), object, 'nothing to add: the same bytes')
})

t.test('jsonArray joins JSON bytes into an array', async (t) => {
  t.same(parsed(jsonArray([])), [])
  t.same(parsed(jsonArray([Buffer.from('{"a":1}')])), [{ a: 1 }])
  t.same(parsed(jsonArray([Buffer.from('1'), Buffer.from('"hai"'), Buffer.from('null')])), [1, 'hai', null])
})

t.test('decodedJson decodes base64 answers (with PostgreSQL line breaks) straight into one text', async (t) => {
  // encode(…, 'base64') in PostgreSQL breaks its output every 76 characters.
  const pg = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64').replace(/(.{76})(?=.)/g, '$1\n')
  const items = [{ title: 'Dân vận khéo'.repeat(20) }, { title: 'Hội nghị', n: 1 }, {}]
  const text = decodedJson('{"data":[', items.map(pg), ',', '],"meta":{}}')
  t.ok(pg(items[0]).includes('\n'), 'the first item has line breaks')
  t.same(JSON.parse(text.toString('utf8')), { data: items, meta: {} })
  t.equal(text.length, Buffer.byteLength(JSON.stringify({ data: items, meta: {} })), 'no byte more than the text')
  t.equal(decodedJson('[', [], ',', ']').toString(), '[]', 'no items')
  t.equal(decodedJson('{"data":', [pg('đ')], '', '}').toString(), '{"data":"đ"}')
})
