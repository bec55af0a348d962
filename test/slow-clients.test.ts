import { spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { ADMIN_TOKEN, buildTestApp, countRows, multipart } from './helper.js'

// Shortened limits: a request has 1 s to arrive, its headers 0.5 s; uploads get 1 s plus their
// bytes at 2 KiB/s; an idle keep-alive connection closes after 0.5 s.
const { app, database } = await buildTestApp(t, {
  env: {
    HTTP_HEADERS_TIMEOUT_MS: '500',
    HTTP_REQUEST_TIMEOUT_MS: '1000',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
    UPLOAD_MIN_BYTES_PER_SECOND: '2048',
    BODY_LIMIT_BYTES: String(2 * 1024 * 1024),
    MEDIA_MAX_BYTES: String(1024 * 1024),
  },
})
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }

/** A raw TCP client: what it received, and when the server closed the connection. */
function client() {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  socket.on('data', (d) => (received += d))
  socket.on('error', () => {})
  const opened = Date.now()
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - opened)))
  return { socket, received: () => received, closed }
}

/** Writes `text` a few bytes at a time until the socket closes or `ms` pass. */
async function drip(socket: Socket, text: string, everyMs: number, ms = 10_000) {
  const until = Date.now() + ms
  for (let i = 0; i < text.length && !socket.destroyed && Date.now() < until; i += 2) {
    socket.write(text.slice(i, i + 2))
    await sleep(everyMs)
  }
}

/** Served while the slow clients wait: the server is not held by them. */
async function servedMeanwhile(t: Test) {
  const started = Date.now()
  const res = await fetch(`http://127.0.0.1:${port}/v1/categories`)
  t.equal(res.status, 200, 'a normal request is served meanwhile')
  t.ok(Date.now() - started < 500, 'and quickly')
}

const body = (res: string) => JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>

t.test('a client dripping its headers is cut after HTTP_HEADERS_TIMEOUT_MS with a 408 problem', async (t) => {
  const slow = Array.from({ length: 5 }, () => client())
  for (const c of slow) c.socket.write('GET /v1/articles HTTP/1.1\r\nHost: x\r\n')
  for (const c of slow) void drip(c.socket, 'X-Slow: 1234567890\r\n'.repeat(100), 100)
  await servedMeanwhile(t)
  for (const c of slow) {
    const ms = await c.closed
    t.ok(ms < 1_500, `closed after ${ms} ms`)
    t.match(c.received(), /^HTTP\/1\.1 408 /)
    t.match(c.received(), /content-type: application\/problem\+json/i)
    t.match(body(c.received()), { type: 'urn:bantin:problem:request-timeout', status: 408 })
  }
})

t.test('a client dripping a JSON body is cut after HTTP_REQUEST_TIMEOUT_MS, with or without a token, and nothing is written', async (t) => {
  const payload = JSON.stringify({ title: 'Chậm', summary: 'x'.repeat(100_000) })
  const head = (token: string | undefined) =>
    `POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` +
    `${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`
  const withToken = Array.from({ length: 3 }, () => client())
  const anonymous = Array.from({ length: 3 }, () => client())
  for (const c of withToken) c.socket.write(head(ADMIN_TOKEN))
  for (const c of anonymous) c.socket.write(head(undefined))
  for (const c of [...withToken, ...anonymous]) void drip(c.socket, payload, 50)
  await servedMeanwhile(t)
  for (const c of withToken) {
    const ms = await c.closed
    t.ok(ms >= 900 && ms < 2_500, `a token's slow body is cut after ${ms} ms`)
    t.match(c.received(), /^HTTP\/1\.1 408 /)
    t.match(c.received(), /connection: close/i)
    t.match(body(c.received()), { type: 'urn:bantin:problem:request-timeout' })
  }
  for (const c of anonymous) {
    const ms = await c.closed
    t.ok(ms < 2_500, `an anonymous write gets its 401 and loses its socket after ${ms} ms`)
    t.match(c.received(), /^HTTP\/1\.1 401 /)
    t.match(c.received(), /connection: close/i)
  }
  t.equal(await countRows(database, 'articles'), 0, 'nothing written')
})

t.test('an upload gets time by its size, but must keep coming at UPLOAD_MIN_BYTES_PER_SECOND', async (t) => {
  const file = Buffer.alloc(16 * 1024, 7)
  const form = multipart([{ name: 'file', filename: 'tai-lieu.pdf', data: Buffer.concat([Buffer.from('%PDF-1.4\n'), file]), type: 'application/pdf' }])
  const head =
    `POST /v1/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
    `Content-Type: ${form.headers['content-type']}\r\nContent-Length: ${form.payload.length}\r\n\r\n`
  // 16 KiB at 4 KiB/s: 4 s, longer than HTTP_REQUEST_TIMEOUT_MS but above the minimum rate.
  const steady = client()
  steady.socket.write(head)
  const steadyDone = (async () => {
    for (let i = 0; i < form.payload.length; i += 1024) {
      steady.socket.write(form.payload.subarray(i, i + 1024))
      await sleep(250)
    }
  })()
  // A few bytes a second: far below the minimum rate.
  const dripping = client()
  dripping.socket.write(head)
  void drip(dripping.socket, form.payload.toString('latin1'), 200)
  await servedMeanwhile(t)
  const cut = await dripping.closed
  t.ok(cut < 3_000, `the dripping upload is cut after ${cut} ms`)
  t.match(dripping.received(), /^HTTP\/1\.1 408 /)
  await steadyDone
  await sleep(300)
  t.match(steady.received(), /^HTTP\/1\.1 201 /, 'the steady upload is stored')
  steady.socket.destroy()
  t.equal(await countRows(database, 'media'), 1, 'only the steady upload has a row')
})

t.test('an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const c = client()
  c.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
  const ms = await c.closed
  t.match(c.received(), /^HTTP\/1\.1 200 /)
  t.ok(ms >= 400 && ms < 2_000, `closed after ${ms} ms`)
})

/**
 * POSTs `size` bytes of JSON `times` times, one after the other, from another process (in this
 * one, client and server would take turns on one event loop and hide the race): each answer's
 * status and type, or the error the client got instead.
 */
async function postLargeFromAnotherProcess(size: number, times: number): Promise<string[]> {
  const script = `
    import { request } from 'node:http'
    const results = []
    for (let i = 0; i < ${times}; i++) {
      results.push(await new Promise((resolve) => {
        const req = request({ host: '127.0.0.1', port: ${port}, path: '/v1/articles', method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': ${size}, authorization: 'Bearer ${ADMIN_TOKEN}' } })
        req.on('error', (e) => resolve('error ' + e.code))
        req.on('response', (res) => {
          let text = ''
          res.on('data', (d) => (text += d))
          res.on('end', () => resolve(res.statusCode + ' ' + res.headers['content-type'] + ' ' + JSON.parse(text).type))
          res.on('error', (e) => resolve('error ' + e.code))
        })
        req.end(Buffer.concat([Buffer.from('{"title":"'), Buffer.alloc(${size - 12}, 'a'), Buffer.from('"}')]))
      }))
    }
    process.stdout.write(JSON.stringify(results))`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  await new Promise((resolve) => child.on('exit', resolve))
  return JSON.parse(out) as string[]
}

t.test('a 5 MB JSON body is answered 413, and the client reads that answer every time', async (t) => {
  const results = await postLargeFromAnotherProcess(5 * 1024 * 1024, 20)
  t.same(results, Array(20).fill('413 application/problem+json; charset=utf-8 urn:bantin:problem:payload-too-large'))
  t.equal(await countRows(database, 'articles'), 0)
})
