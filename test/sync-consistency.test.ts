import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { createCategory } from '../src/resources/categories/categories.service.js'
import { SYSTEM } from '../src/shared/principal.js'
import { admin, buildTestApp, factories, resetDatabase, tokenFor, withoutShare } from './helper.js'

// Proofs that a consumer following the feed while others write never misses a change and ends
// with exactly the server's state.

const { app, database } = await buildTestApp(t)
const make = factories(app)
const reader = (await tokenFor(app, 'reader')).headers

type Entry = { type: string; id: string; op: 'upsert' | 'delete'; data: Record<string, unknown> | null }

/** A consumer that keeps a mirror of everything, as an integrator would. */
function consumer() {
  const mirror = new Map<string, Record<string, unknown>>()
  let cursor: string | undefined
  return {
    mirror,
    /** Reads pages until the feed is caught up. */
    async poll() {
      for (;;) {
        const res = await app.inject({ url: `/v1/sync?limit=50${cursor ? `&cursor=${cursor}` : ''}`, headers: reader })
        if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode}: ${res.body}`)
        const page = res.json() as { data: Entry[]; meta: { nextCursor: string; hasMore: boolean } }
        for (const entry of page.data) {
          if (entry.op === 'upsert') mirror.set(`${entry.type}:${entry.id}`, entry.data!)
          else mirror.delete(`${entry.type}:${entry.id}`)
        }
        cursor = page.meta.nextCursor
        if (!page.meta.hasMore) return
      }
    },
  }
}

/** Everything the server holds now, read through the API as the feed would show it. */
async function serverState() {
  const state = new Map<string, Record<string, unknown>>()
  const collections: [string, string][] = [['category', '/v1/categories'], ['person', '/v1/people'], ['media', '/v1/media'], ['article', '/v1/articles']]
  for (const [type, url] of collections) {
    for (let offset = 0; ; offset += 100) {
      const page = (await app.inject({ url: `${url}?limit=100&offset=${offset}`, headers: reader })).json() as { data: { id: string }[] }
      for (const item of page.data) {
        // Lists may leave fields out; the single GET is what the feed promises.
        const one = withoutShare((await app.inject({ url: `${url}/${item.id}`, headers: reader })).json().data)
        state.set(`${type}:${item.id}`, one)
      }
      if (page.data.length < 100) break
    }
  }
  return state
}

t.test(
  'a change whose transaction commits late, after later changes were read, still reaches a polling consumer',
  { skip: !process.env.DATABASE_URL && 'PGlite runs one transaction at a time: nothing can commit while another is open' },
  async (t) => {
    await resetDatabase(database)
    const reading = consumer()
    await reading.poll()
    let slowId = ''
    let done = false
    const slow = database.db.transaction(async (tx) => {
      // The change is recorded now, inside a transaction that stays open for 500 ms.
      const row = await createCategory(tx, { name: 'Chậm' }, SYSTEM)
      slowId = row.id
      await sleep(500)
    })
    const fast = (async () => {
      await sleep(50)
      for (let i = 0; i < 10; i++) await make.person({ name: `Nhanh ${i}` })
    })()
    const polling = (async () => {
      while (!done) {
        await reading.poll()
        await sleep(20)
      }
    })()
    await Promise.all([slow, fast])
    done = true
    await polling
    await reading.poll()
    t.ok(reading.mirror.has(`category:${slowId}`), 'the late change is in the mirror')
    t.equal([...reading.mirror.keys()].filter((k) => k.startsWith('person:')).length, 10)
    t.same(reading.mirror, await serverState())
  },
)

t.test('four writers and a consumer polling throughout: the mirror ends equal to the server, five times over', async (t) => {
  for (let run = 1; run <= 5; run++) {
    await resetDatabase(database)
    const reading = consumer()
    let done = false
    const polling = (async () => {
      while (!done) {
        await reading.poll()
        await sleep(5)
      }
    })()
    const writer = async (w: number) => {
      const category = await make.category({ name: `Chuyên mục ${run}-${w}` })
      const person = await make.person({ name: `Người ${run}-${w}` })
      const image = await make.image({ caption: `Ảnh ${w}` })
      const kept = await make.article({ title: `Giữ ${w}`, categoryId: category.id, people: [{ personId: person.id, role: 'author' }] })
      for (let i = 0; i < 3; i++) {
        const article = await make.article({ title: `Bài ${w}-${i}`, status: 'published', categoryId: category.id, coverId: image.id })
        await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: `Bài ${w}-${i} (sửa)` } })
        await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
        if (i === 1) await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/restore`, headers: admin })
        if (i === 2) await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/purge`, headers: admin })
      }
      await app.inject({ method: 'PATCH', url: `/v1/people/${person.id}`, headers: admin, payload: { title: 'Bí thư' } })
      await app.inject({ method: 'PATCH', url: `/v1/media/${image.id}`, headers: admin, payload: { alt: 'Toàn cảnh' } })
      const spare = await make.category({ name: `Tạm ${run}-${w}` })
      await app.inject({ method: 'DELETE', url: `/v1/categories/${spare.id}`, headers: admin })
      const temp = await make.person({ name: `Tạm ${run}-${w}` })
      await app.inject({ method: 'DELETE', url: `/v1/people/${temp.id}`, headers: admin })
      await app.inject({ method: 'PATCH', url: `/v1/articles/${kept.id}`, headers: admin, payload: { status: 'published' } })
    }
    await Promise.all([1, 2, 3, 4].map(writer))
    done = true
    await polling
    await reading.poll()
    const server = await serverState()
    t.equal(reading.mirror.size, server.size, `run ${run}: as many resources as the server`)
    t.same(reading.mirror, server, `run ${run}: the mirror equals the server`)
  }
})
