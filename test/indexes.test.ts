import t from 'tap'
import { loadConfig } from '../src/config.js'
import { LOCKS, tryLockForTransaction } from '../src/db/locks.js'
import { ginIndexes, MERGE_JOB, mergePendingIndexEntries } from '../src/jobs/indexes.js'
import { backgroundJobs } from '../src/jobs/jobs.js'
import { admin, buildTestApp, factories } from './helper.js'

const { app, database } = await buildTestApp(t)
const make = factories(app)

t.test('the GIN indexes of the schema are all looked after', async (t) => {
  t.same([...ginIndexes].sort(), [
    'article_search_document_idx',
    'articles_tags_idx',
    'documents_article_ids_idx',
    'documents_file_ids_idx',
    'documents_search_idx',
    'media_search_folded_trgm_idx',
    'people_name_folded_trgm_idx',
  ])
})

t.test('what creates leave in the pending lists is merged into the indexes, and still found', async (t) => {
  await mergePendingIndexEntries(database.db)
  const person = await make.person({ name: 'Trần Văn Lũ' })
  for (let i = 0; i < 5; i++) {
    await make.article({ title: `Khắc phục hậu quả lũ quét ${i}`, status: 'published', tags: ['thiên tai'], people: [{ personId: person.id, role: 'mentioned' }] })
  }
  t.ok((await mergePendingIndexEntries(database.db)) > 0, 'the creates had filled pending pages')
  t.equal(await mergePendingIndexEntries(database.db), 0, 'nothing is left to merge')
  const found = await app.inject({ url: `/v1/articles?q=${encodeURIComponent('lu quet')}&limit=20`, headers: admin })
  t.equal(found.json().data.length, 5)
  const tagged = await app.inject({ url: `/v1/articles?tag=${encodeURIComponent('thiên tai')}`, headers: admin })
  t.equal(tagged.json().data.length, 5)
  const people = await app.inject({ url: `/v1/people?q=${encodeURIComponent('tran van lu')}`, headers: admin })
  t.equal(people.json().data.length, 1)
})

t.test('the merge is a background job that runs at start and every two seconds', async (t) => {
  const job = backgroundJobs(loadConfig({ DATA_DIR: t.testdir() }), database).find((j) => j.name === 'merge-pending-index-entries')
  t.match(job, { everyMs: 2_000, atStart: true })
  await make.article({ title: 'Một bài nữa' })
  await job!.run(new AbortController().signal)
  t.equal(await mergePendingIndexEntries(database.db), 0, 'the job merged it')
})

t.test('one instance merges at a time: while another holds the job, a merge does nothing and does not wait', { skip: database.kind === 'pglite' && 'the embedded database has one connection' }, async (t) => {
  await make.article({ title: 'Lũ quét ở xã miền núi', status: 'published' })
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let locked!: () => void
  const isLocked = new Promise<void>((resolve) => (locked = resolve))
  // Another instance: a transaction of its own holding the job's lock.
  const other = database.db.transaction(async (tx) => {
    t.ok(await tryLockForTransaction(tx, LOCKS.job, MERGE_JOB))
    locked()
    await held
  })
  await isLocked
  t.equal(await mergePendingIndexEntries(database.db), 0, 'nothing merged while the other holds it')
  release()
  await other
  t.ok((await mergePendingIndexEntries(database.db)) > 0, 'merged once it is free')
})
