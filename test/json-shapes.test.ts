import sharp from 'sharp'
import t, { type Test } from 'tap'
import { asc, eq, sql } from 'drizzle-orm'
import { rawRows } from '../src/db/client.js'
import { type Shape, shapeObject, shapeSql } from '../src/db/json-shape.js'
import { articlePeople, articles, categories, media, people } from '../src/db/schema.js'
import { answerColumns, articleShape, toArticle } from '../src/resources/articles/articles.json.js'
import { categoryShape, toCategory } from '../src/resources/categories/categories.service.js'
import { mediaShape, toMedia } from '../src/resources/media/media.shape.js'
import { personShape, toPerson } from '../src/resources/people/people.service.js'
import { seedSampleContent } from '../src/sample/seed.js'
import { admin, buildTestApp, factories, multipart } from './helper.js'

// Each answer is defined once (a Shape) and built two ways: by PostgreSQL for reads, by
// JavaScript for the answers of writes. Here the two must give the same JSON for the same rows.
const { app, database } = await buildTestApp(t)
const db = database.db
await seedSampleContent(db)
const make = factories(app)
const jpeg = await sharp({ create: { width: 700, height: 400, channels: 3, background: '#2e86c1' } }).jpeg().toBuffer()
const form = multipart([
  { name: 'file', filename: 'hoi-nghi.jpg', data: jpeg, type: 'image/jpeg' },
  { name: 'caption', value: 'Toàn cảnh hội nghị' },
])
const upload = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
const image = upload.json().data as { id: string }
const [category] = await db.select().from(categories).limit(1)
const [person] = await db.select().from(people).limit(1)
await make.article({
  title: 'Hội nghị "đối thoại" \\ năm 2024',
  summary: 'Dòng một\nDòng hai\t— “ngoặc kép”',
  status: 'published',
  categoryId: category!.id,
  coverId: image.id,
  tags: ['dân vận', 'đối thoại'],
  people: [{ personId: person!.id, role: 'mentioned' }],
  body: [
    { type: 'paragraph', text: 'Sáng ngày 15/01/2024 <b>&</b> \u0001' },
    { type: 'image', mediaId: image.id, caption: 'Ảnh: Trần Hùng' },
  ],
})

async function sameBothWays<Row extends { id: string }>(t: Test, name: string, shape: Shape<Row>, table: string, rows: Row[], toJs: (row: Row) => unknown) {
  t.ok(rows.length > 0, `${name}: rows to compare`)
  const built = await rawRows<{ id: string; json: unknown }>(db, sql`select t.id, ${shapeSql(shape, 't')} as json from ${sql.identifier(table)} t`)
  const byId = new Map(built.map((r) => [r.id, r.json]))
  for (const row of rows) t.same(byId.get(row.id), JSON.parse(JSON.stringify(toJs(row))), `${name} ${row.id}`)
  t.same(Object.keys(shapeObject(shape, rows[0]!) as object), Object.keys(shape), `${name}: the keys in order`)
}

t.test('categories, people and media: PostgreSQL builds what JavaScript builds', async (t) => {
  await sameBothWays(t, 'category', categoryShape, 'categories', await db.select().from(categories), toCategory)
  await sameBothWays(t, 'person', personShape, 'people', await db.select().from(people), toPerson)
  const items = await db.select().from(media)
  t.ok(items.some((m) => toMedia(m).variants.length > 0), 'an image with variants among them')
  await sameBothWays(t, 'media', mediaShape, 'media', items, toMedia)
})

t.test('an article with every include: the answer PostgreSQL builds is what the parts give in JavaScript', async (t) => {
  const rows = await db.select().from(articles)
  const include = ['category', 'people', 'cover', 'media'] as const
  const { answer } = answerColumns('articles', { include })
  const built = await rawRows<{ id: string; answer: string }>(db, sql`select id, ${answer} as answer from articles`)
  const answers = new Map(built.map((r) => [r.id, JSON.parse(Buffer.from(r.answer, 'base64').toString('utf8')) as Record<string, unknown>]))
  for (const row of rows) {
    const links = await db.select().from(articlePeople).where(eq(articlePeople.articleId, row.id)).orderBy(asc(articlePeople.position))
    const plain = toArticle(row, links.map((l) => ({ personId: l.personId, role: l.role })))
    const personOf = async (id: string) => toPerson((await db.select().from(people).where(eq(people.id, id)))[0]!)
    const mediaOf = async (id: string | null) => (id ? toMedia((await db.select().from(media).where(eq(media.id, id)))[0]!) : null)
    const expected = {
      ...plain,
      body: await Promise.all(row.body.map(async (b) => (b.type === 'image' ? { ...b, media: await mediaOf(b.mediaId) } : b))),
      people: await Promise.all(plain.people.map(async (p) => ({ ...p, person: await personOf(p.personId) }))),
      category: row.categoryId ? toCategory((await db.select().from(categories).where(eq(categories.id, row.categoryId)))[0]!) : null,
      cover: await mediaOf(row.coverId),
    }
    t.same(answers.get(row.id), JSON.parse(JSON.stringify(expected)), row.slug)
    t.same(Object.keys(answers.get(row.id)!), [...Object.keys(articleShape), 'category', 'cover'], `${row.slug}: the keys in order`)
  }
})

t.test('fields: only those, in the order asked, then what include embeds', async (t) => {
  const { answer } = answerColumns('articles', { include: ['people', 'category'], fields: ['title', 'id'] })
  const [row] = await rawRows<{ answer: string }>(db, sql`select ${answer} as answer from articles where cover_id is not null`)
  const json = JSON.parse(Buffer.from(row!.answer, 'base64').toString('utf8')) as Record<string, unknown>
  t.same(Object.keys(json), ['title', 'id', 'category', 'people'])
})
