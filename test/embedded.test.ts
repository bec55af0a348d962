import fs from 'node:fs'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { syncBuiltinESMExports } from 'node:module'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import { runBackupCommand } from '../src/cli/backup.js'
import { openDatabase, rawRows } from '../src/db/client.js'
import { createCategory, listCategories } from '../src/resources/categories/categories.service.js'
import { SYSTEM } from '../src/shared/principal.js'
import { NO_SITE } from '../src/shared/seo.js'

// The embedded database on disk: its commits reach the disk (fsync), and it can be copied and
// restored by command. These run the same whatever DATABASE_URL says: they are about PGlite,
// and the commands read the environment, so the suite's DATABASE_URL is set aside.
delete process.env.DATABASE_URL

/** Counts fsync calls that reach Node, wherever they come from (PGlite's file layer uses node:fs). */
let fsyncs = 0
const realFsync = fs.fsyncSync
fs.fsyncSync = (fd: number) => {
  fsyncs++
  return realFsync(fd)
}
syncBuiltinESMExports()
t.teardown(() => {
  fs.fsyncSync = realFsync
  syncBuiltinESMExports()
})

const names = async (dataDir: string) => {
  const database = await openDatabase({ dataDir })
  try {
    return (await listCategories(database.db, { limit: 100, offset: 0 }, NO_SITE)).rows.map((r) => r.name).sort()
  } finally {
    await database.close()
  }
}

t.test('the embedded database runs with fsync on, and every commit syncs the WAL to disk', async (t) => {
  const dataDir = t.testdir()
  const database = await openDatabase({ dataDir })
  t.teardown(() => database.close())
  const settings = await rawRows<{ fsync: string; method: string }>(
    database.db,
    sql`select current_setting('fsync') as fsync, current_setting('wal_sync_method') as method`,
  )
  t.same(settings, [{ fsync: 'on', method: 'fsync' }])
  const before = fsyncs
  for (let i = 0; i < 5; i++) await createCategory(database.db, { name: `Chuyên mục ${i}` }, SYSTEM)
  t.ok(fsyncs - before >= 5, `${fsyncs - before} fsyncs for 5 commits`)
  const reads = fsyncs
  for (let i = 0; i < 5; i++) await listCategories(database.db, { limit: 10, offset: 0 }, NO_SITE)
  t.equal(fsyncs, reads, 'reads sync nothing')
})

async function siteWithContent(dataDir: string) {
  const database = await openDatabase({ dataDir })
  await createCategory(database.db, { name: 'Tin tức, sự kiện' }, SYSTEM)
  await database.close()
  await mkdir(join(dataDir, 'media', 'ab', 'ab12'), { recursive: true })
  await writeFile(join(dataDir, 'media', 'ab', 'ab12', 'original'), 'ảnh')
  await mkdir(join(dataDir, 'tmp'), { recursive: true })
  await writeFile(join(dataDir, 'tmp', 'x.upload'), 'in flight')
}

/** A DATA_DIR with content, as the commands' environment, and what they print. */
async function site(t: Test) {
  const root = t.testdir()
  const dataDir = join(root, 'data')
  await siteWithContent(dataDir)
  process.env.DATA_DIR = dataDir
  t.teardown(() => void delete process.env.DATA_DIR)
  const lines: string[] = []
  return { root, dataDir, lines, out: (line: string) => void lines.push(line) }
}

t.test('npm run backup copies the database and media; restore brings them back, keeping what it replaces', async (t) => {
  const { root, dataDir, lines, out } = await site(t)
  const file = join(root, 'backups', 'bantin.tar.gz')
  t.equal(await runBackupCommand(['backup', file], out), 0, lines.join('\n'))
  t.match(lines.pop(), /^Wrote .*bantin\.tar\.gz: \d+ files, \d+ bytes$/)
  t.ok((await stat(file)).size > 0)

  // Written after the copy: gone again once the copy is restored.
  const later = await openDatabase({ dataDir })
  await createCategory(later.db, { name: 'Viết sau bản sao' }, SYSTEM)
  await later.close()
  t.same(await names(dataDir), ['Tin tức, sự kiện', 'Viết sau bản sao'])

  t.equal(await runBackupCommand(['restore', file], out), 1, 'refused over an existing database without --force')
  t.match(lines.pop(), /already holds a database: pass --force/)
  t.same(await names(dataDir), ['Tin tức, sự kiện', 'Viết sau bản sao'], 'nothing changed')

  t.equal(await runBackupCommand(['restore', file, '--force'], out), 0, lines.join('\n'))
  const said = lines.pop()!
  t.match(said, /^Restored \d+ files .*; the database it replaced is in .*data\.before-restore-/)
  t.same(await names(dataDir), ['Tin tức, sự kiện'])
  t.equal(await readFile(join(dataDir, 'media', 'ab', 'ab12', 'original'), 'utf8'), 'ảnh')
  const previous = said.replace(/^.*replaced is in /, '')
  t.same(await names(previous), ['Tin tức, sự kiện', 'Viết sau bản sao'], 'the replaced database is kept, and opens')

  // Into an empty DATA_DIR: no --force needed; the media come along.
  process.env.DATA_DIR = join(root, 'fresh')
  t.equal(await runBackupCommand(['restore', file], out), 0, lines.join('\n'))
  t.same(await names(join(root, 'fresh')), ['Tin tức, sự kiện'])
  t.same(await readdir(join(root, 'fresh', 'media', 'ab', 'ab12')), ['original'])
  t.notOk((await readdir(join(root, 'fresh'))).includes('tmp') && (await readdir(join(root, 'fresh', 'tmp'))).length, 'temporary uploads are not copied')
})

t.test('backup and restore refuse while a server runs on DATA_DIR, and a damaged archive changes nothing', async (t) => {
  const { root, dataDir, lines, out } = await site(t)
  const file = join(root, 'copy.tar.gz')
  t.equal(await runBackupCommand(['backup', file, '--no-media'], out), 0)

  // A live process of another pid holds the data directory, as a running server does.
  await writeFile(join(dataDir, 'bantin.pid'), String(process.ppid))
  t.equal(await runBackupCommand(['backup', join(root, 'other.tar.gz')], out), 1)
  t.match(lines.pop(), /in use by process \d+ \(a bantin server or command\): stop that process first/)
  t.equal(await runBackupCommand(['restore', file, '--force'], out), 1)
  t.match(lines.pop(), /in use by process/)
  await fs.promises.rm(join(dataDir, 'bantin.pid'))

  const damaged = join(root, 'damaged.tar.gz')
  await writeFile(damaged, (await readFile(file)).subarray(0, 2000))
  t.equal(await runBackupCommand(['restore', damaged, '--force'], out), 1)
  t.same(await names(dataDir), ['Tin tức, sự kiện'], 'the database is untouched')
  t.same((await readdir(root)).filter((n) => n.includes('before-restore')), [], 'nothing was moved aside')

  process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/none'
  t.teardown(() => void delete process.env.DATABASE_URL)
  t.equal(await runBackupCommand(['backup', file], out), 2)
  t.match(lines.pop(), /pg_dump/)

  process.env.PORT = 'http'
  t.teardown(() => void delete process.env.PORT)
  t.equal(await runBackupCommand(['backup', file], out), 1)
  t.match(lines.pop(), /^invalid configuration:\n {2}PORT: /)
})
