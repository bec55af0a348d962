import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createServerDatabase } from './helper.js'
import { SPAWN_ADMIN, startServer } from './spawn.js'

const ADMIN = SPAWN_ADMIN

const get = async (port: number, path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, body: (await res.json()) as { data: { slug: string; status: string }[] } }
}

/** A POST whose body arrives in two parts, so the request is in flight between them. */
function slowPost(port: number, path: string, body: string) {
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${ADMIN}` },
  })
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
  })
  const half = Math.floor(body.length / 2)
  req.write(body.slice(0, half))
  return { finish: () => req.end(body.slice(half)), response }
}

t.test('npm start on a new embedded database: sample content, drains on SIGTERM, exits 0', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bantin-server-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = await startServer(t, { DATA_DIR: dataDir })

  const list = await get(server.port, '/v1/articles')
  t.equal(list.status, 200)
  t.ok(list.body.data.length >= 2, 'the newcomer sees sample articles')
  t.ok(list.body.data.every((a) => a.status === 'published'))
  t.equal((await get(server.port, '/v1/categories/tin-tuc-su-kien')).status, 200)
  t.equal((await get(server.port, '/v1/people/pham-thi-thuy')).status, 200)

  const inFlight = slowPost(server.port, '/v1/articles', JSON.stringify({ title: 'Gửi trong lúc tắt máy' }))
  await new Promise((r) => setTimeout(r, 200))
  server.child.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 200))
  inFlight.finish()
  const answer = await inFlight.response
  t.equal(answer.status, 201, 'the request in flight at SIGTERM is finished')
  t.equal(await server.exited, 0)
  t.match(server.output(), /closing: finishing in-flight requests/)
  t.notMatch(server.output(), ADMIN, 'the admin token never reaches the log')

  const again = await startServer(t, { DATA_DIR: dataDir })
  const after = await fetch(`http://127.0.0.1:${again.port}/v1/articles?status=draft&limit=100`, { headers: { authorization: `Bearer ${ADMIN}` } })
  const drafts = ((await after.json()) as { data: { title: string }[] }).data
  t.ok(drafts.some((a) => a.title === 'Gửi trong lúc tắt máy'), 'what was written before the shutdown is kept')
  t.equal(drafts.filter((a) => a.title.startsWith('Hội nghị đối thoại')).length, 1, 'a database that is not new is not seeded again')
  again.child.kill('SIGTERM')
  t.equal(await again.exited, 0)
})

t.test('a drain that exceeds SHUTDOWN_TIMEOUT_MS cuts what is left, logs which requests it cut, and exits 1', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bantin-server-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = await startServer(t, { DATA_DIR: dataDir, SEED: 'never', SHUTDOWN_TIMEOUT_MS: '1000' })
  const stuck = slowPost(server.port, `/v1/articles?token=${ADMIN}`, JSON.stringify({ title: 'Không bao giờ xong' }))
  stuck.response.catch(() => {})
  await new Promise((r) => setTimeout(r, 200))
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 1, 'the exit code says the drain did not finish')
  t.ok(Date.now() - signalled < 5_000, 'within the shutdown timeout')
  const cut = server
    .output()
    .split('\n')
    .filter((line) => line.includes('were cut'))
    .map((line) => JSON.parse(line) as { cut: { method: string; url: string; ms: number }[] })
  t.equal(cut.length, 1)
  t.match(cut[0]!.cut, [{ method: 'POST', url: '/v1/articles?token=[redacted]', ms: Number }])
  t.notMatch(server.output(), ADMIN, 'the token in the URL is not logged')
})

t.test('a database given by DATABASE_URL is not seeded, unless SEED=always and it is new', { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL' }, async (t) => {
  const url = await createServerDatabase(t, process.env.DATABASE_URL!)
  const server = await startServer(t, { DATABASE_URL: url })
  t.same((await get(server.port, '/v1/articles')).body.data, [])
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)

  const again = await startServer(t, { DATABASE_URL: url, SEED: 'always' })
  t.same((await get(again.port, '/v1/articles')).body.data, [], 'a database that is not new is left as it is')
  again.child.kill('SIGTERM')
  t.equal(await again.exited, 0)

  const demo = await startServer(t, { DATABASE_URL: await createServerDatabase(t, process.env.DATABASE_URL!), SEED: 'always' })
  t.ok((await get(demo.port, '/v1/articles')).body.data.length >= 2, 'the compose demo shows sample content')
  demo.child.kill('SIGTERM')
  t.equal(await demo.exited, 0)
})
