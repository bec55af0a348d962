import { type SQL, sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import t from 'tap'
import type { Db } from '../src/db/client.js'
import { articles, categories, people } from '../src/db/schema.js'
import { slugsLike } from '../src/shared/slugs.js'
import { openTestDatabase } from './helper.js'

/** The relations a statement's plan reads by a sequential scan. */
async function seqScans(db: Db, statement: SQL): Promise<string[]> {
  const { sql: text, params } = new PgDialect().sqlToQuery(statement)
  const result = (await db.execute(sql.raw(`explain (format json) ${text.replace(/\$(\d+)/g, (_, n) => `'${String(params[Number(n) - 1])}'`)}`))) as unknown as {
    rows: Record<string, unknown>[]
  }
  const plan = result.rows[0]!['QUERY PLAN']
  const scans: string[] = []
  const walk = (node: Record<string, unknown>) => {
    if (node['Node Type'] === 'Seq Scan') scans.push(String(node['Relation Name']))
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child)
  }
  walk(((typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: Record<string, unknown> }[])[0]!.Plan)
  return scans
}

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
    t.same(await seqScans(db, statement), [], `${name}: no sequential scan`)
  }
})
