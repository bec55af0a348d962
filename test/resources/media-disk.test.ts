import { readdir, readFile, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { toProblem } from '../../src/plugins/errors.js'
import { LocalStorage } from '../../src/storage/local.js'
import type { Storage } from '../../src/storage/storage.js'
import { admin, buildTestApp, countRows, multipart, resetDatabase } from '../helper.js'
import { cameraJpeg, keysUnder } from './media.cases.js'

// A full disk, met while storing an upload's bytes or a rendered variant: a 507 problem, nothing kept.
const dataDir = t.testdir()
const local = new LocalStorage(join(dataDir, 'media'))
let full = false
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })
/** The disk's storage, until `full` is set: then every write fails as a full disk does. */
const storage: Storage = {
  putFile: async (key, path) => {
    if (full) throw enospc()
    return local.putFile(key, path)
  },
  putBuffer: async (key, data) => {
    if (full) throw enospc()
    return local.putBuffer(key, data)
  },
  size: (key) => local.size(key),
  read: (key, range) => local.read(key, range),
  remove: (key) => local.remove(key),
  list: () => local.list(),
}
const { app, database } = await buildTestApp(t, { env: { DATA_DIR: dataDir }, storage })
const tempFiles = () => readdir(join(dataDir, 'tmp')).catch(() => [] as string[])

t.beforeEach(async () => {
  full = false
  await resetDatabase(database)
})

const upload = async (data: Buffer, filename = 'anh.jpg') => {
  const form = multipart([{ name: 'file', filename, data, type: 'image/jpeg' }])
  return app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
}

t.test('an upload on a full disk is a 507 problem, with no row, no stored bytes, no temporary file', async (t) => {
  full = true
  for (const data of [await cameraJpeg(640, 480), Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 1)])]) {
    const res = await upload(data)
    t.equal(res.statusCode, 507)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(res.json(), {
      type: 'urn:bantin:problem:insufficient-storage',
      title: 'Insufficient storage',
      status: 507,
      detail: 'The server has no room to store this; nothing was kept',
    })
  }
  t.equal(await countRows(database, 'media'), 0)
  t.same(await keysUnder(join(dataDir, 'media')), [])
  t.same(await tempFiles(), [])
})

t.test('a variant that cannot be stored is a 507 problem; the original is still served and nothing half-written stays', async (t) => {
  const made = await upload(await cameraJpeg(1200, 900))
  t.equal(made.statusCode, 201)
  const { url } = made.json().data
  const before = await keysUnder(join(dataDir, 'media'))
  full = true
  const variant = await app.inject(`${url}?w=640&format=webp`)
  t.equal(variant.statusCode, 507)
  t.match(variant.json(), { type: 'urn:bantin:problem:insufficient-storage' })
  t.same(await keysUnder(join(dataDir, 'media')), before, 'no variant kept')
  t.equal((await app.inject(url)).statusCode, 200, 'the original is still served')
  full = false
  t.equal((await app.inject(`${url}?w=640&format=webp`)).statusCode, 200, 'and the variant once there is room again')
})

t.test('removed temporary uploads are not kept open or mapped by the image library', async (t) => {
  for (const data of [await cameraJpeg(1200, 900), await cameraJpeg(800, 600)]) t.equal((await upload(data)).statusCode, 201)
  t.same(await tempFiles(), [])
  const fds = await readdir('/proc/self/fd')
  const open = (await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')))).filter((p) => p.includes(dataDir))
  t.same(open, [], 'no open file descriptors under DATA_DIR')
  const mapped = (await readFile('/proc/self/maps', 'utf8')).split('\n').filter((line) => line.includes(join(dataDir, 'tmp')))
  t.same(mapped, [], 'no mapped temporary files')
})

t.test('a full disk is recognised however it is reported: a system error, libvips in words, PostgreSQL', async (t) => {
  const reports = [
    Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' }),
    new Error('VipsForeignSave: write failed\nunix error: No space left on device'),
    Object.assign(new Error('Failed query: insert into …'), { cause: Object.assign(new Error('could not extend file'), { code: '53100' }) }),
  ]
  for (const err of reports) t.match(toProblem(err as never), { status: 507, type: 'urn:bantin:problem:insufficient-storage' }, err.message)
  t.match(toProblem(new Error('EACCES') as never), { status: 500 }, 'other failures stay a 500')
})
