import { createHash } from 'node:crypto'
import { readdir, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { CreateBucketCommand } from '@aws-sdk/client-s3'
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver'
import t, { type Test } from 'tap'
import { loadConfig } from '../src/config.js'
import { LOCKS, lockForTransaction } from '../src/db/locks.js'
import { media } from '../src/db/schema.js'
import { backgroundJobs } from '../src/jobs/jobs.js'
import { sweepOrphanBlobs } from '../src/jobs/sweeps.js'
import { sweepTempDir } from '../src/resources/media/media.files.js'
import { newId } from '../src/shared/ids.js'
import { LocalStorage } from '../src/storage/local.js'
import { S3Storage } from '../src/storage/s3.js'
import type { Storage } from '../src/storage/storage.js'
import { countRows, openTestDatabase, resetDatabase } from './helper.js'

// What a crash leaves behind, made directly: stored bytes without a row (a kill -9 between storing
// an upload's bytes and committing its row), and temporary uploads from before the start.
const database = await openTestDatabase(t)
const HOUR = 60 * 60 * 1000
const future = () => new Date(Date.now() + 60_000)

const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const blob = (hash: string) => `${hash.slice(0, 2)}/${hash}`

async function storeBlob(storage: Storage, hash: string) {
  await storage.putBuffer(`${blob(hash)}/original`, Buffer.from(hash), 'application/octet-stream')
  await storage.putBuffer(`${blob(hash)}/640.webp`, Buffer.from('variant'), 'image/webp')
}

const insertRow = (db: typeof database.db, hash: string) =>
  db.insert(media).values({
    id: newId(),
    kind: 'document',
    filename: 'van-ban.pdf',
    mimeType: 'application/pdf',
    size: 64,
    sha256: hash,
    searchFolded: 'van-ban.pdf',
  })

async function keys(storage: Storage) {
  const all: string[] = []
  for await (const { key } of storage.list()) all.push(key)
  return all.sort()
}

function storageCases(t: Test, storage: Storage, age: (hash: string, when: Date) => Promise<void>) {
  t.beforeEach(async () => {
    await resetDatabase(database)
    for (const key of await keys(storage)) await storage.remove(key)
  })

  t.test('stored bytes no row names are removed with their variants; bytes a row names stay', async (t) => {
    const [orphan, named] = [sha(`orphan ${Math.random()}`), sha(`named ${Math.random()}`)]
    await storeBlob(storage, orphan)
    await storeBlob(storage, named)
    await insertRow(database.db, named)
    const removed = await sweepOrphanBlobs(database.db, storage, future())
    t.same(removed, [orphan])
    t.same(await keys(storage), [`${blob(named)}/640.webp`, `${blob(named)}/original`])
    t.equal(await countRows(database, 'media'), 1)
  })

  t.test('bytes younger than the threshold stay, so an upload about to commit keeps them', async (t) => {
    const [young, old] = [sha(`young ${Math.random()}`), sha(`old ${Math.random()}`)]
    await storeBlob(storage, young)
    await storeBlob(storage, old)
    await age(old, new Date(Date.now() - 2 * HOUR))
    t.same(await sweepOrphanBlobs(database.db, storage, new Date(Date.now() - HOUR)), [old])
    t.same((await keys(storage)).filter((k) => k.includes(old)), [])
    t.equal((await keys(storage)).filter((k) => k.includes(young)).length, 2)
    await storage.remove(blob(young))
  })

  t.test('an upload whose row is being committed under the blob lock keeps its bytes', async (t) => {
    const hash = sha(`in flight ${Math.random()}`)
    await storeBlob(storage, hash)
    // As createMedia does: bytes stored, then a transaction that takes the blob's lock and inserts.
    const upload = database.db.transaction(async (tx) => {
      await lockForTransaction(tx, LOCKS.mediaBlob, hash)
      await sleep(300)
      await insertRow(tx, hash)
    })
    await sleep(50)
    const removed = await sweepOrphanBlobs(database.db, storage, future())
    await upload
    t.same(removed, [])
    t.equal((await keys(storage)).filter((k) => k.includes(hash)).length, 2, 'the bytes are still there')
    t.equal(await countRows(database, 'media'), 1)
    await resetDatabase(database)
    t.same(await sweepOrphanBlobs(database.db, storage, future()), [hash], 'and go once no row names them')
  })
}

t.test('local storage', async (t) => {
  const root = t.testdir()
  const storage = new LocalStorage(root)
  storageCases(t, storage, async (hash, when) => {
    for (const name of ['original', '640.webp']) await utimes(join(root, blob(hash), name), when, when)
  })
})

t.test('S3 storage', async (t) => {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: t.testdir() })
  const { port } = (await server.run()) as { port: number }
  t.teardown(() => server.close())
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER'
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER'
  const storage = new S3Storage({ bucket: 'sweeps', endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, prefix: 'site/' })
  await (storage as unknown as { client: { send(c: unknown): Promise<unknown> } }).client.send(new CreateBucketCommand({ Bucket: 'sweeps' }))
  // S3 sets LastModified itself: an old blob is one the threshold is moved past instead.
  let shift = 0
  const aged: Storage = {
    ...storage,
    putFile: storage.putFile.bind(storage),
    putBuffer: storage.putBuffer.bind(storage),
    size: storage.size.bind(storage),
    read: storage.read.bind(storage),
    remove: storage.remove.bind(storage),
    list: async function* () {
      for await (const entry of storage.list()) yield { key: entry.key, modifiedAt: new Date(entry.modifiedAt.getTime() - (agedKeys.has(entry.key.split('/')[1]!) ? shift : 0)) }
    },
  }
  const agedKeys = new Set<string>()
  storageCases(t, aged, async (hash) => {
    agedKeys.add(hash)
    shift = 2 * HOUR
  })
})

t.test('temporary uploads from before the start are swept; newer ones stay', async (t) => {
  const dir = t.testdir({ 'crashed.upload': 'x', 'crashed.upload.clean': 'y', 'in-flight.upload': 'z' })
  // The process started a second ago; the crashed process wrote its files before that.
  const start = new Date(Date.now() - 1_000)
  const before = new Date(start.getTime() - 5_000)
  for (const name of ['crashed.upload', 'crashed.upload.clean']) await utimes(join(dir, name), before, before)
  t.equal(await sweepTempDir(dir, start), 2)
  t.same(await readdir(dir), ['in-flight.upload'])
})

t.test('both sweeps are background jobs that run at start and then hourly', async (t) => {
  const jobs = backgroundJobs(loadConfig({ DATA_DIR: t.testdir() }), database)
  const sweeps = jobs.filter((job) => job.name.startsWith('sweep-'))
  t.match(
    sweeps.map(({ name, everyMs, atStart }) => ({ name, everyMs, atStart })),
    [
      { name: 'sweep-temporary-uploads', everyMs: HOUR, atStart: true },
      { name: 'sweep-orphan-media', everyMs: HOUR, atStart: true },
    ],
  )
  for (const job of jobs) await job.run(new AbortController().signal)
})
