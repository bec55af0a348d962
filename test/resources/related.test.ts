import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, factories } from '../helper.js'
import { sequentialScans } from '../plans.js'
import { relatedStatement } from '../../src/resources/articles/articles.related.js'
import { SYSTEM } from '../../src/shared/principal.js'
import { NO_SITE } from '../../src/shared/seo.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)

const ids = (res: { json(): { data: { id: string }[] } }) => res.json().data.map((a) => a.id)
const published = (input: Record<string, unknown>) => make.article({ status: 'published', ...input })
const at = (day: number) => `2024-03-${String(day).padStart(2, '0')}T08:00:00.000Z`

t.test('related articles: shared tags, people and category, best first, newest on ties, never itself', async (t) => {
  const news = await make.category({ name: 'Tin tức, sự kiện' })
  const other = await make.category({ name: 'Văn hóa - Xã hội' })
  const thuy = await make.person({ name: 'Phạm Thị Thủy' })
  const ngoc = await make.person({ name: 'Trần Minh Ngọc' })
  const me = await published({
    title: 'Hội nghị tổng kết công tác dân vận năm 2023',
    tags: ['dân vận', 'hội nghị'],
    categoryId: news.id,
    people: [{ personId: thuy.id, role: 'mentioned' }, { personId: ngoc.id, role: 'author' }],
    publishedAt: at(10),
  })
  // Scores: two tags and a person and the category 3+3+2+1 = 9; a tag and the category 4; two people 4 (older);
  // a person 2; the category 1; nothing shared 0 (left out).
  const best = await published({ title: 'Dân vận khéo ở xã Nhân Thịnh', tags: ['Dân vận', 'hội nghị'], categoryId: news.id, people: [{ personId: thuy.id, role: 'mentioned' }], publishedAt: at(1) })
  const tagAndCategory = await published({ title: 'Hội nghị cán bộ chủ chốt', tags: ['hội nghị'], categoryId: news.id, publishedAt: at(5) })
  const twoPeople = await published({ title: 'Gặp mặt', categoryId: other.id, people: [{ personId: thuy.id, role: 'author' }, { personId: ngoc.id, role: 'photographer' }], publishedAt: at(3) })
  const onePerson = await published({ title: 'Đồng chí Trần Minh Ngọc thăm hỏi', people: [{ personId: ngoc.id, role: 'mentioned' }], publishedAt: at(6) })
  const sameCategory = await published({ title: 'Tin khác', categoryId: news.id, publishedAt: at(7) })
  await published({ title: 'Không liên quan', tags: ['thể thao'], categoryId: other.id, publishedAt: at(8) })
  await make.article({ title: 'Bản nháp dân vận', tags: ['dân vận'], categoryId: news.id })
  await published({ title: 'Sắp đăng', tags: ['dân vận'], categoryId: news.id, publishedAt: '2999-01-01T00:00:00.000Z' })
  const trashed = await published({ title: 'Đã xóa', tags: ['dân vận'], categoryId: news.id, publishedAt: at(9) })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed.id}`, headers: admin })

  const res = await app.inject(`/v1/articles/${me.slug}/related?limit=20`)
  t.equal(res.statusCode, 200, res.body)
  t.same(ids(res), [best.id, tagAndCategory.id, twoPeople.id, onePerson.id, sameCategory.id], 'by score, then newest; drafts, scheduled, trashed, unrelated and itself left out')
  t.match(res.headers['cache-control'], /public/)
  t.same(res.json().meta, { limit: 20, nextCursor: null })
  const first = res.json().data[0]
  t.match(first, { id: best.id, title: 'Dân vận khéo ở xã Nhân Thịnh', share: { title: 'Dân vận khéo ở xã Nhân Thịnh' } })

  t.same(ids(await app.inject(`/v1/articles/${me.id}/related?limit=2`)), [best.id, tagAndCategory.id], 'limit, by id too')
  t.same(ids(await app.inject(`/v1/articles/${me.id}/related`)).length, 5, 'default 5')
  const few = await app.inject(`/v1/articles/${me.id}/related?fields=id,title&include=category&limit=1`)
  const [only] = few.json().data
  t.same(Object.keys(only), ['id', 'title', 'category'], 'fields and include as in lists')
  t.match(only, { id: best.id, category: { id: news.id, name: news.name } })

  const again = await app.inject({ url: `/v1/articles/${me.slug}/related?limit=20`, headers: { 'if-none-match': res.headers.etag as string } })
  t.equal(again.statusCode, 304)
  await app.inject({ method: 'PATCH', url: `/v1/articles/${sameCategory.id}`, headers: admin, payload: { title: 'Tin khác đã sửa' } })
  const changed = await app.inject({ url: `/v1/articles/${me.slug}/related?limit=20`, headers: { 'if-none-match': res.headers.etag as string } })
  t.equal(changed.statusCode, 200, 'a related article changed: a new ETag')

  // What is related follows every write: tags changed, unpublished, trashed, restored.
  const url = `/v1/articles/${me.slug}/related?limit=20`
  const edit = (id: string, payload: object) => app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: admin, payload })
  await edit(tagAndCategory.id, { tags: ['thể thao'] })
  t.same(ids(await app.inject(url)), [best.id, twoPeople.id, onePerson.id, sameCategory.id, tagAndCategory.id], 'its tag gone, the category alone is left: behind the newer one')
  await edit(best.id, { status: 'draft' })
  t.notOk(ids(await app.inject(url)).includes(best.id), 'unpublished: gone')
  await edit(best.id, { status: 'published' })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${best.id}`, headers: admin })
  t.notOk(ids(await app.inject(url)).includes(best.id), 'trashed: gone')
  await app.inject({ method: 'POST', url: `/v1/articles/${best.id}/restore`, headers: admin })
  t.equal(ids(await app.inject(url))[0], best.id, 'restored: back first')
})

