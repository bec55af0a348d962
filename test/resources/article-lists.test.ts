import t from 'tap'
import { admin, buildTestApp, factories, resetDatabase, withoutShare } from '../helper.js'

let queries = 0
const { app, database } = await buildTestApp(t, { onQuery: () => queries++ })
const make = factories(app)
t.beforeEach(() => resetDatabase(database))

type Item = { id: string; slug: string; title: string; publishedAt: string }
const ids = (res: { json(): { data: Item[] } }) => res.json().data.map((a) => a.id)
const day = (n: number) => new Date(Date.UTC(2023, 0, 1 + n, 8)).toISOString()

/** `n` published articles, one a day from 2023-01-01, oldest first. */
async function publishedSeries(n: number, input: Record<string, unknown> = {}) {
  const made: Item[] = []
  for (let i = 0; i < n; i++) {
    made.push((await make.article({ title: `Bài ${i}`, status: 'published', publishedAt: day(i), ...input })) as unknown as Item)
  }
  return made
}

t.test('the default list is the 20 newest published; limit, offset and meta.total page it', async (t) => {
  const made = await publishedSeries(25)
  const newest = made.map((a) => a.id).reverse()
  const first = await app.inject('/v1/articles')
  t.equal(first.statusCode, 200)
  t.same(ids(first), newest.slice(0, 20))
  t.match(first.json().meta, { limit: 20, nextCursor: String })
  t.notOk('total' in first.json().meta, 'no count unless offset paging asks for it')
  const page = await app.inject('/v1/articles?limit=10&offset=20')
  t.same(ids(page), newest.slice(20))
  t.match(page.json().meta, { limit: 10, offset: 20, total: 25, nextCursor: null })
})

t.test('a cursor walks every article exactly once, also while new ones are published', async (t) => {
  const made = await publishedSeries(12)
  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await app.inject(`/v1/articles?limit=5${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200)
    seen.push(...ids(res))
    cursor = res.json().meta.nextCursor
    if (pages++ === 0) await make.article({ title: 'Mới đăng', status: 'published', publishedAt: day(100) })
  } while (cursor)
  t.same(seen, made.map((a) => a.id).reverse())
  t.equal(pages, 3)
})

t.test('every sort pages with a cursor in its order', async (t) => {
  const made = await publishedSeries(7)
  await app.inject({ method: 'PATCH', url: `/v1/articles/${made[2]!.id}`, headers: admin, payload: { title: 'A đầu tiên' } })
  const expectations: Record<string, string[]> = {
    publishedAt: made.map((a) => a.id),
    '-updatedAt': [made[2]!.id, ...made.filter((_, i) => i !== 2).map((a) => a.id).reverse()],
    title: [made[2]!.id, ...made.filter((_, i) => i !== 2).map((a) => a.id)],
  }
  for (const [sort, expected] of Object.entries(expectations)) {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: Awaited<ReturnType<typeof app.inject>> = await app.inject(`/v1/articles?sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      t.equal(res.statusCode, 200, sort)
      seen.push(...ids(res))
      cursor = res.json().meta.nextCursor
    } while (cursor)
    t.same(seen, expected, sort)
  }
})

