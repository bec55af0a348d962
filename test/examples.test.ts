import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { admin, buildTestApp, factories, tokenFor } from './helper.js'

// The README's examples work as written.

const run = promisify(execFile)

t.test('examples/sync-mirror.mjs mirrors everything into a file and resumes from its cursor', async (t) => {
  const { app } = await buildTestApp(t)
  const make = factories(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  const dir = await mkdtemp(join(tmpdir(), 'bantin-mirror-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'mirror.json')
  const { token } = await tokenFor(app, 'reader')
  const mirror = async () => {
    await run(process.execPath, ['examples/sync-mirror.mjs', file], {
      env: { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', BANTIN_URL: `http://127.0.0.1:${address.port}`, BANTIN_TOKEN: token },
    })
    return JSON.parse(await readFile(file, 'utf8')) as { cursor: string; resources: Record<string, { title?: string }> }
  }

  const category = await make.category()
  const article = await make.article({ categoryId: category.id })
  let copy = await mirror()
  t.same(Object.keys(copy.resources).sort(), [`article:${article.id}`, `category:${category.id}`].sort())
  const cursor = copy.cursor

  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Tiêu đề mới' } })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  const person = await make.person()
  copy = await mirror()
  t.not(copy.cursor, cursor, 'it went on from its cursor')
  t.same(Object.keys(copy.resources).sort(), [`category:${category.id}`, `person:${person.id}`].sort(), 'the trashed article is gone')
})
