import { sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import t from 'tap'
import { fixedStatement, inlineValues, NamedValues } from '../../src/db/prepared.js'

const dialect = new PgDialect()

t.test('named values: the same shape whatever the values, another for each null or missing field', async (t) => {
  const shapeOf = (row: Record<string, unknown>, extra?: unknown) => {
    const values = new NamedValues('kind')
    values.row('r', row)
    if (extra !== undefined) values.value('extra', extra)
    return values.shape
  }
  t.equal(shapeOf({ a: 1, b: 'x' }), shapeOf({ a: 2, b: 'y' }))
  const shapes = [shapeOf({ a: 1, b: 'x' }), shapeOf({ a: 1, b: null }), shapeOf({ a: 1, b: undefined }), shapeOf({ a: 1, b: 'x' }, 3)]
  t.equal(new Set(shapes).size, shapes.length, 'each differs')
  t.not(new NamedValues('one').shape, new NamedValues('other').shape)
})

t.test('named values fill the placeholders they make; nulls are written in', async (t) => {
  const values = new NamedValues('kind')
  const row = values.row('r', { a: 1, b: null, c: undefined })
  t.same(Object.keys(row), ['a', 'b'])
  const statement = fixedStatement(sql`select ${row.a}, ${row.b}, ${values.value('v', 'text')}`)
  t.equal(statement.text, 'select $1, null, $2')
  t.same(values.values, { 'r.a': 1, v: 'text' })
  t.throws(() => values.value('v', 'again'), /named twice/)
  t.throws(() => values.row('r', { a: 2 }), /named twice/)
})

t.test('inline values are the values themselves', async (t) => {
  const row = { a: 1, b: null }
  t.equal(inlineValues.row('r', row), row)
  t.match(dialect.sqlToQuery(sql`select ${inlineValues.value('v', 'x')}`), { sql: 'select $1', params: ['x'] })
})
