import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { openDatabase, rawRows } from '../src/db/client.js'
import { preparedStatements, queryPrepared } from '../src/db/prepared.js'
import { categories } from '../src/db/schema.js'
import { createServerDatabase, openTestDatabase } from './helper.js'

t.test('an embedded database is created once, then reopened with its data', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bantin-db-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const first = await openDatabase({ dataDir })
  t.equal(first.created, true)
  await first.db.execute(sql`insert into categories (id, slug, name) values ('01900000-0000-7000-8000-000000000001', 'a', 'A')`)
  await first.close()
  const second = await openDatabase({ dataDir })
  t.equal(second.created, false)
  t.same(await rawRows(second.db, sql`select slug from categories`), [{ slug: 'a' }])
  await second.close()
})

t.test('a server out of reach stops the start with one line that names it, without its password', async (t) => {
  const refused = openDatabase({ url: 'postgres://bantin:s3cret@127.0.0.1:1/bantin' })
  await t.rejects(refused, { name: 'StartupError', message: /^cannot reach the PostgreSQL server at postgres:\/\/bantin:\*\*\*@127\.0\.0\.1:1\/bantin: \S/ })
  await refused.catch((err: Error) => t.notMatch(err.message, 's3cret'))
})

t.test('instances that start together on one server migrate it once', { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL' }, async (t) => {
  const url = await createServerDatabase(t, process.env.DATABASE_URL!)
  const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ url, poolMax: 2 })))
  t.equal(opened.filter((d) => d.created).length, 1, 'exactly one instance found the database empty')
  const [migrations] = await rawRows<{ n: number }>(opened[0]!.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
  const [tables] = await rawRows<{ n: number }>(opened[0]!.db, sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`)
  t.ok(migrations!.n >= 2)
  t.ok(tables!.n >= 5)
  await Promise.all(opened.map((d) => d.close()))
})

t.test('a statement PostgreSQL refuses gives its connection back to the pool; a broken connection is ended', { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL' }, async (t) => {
  const database = await openDatabase({ url: await createServerDatabase(t, process.env.DATABASE_URL!), poolMax: 1 })
  t.teardown(() => database.close())
  const { db } = database
  const backend = async () => (await rawRows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`))[0]!.pid
  const first = await backend()
  await db.execute(sql`insert into categories (id, slug, name) values ('01900000-0000-7000-8000-000000000001', 'a', 'A')`)

  // A unique violation (a slug taken), a value PostgreSQL refuses, a prepared statement that fails:
  // the connection is fine, and the next query runs on it.
  await t.rejects(db.execute(sql`insert into categories (id, slug, name) values ('01900000-0000-7000-8000-000000000002', 'a', 'A')`), { cause: { code: '23505' } })
  t.equal(await backend(), first, 'kept after a unique violation')
  await t.rejects(db.execute(sql`select 1 / ${0}::int`), { cause: { code: '22012' } })
  t.equal(await backend(), first, 'kept after a division by zero')
  await t.rejects(queryPrepared(db, sql`select ${'x'}::uuid`), { code: '22P02' })
  t.equal(await backend(), first, 'kept after a prepared statement failed')
  t.same(await rawRows(db, sql`select count(*)::int as n from categories`), [{ n: 1 }], 'nothing written by the refused insert')

  // A connection the server ends is not given back: the next query gets a new one.
  await t.rejects(db.execute(sql`select pg_terminate_backend(pg_backend_pid())`))
  const next = await backend()
  t.not(next, first, 'a new connection after the old one was terminated')
  t.equal(await backend(), next)
})

t.test('prepared statements refuse a transaction: they would run outside it', async (t) => {
  const database = await openTestDatabase(t)
  const count = preparedStatements((db) => db.select({ n: sql<number>`count(*)::int` }).from(categories).prepare('count_categories'))
  t.same(await count(database.db).execute(), [{ n: 0 }])
  t.same(await queryPrepared(database.db, sql`select 1 as one`), [{ one: 1 }])
  await database.db.transaction(async (tx) => {
    t.throws(() => count(tx), /outside any transaction/)
    await t.rejects(queryPrepared(tx, sql`select 1`), /outside any transaction/)
  })
})
