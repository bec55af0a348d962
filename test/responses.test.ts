import Fastify from 'fastify'
import t from 'tap'
import { z } from 'zod'
import { checkedSerializerCompiler, checkJsonText, sendJsonText, Timestamp } from '../src/shared/schemas.js'

// The serializer tests build their apps with (buildApp's checkResponses, on in test/helper.ts).
const Thing = z.object({ n: z.number().int(), at: Timestamp })

t.test('with checkResponses, an answer that drifts from its schema is a 500 naming the field', async (t) => {
  const app = Fastify()
  app.setSerializerCompiler(checkedSerializerCompiler)
  t.teardown(() => app.close())
  const route = (url: string, value: unknown) =>
    app.get(url, { schema: { response: { 200: Thing, 204: z.null() } } }, async () => value)
  // Checked as the client reads it: a Date goes out as its ISO string, which Timestamp accepts.
  route('/ok', { n: 1, at: new Date('2023-12-06T07:00:00.000Z') })
  route('/drift', { n: '1', at: '2023-12-06T07:00:00.000Z' })
  route('/missing', { at: '2023-12-06T07:00:00.000Z' })
  app.get('/empty', { schema: { response: { 204: z.null() } } }, async (_req, reply) => reply.code(204).send(null))

  const ok = await app.inject('/ok')
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { n: 1, at: '2023-12-06T07:00:00.000Z' })
  for (const url of ['/drift', '/missing']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 500, url)
    t.match(res.json().message, /the answer does not match its schema:[\s\S]*→ at n/, url)
  }
  t.equal((await app.inject('/empty')).statusCode, 204)
})

t.test('with checkResponses, JSON text a route writes itself is checked the same way', async (t) => {
  const app = Fastify()
  app.setSerializerCompiler(checkedSerializerCompiler)
  checkJsonText(app)
  t.teardown(() => app.close())
  const route = (url: string, text: string) =>
    app.get(url, { schema: { response: { 200: Thing } } }, async (_req, reply) => sendJsonText(reply, Buffer.from(text)))
  route('/ok', '{"n":1,"at":"2023-12-06T07:00:00.000Z"}')
  route('/drift', '{"n":"1","at":"2023-12-06T07:00:00.000Z"}')
  app.get('/undeclared', async (_req, reply) => sendJsonText(reply, Buffer.from('{}')))

  const ok = await app.inject('/ok')
  t.equal(ok.statusCode, 200)
  t.match(ok.headers['content-type'], /^application\/json/)
  t.same(ok.json(), { n: 1, at: '2023-12-06T07:00:00.000Z' })
  const drift = await app.inject('/drift')
  t.equal(drift.statusCode, 500)
  t.match(drift.json().message, /the answer does not match its schema:[\s\S]*→ at n/)
  const undeclared = await app.inject('/undeclared')
  t.equal(undeclared.statusCode, 500)
  t.match(undeclared.json().message, /without a response schema/)
})