t.test('with a token, drafts without a date sort last and still page by cursor', async (t) => {
  const published = await publishedSeries(3)
  const drafts = [await make.article({ title: 'Nháp 1' }), await make.article({ title: 'Nháp 2' })]
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await app.inject({ url: `/v1/articles?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: admin })
    seen.push(...ids(res))
    cursor = res.json().meta.nextCursor
  } while (cursor)
  t.same(seen, [...published.map((a) => a.id).reverse(), ...drafts.map((a) => a.id).reverse()])
})

t.test('filters: category with its sub-categories, person and role, tag, dates', async (t) => {
  const news = await make.category({ name: 'Tin tức, sự kiện' })
  const sub = await make.category({ name: 'Công tác dân vận', parentId: news.id })
  const other = await make.category({ name: 'Văn bản' })
  const thuy = await make.person({ name: 'Phạm Thị Thủy' })
  const [a, b, c] = [
    await make.article({ title: 'A', status: 'published', publishedAt: day(1), categoryId: news.id, tags: ['Dân vận'] }),
    await make.article({ title: 'B', status: 'published', publishedAt: day(2), categoryId: sub.id, people: [{ personId: thuy.id, role: 'mentioned' }] }),
    await make.article({ title: 'C', status: 'published', publishedAt: day(3), categoryId: other.id, people: [{ personId: thuy.id, role: 'author' }] }),
  ]
  const cases: [string, string[]][] = [
    ['category=tin-tuc-su-kien', [b!.id, a!.id]],
    [`category=${news.id}`, [b!.id, a!.id]],
    ['category=cong-tac-dan-van', [b!.id]],
    ['category=khong-co', []],
    ['person=pham-thi-thuy', [c!.id, b!.id]],
    [`person=${thuy.id}&role=mentioned`, [b!.id]],
    ['role=author', [c!.id]],
    ['role=photographer', []],
    ['tag=d%C3%A2n%20v%E1%BA%ADn', [a!.id]],
    [`publishedAfter=${day(2)}`, [c!.id, b!.id]],
    [`publishedBefore=${day(2)}`, [a!.id]],
    [`publishedAfter=${day(2)}&publishedBefore=${day(3)}&category=tin-tuc-su-kien`, [b!.id]],
  ]
  for (const [query, expected] of cases) {
    const res = await app.inject(`/v1/articles?${query}`)
    t.equal(res.statusCode, 200, query)
    t.same(ids(res), expected, query)
  }
})

t.test('include embeds category and people in the one query of a list or a detail, for 100 articles as for 1', async (t) => {
  const categories = [await make.category({ name: 'Một' }), await make.category({ name: 'Hai' })]
  const people = [await make.person({ name: 'Phạm Thị Thủy' }), await make.person({ name: 'Văn Vương' }), await make.person({ name: 'Lê Thị Hồng Hà' })]
  for (let i = 0; i < 100; i++) {
    await make.article({
      title: `Bài ${i}`,
      status: 'published',
      publishedAt: day(i),
      categoryId: categories[i % 2]!.id,
      people: people.slice(0, i % 4).map((p, j) => ({ personId: p.id, role: j === 1 ? 'photographer' : 'mentioned' })),
    })
  }
  queries = 0
  const res = await app.inject('/v1/articles?limit=100&include=category,people')
  t.equal(res.statusCode, 200)
  t.equal(queries, 1, `the rows carry their category and people (${queries} queries)`)
  const data = res.json().data
  t.equal(data.length, 100)
  t.match(data[0], { category: { id: categories[1]!.id, name: 'Hai' }, people: [{ role: 'mentioned', person: { name: 'Phạm Thị Thủy' } }, { role: 'photographer', person: { name: 'Văn Vương' } }, { role: 'mentioned', person: { name: 'Lê Thị Hồng Hà' } }] })
  queries = 0
  await app.inject('/v1/articles?limit=10&include=category,people')
  t.equal(queries, 1, 'the same for 10')
  queries = 0
  const one = await app.inject(`/v1/articles/${data[0].slug}?include=category,people`)
  t.equal(queries, 1, 'and for a detail')
  t.match(one.json().data, { category: { name: 'Hai' }, people: [{ person: { name: 'Phạm Thị Thủy' } }] })
  // The database builds what is embedded: it must be exactly what the resource's own GET answers.
  t.same(one.json().data.category, withoutShare((await app.inject(`/v1/categories/${categories[1]!.id}`)).json().data))
  t.same(one.json().data.people[0].person, (await app.inject(`/v1/people/${people[0]!.id}`)).json().data)
})

t.test('fields returns only the fields asked for', async (t) => {
  await publishedSeries(2)
  const res = await app.inject('/v1/articles?fields=id,title,readingTimeMinutes')
  t.equal(res.statusCode, 200)
  for (const item of res.json().data) t.same(Object.keys(item).sort(), ['id', 'readingTimeMinutes', 'title'])
  const empty = await app.inject('/v1/articles?fields=&include=')
  t.ok(Object.keys(empty.json().data[0]).includes('body'), 'an empty fields is no narrowing')
  const withInclude = await app.inject('/v1/articles?fields=slug&include=category')
  t.same(Object.keys(withInclude.json().data[0]).sort(), ['category', 'slug'])
})

t.test('bad query parameters are a 400 naming the parameter', async (t) => {
  const cases: [string, string][] = [
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=-1', 'offset'],
    ['sort=popularity', 'sort'],
    ['include=author', 'include.0'],
    ['fields=password', 'fields.0'],
    ['status=deleted', 'status'],
    ['role=editor', 'role'],
    ['publishedAfter=yesterday', 'publishedAfter'],
    ['cursor=not-a-cursor', 'cursor'],
    ['cursor=WyJ0aXRsZSIsIkEiLCJ4Il0&sort=-publishedAt', 'cursor'],
    ['offset=5&cursor=WyItcHVibGlzaGVkQXQiLG51bGwsIngiXQ', 'cursor'],
    ['color=red', 'color'],
    ['limit=1e2', 'limit'],
    ['limit=0x10', 'limit'],
    ['limit=5.0', 'limit'],
    ['offset=1e3', 'offset'],
  ]
  for (const [query, path] of cases) {
    const res = await app.inject(`/v1/articles?${query}`)
    t.equal(res.statusCode, 400, query)
    t.ok(res.json().errors?.some((e: { path: string }) => e.path === path), `${query}: ${res.body}`)
  }
})
