import t from 'tap'
import { jsonArray, withKeys } from '../../src/shared/json.js'

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
