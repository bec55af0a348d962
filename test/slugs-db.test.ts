import { sql } from 'drizzle-orm'
import t from 'tap'
import { articles, categories, people } from '../src/db/schema.js'
import { freeSlug, slugsLike } from '../src/shared/slugs.js'
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

t.test('the lookup reads the base and its dashed copies, not every slug that starts with it', async (t) => {
  const { db } = await openTestDatabase(t)
  await db.execute(sql`
    insert into categories (id, slug, name)
    select gen_random_uuid(), s, s from unnest(array['thong-bao-so-1', 'thong-bao-so-1-2', 'thong-bao-so-10', 'thong-bao-so-11', 'thong-bao-so-1-ve-viec']) s`)
  const slugs = async (base: string) => (await slugsLike(db, categories, base)).map((r) => r.slug).sort()
  t.same(await slugs('thong-bao-so-1'), ['thong-bao-so-1', 'thong-bao-so-1-2', 'thong-bao-so-1-ve-viec'])
  t.same(await freeSlug(db, categories, 'thong-bao-so-1'), 'thong-bao-so-1-3')
  t.same(await freeSlug(db, categories, 'thong-bao-so-12'), 'thong-bao-so-12')
  // A base too long for a suffix: its copies are cut shorter, and still found.
  const long = `${'hoi-nghi-'.repeat(13)}x`.slice(0, 120)
  await db.execute(sql`insert into categories (id, slug, name) values (gen_random_uuid(), ${long}, 'a')`)
  const second = await freeSlug(db, categories, long)
  t.ok(second.length <= 120 && second.endsWith('-2'), second)
  await db.execute(sql`insert into categories (id, slug, name) values (gen_random_uuid(), ${second}, 'b')`)
  t.match(await freeSlug(db, categories, long), /-3$/)
})
