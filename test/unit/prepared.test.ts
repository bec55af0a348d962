import { sql } from 'drizzle-orm'
import { integer, jsonb, PgDialect, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import t from 'tap'
import { fixedStatement, inlineValues, NamedValues } from '../../src/db/prepared.js'

const dialect = new PgDialect()
const table = pgTable('things', {
  a: integer('a'),
  b: text('b'),
  at: timestamp('at', { withTimezone: true, mode: 'date' }),
  doc: jsonb('doc'),
})

t.test('named values: the same shape whatever the values, nulls included; another for a missing field or another name', async (t) => {
  const shapeOf = (row: Record<string, unknown>, extra?: unknown) => {
    const values = new NamedValues('kind')
    values.row('r', table, row)
    if (extra !== undefined) values.value('extra', extra)
    return values.shape
  }
  t.equal(shapeOf({ a: 1, b: 'x' }), shapeOf({ a: 2, b: null }))
  const shapes = [shapeOf({ a: 1, b: 'x' }), shapeOf({ a: 1, b: undefined }), shapeOf({ a: 1, b: 'x' }, 3)]
  t.equal(new Set(shapes).size, shapes.length, 'each differs')
  t.not(new NamedValues('one').shape, new NamedValues('other').shape)
})

t.test('named values are encoded as their columns encode them, and fill the placeholders they make', async (t) => {
  const values = new NamedValues('kind')
  const at = new Date('2023-12-06T10:00:00.000Z')
  const row = values.row('r', table, { a: 1, b: null, at, doc: [{ type: 'paragraph' }] })
  const statement = fixedStatement(sql`select ${row.a}, ${row.b}, ${row.at}, ${values.value('v', 'text')}`)
  t.equal(statement.text, 'select $1, $2, $3, $4')
  t.same(values.values, { 'r.a': 1, 'r.b': null, 'r.at': at.toISOString(), 'r.doc': '[{"type":"paragraph"}]', v: 'text' })
  t.throws(() => values.value('v', 'again'), /named twice/)
  t.throws(() => values.row('r', table, { a: 2 }), /named twice/)
  t.throws(() => new NamedValues('kind').row('r', table, { nope: 1 }), /things has no column nope/)
})

t.test('inline values are the values themselves', async (t) => {
  const row = { a: 1, b: null }
  t.equal(inlineValues.row('r', table, row), row)
  t.match(dialect.sqlToQuery(sql`select ${inlineValues.value('v', 'x')}`), { sql: 'select $1', params: ['x'] })
})