t.test('an article with nothing to share has no related ones; a missing or draft one is a 404 for anonymous callers', async (t) => {
  const alone = await published({ title: 'Một mình', tags: ['không ai có'] })
  const res = await app.inject(`/v1/articles/${alone.id}/related`)
  t.equal(res.statusCode, 200)
  t.same(res.json().data, [])
  t.equal((await app.inject('/v1/articles/khong-co/related')).statusCode, 404)
  const draft = await make.article({ title: 'Bản nháp', tags: ['dân vận'] })
  t.equal((await app.inject(`/v1/articles/${draft.id}/related`)).statusCode, 404, 'a draft is not found anonymously')
  const withToken = await app.inject({ url: `/v1/articles/${draft.id}/related`, headers: admin })
  t.equal(withToken.statusCode, 200, 'a token may preview a draft’s related articles')
  t.match(withToken.headers['cache-control'], /private/)
  for (const bad of ['limit=0', 'limit=21', 'include=tags', 'fields=nope', 'sort=title']) {
    const refused = await app.inject(`/v1/articles/${alone.id}/related?${bad}`)
    t.equal(refused.statusCode, 400, bad)
  }
})

t.test('related articles are one statement that scans no table, however common the tag', async (t) => {
  const { db } = database
  const news = await make.category({ name: 'Thời sự' })
  const thuy = await make.person({ name: 'Phạm Thị Thủy' })
  const me = await published({ title: 'Dân vận', tags: ['dân vận', 'hiếm'], categoryId: news.id, people: [{ personId: thuy.id, role: 'mentioned' }] })
  // 30,000 published articles: a tag on a third of them, the category on a fifth, the person on
  // one in a hundred, and each its author, one of three hundred.
  await db.execute(sql`
    insert into articles (id, slug, title, status, published_at, category_id, tags)
    select gen_random_uuid(), 'tin-' || i, 'Tin ' || i, 'published', now() - i * interval '1 hour',
      case when i % 5 = 0 then ${news.id}::uuid end, case when i % 3 = 0 then array['dân vận'] else array['tin ' || i] end
    from generate_series(1, 30000) i`)
  await db.execute(sql`insert into people (id, slug, name, name_folded) select gen_random_uuid(), 'phong-vien-' || i, 'Phóng viên ' || i, 'phong vien ' || i from generate_series(1, 300) i`)
  await db.execute(sql`insert into article_people (article_id, person_id, role) select id, ${thuy.id}::uuid, 'mentioned' from articles where slug like 'tin-%00'`)
  await db.execute(sql`insert into article_people (article_id, person_id, role)
    select a.id, p.id, 'author' from articles a join people p on p.slug = 'phong-vien-' || (1 + abs(hashtext(a.slug)) % 300) where a.slug like 'tin-%'`)
  await db.execute(sql`analyze articles`)
  await db.execute(sql`analyze article_people`)
  await db.execute(sql`vacuum analyze article_tags`)
  for (const auth of [null, SYSTEM]) {
    const statement = relatedStatement(me.id, auth, { limit: 5 }, NO_SITE)
    t.same(await sequentialScans(db, statement, ['articles', 'article_people', 'article_tags']), [], auth ? 'with a token' : 'anonymous')
  }
  const res = await app.inject(`/v1/articles/${me.id}/related`)
  t.equal(res.json().data.length, 5)
  t.match(res.json().data[0], { tags: ['dân vận'], categoryId: news.id }, 'a tag, the person and the category: the newest such first')
})
