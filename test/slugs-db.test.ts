import { sql } from 'drizzle-orm'
import t from 'tap'
import { articles, categories, people } from '../src/db/schema.js'
import { slugsLike } from '../src/shared/slugs.js'
import { openTestDatabase } from './helper.js'
import { sequentialScans } from './plans.js'

t.test('a generated slug looks up its taken suffixes by index, whatever the collation', async (t) => {
  const { db } = await openTestDatabase(t)
  await db.execute(sql`insert into categories (id, slug, name) select gen_random_uuid(), 'chuyen-muc-' || i, 'Chuyên mục ' || i from generate_series(1, 3000) i`)
  await db.execute(sql`insert into people (id, slug, name, name_folded) select gen_random_uuid(), 'nguoi-' || i, 'Người ' || i, 'nguoi ' || i from generate_series(1, 3000) i`)
  await db.execute(sql`
    insert into articles (id, slug, title, body, status, tags, excerpt, word_count)
    select gen_random_uuid(), 'bai-viet-' || i, 'Bài viết ' || i, '[]', 'draft', '{}', '', 0 from generate_series(1, 3000) i`)
  await db.execute(sql`analyze`)
  for (const [name, table] of [['articles', articles], ['categories', categories], ['people', people]] as const) {
    const statement = slugsLike(db, table, 'hoi-nghi-tong-ket').getSQL()
    t.same(await sequentialScans(db, statement), [], `${name}: no sequential scan`)
  }
})
