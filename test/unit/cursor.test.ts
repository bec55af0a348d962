import t from 'tap'
import { decodeCursor, encodeCursor } from '../../src/shared/cursor.js'

t.test('a cursor round-trips and is opaque', async (t) => {
  const position = { sort: '-publishedAt', value: '2023-12-06T10:00:00.000Z', id: '01900000-0000-7000-8000-000000000000' }
  const cursor = encodeCursor(position)
  t.match(cursor, /^[A-Za-z0-9_-]+$/)
  t.same(decodeCursor(cursor, '-publishedAt'), position)
  t.same(decodeCursor(encodeCursor({ ...position, value: null }), '-publishedAt').value, null)
})

t.test('cursors that are garbage or from another sort are a 400', async (t) => {
  const garbage = ['%%%', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('["title",{},"x"]').toString('base64url')]
  const statusOf = (fn: () => unknown) => {
    try {
      fn()
    } catch (err) {
      return [(err as { statusCode: number }).statusCode, (err as Error).message]
    }
    return []
  }
  for (const cursor of garbage) t.equal(statusOf(() => decodeCursor(cursor, 'title'))[0], 400, cursor)
  const other = encodeCursor({ sort: 'title', value: 'A', id: 'x' })
  t.match(statusOf(() => decodeCursor(other, '-publishedAt')), [400, /sort=title/])
})
