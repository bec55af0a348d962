import { readdir, rm, utimes } from 'node:fs/promises'
import sharp from 'sharp'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { stripJpegMetadata, sweepTempDir } from '../../src/resources/media/media.files.js'
import { contentDisposition } from '../../src/resources/media/media.routes.js'
import { admin, buildTestApp, countRows, factories, multipart } from '../helper.js'
import { cameraJpeg, keysUnder, mediaCases } from './media.cases.js'

const dataDir = t.testdir()
const maxBytes = 256 * 1024
const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir, MEDIA_MAX_BYTES: String(maxBytes) } })

mediaCases(t, { ...ctx, dataDir, maxBytes, storedKeys: () => keysUnder(`${dataDir}/media`),
  clearStorage: () => rm(`${dataDir}/media`, { recursive: true, force: true }),
})

const { app, database } = ctx
const make = factories(app)
const uploadImage = async (filename: string) => {
  const form = multipart([{ name: 'file', filename, data: await cameraJpeg(640, 480), type: 'image/jpeg' }])
  const res = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
  return res.json().data as { id: string; url: string }
}
const MISSING = '01900000-0000-7000-8000-000000000000'

t.test('articles and people must refer to media that exists: 422 with the path', async (t) => {
  const photo = await uploadImage('a.jpg')
  const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Tin', ...payload } })
  const cover = await post({ coverId: MISSING })
  t.equal(cover.statusCode, 422)
  t.match(cover.json(), { type: 'urn:bantin:problem:unknown-reference', errors: [{ path: 'coverId' }] })
  const block = await post({ body: [{ type: 'image', mediaId: photo.id }, { type: 'paragraph', text: 'x' }, { type: 'image', mediaId: MISSING }] })
  t.equal(block.statusCode, 422)
  t.match(block.json(), { errors: [{ path: 'body.2.mediaId' }] })
  const person = await app.inject({ method: 'POST', url: '/v1/people', headers: admin, payload: { name: 'Văn Vương', photoId: MISSING } })
  t.equal(person.statusCode, 422)
  t.match(person.json(), { errors: [{ path: 'photoId' }] })
  t.equal(await countRows(database, 'articles'), 0)
  t.equal(await countRows(database, 'people'), 0)
  const made = await make.article({ coverId: photo.id })
  t.equal(made.coverId, photo.id)
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${made.id}`, headers: admin, payload: { body: [{ type: 'image', mediaId: MISSING }] } })
  t.equal(patched.statusCode, 422)
  t.match(patched.json(), { errors: [{ path: 'body.0.mediaId' }] })
})

t.test('include=cover,media embeds the media with their variants, on one article and on lists', async (t) => {
  const cover = await uploadImage('cover.jpg')
  const inBody = await uploadImage('body.jpg')
  const article = await make.article({
    status: 'published',
    coverId: cover.id,
    body: [{ type: 'paragraph', text: 'Chiều ngày 06/12/2023' }, { type: 'image', mediaId: inBody.id, caption: 'Hội nghị' }],
  })
  const plain = (await app.inject(`/v1/articles/${article.id}`)).json().data
  t.equal(plain.cover, undefined)
  t.same(plain.body[1], { type: 'image', mediaId: inBody.id, caption: 'Hội nghị' })
  const one = (await app.inject(`/v1/articles/${article.id}?include=cover,media`)).json().data
  t.match(one.cover, { id: cover.id, width: 480, height: 640, variants: [{ width: 160, format: 'webp' }] })
  t.match(one.body[1], { type: 'image', mediaId: inBody.id, media: { id: inBody.id, url: inBody.url } })
  await make.article({ title: 'Không ảnh' })
  const list = (await app.inject({ url: '/v1/articles?include=cover,media&sort=title', headers: admin })).json().data
  t.equal(list.length, 2)
  t.match(list.find((a: { id: string }) => a.id === article.id), { cover: { id: cover.id }, body: [{}, { media: { id: inBody.id } }] })
  t.equal(list.find((a: { id: string }) => a.id !== article.id).cover, null)
})

t.test('DELETE of media still used answers 409 and says where, trashed articles included', async (t) => {
  const photo = await uploadImage('anh.jpg')
  const article = await make.article({ slug: 'hoi-nghi', coverId: photo.id })
  await make.article({ slug: 'le-khanh-thanh', body: [{ type: 'image', mediaId: photo.id }] })
  const person = await make.person({ photoId: photo.id })
  const del = () => app.inject({ method: 'DELETE', url: `/v1/media/${photo.id}`, headers: admin })
  const used = await del()
  t.equal(used.statusCode, 409)
  t.match(used.json(), { type: 'urn:bantin:problem:in-use', detail: /the cover of article hoi-nghi.*the body of article le-khanh-thanh.*the photo of person pham-thi-thuy/ })
  await app.inject({ method: 'PATCH', url: `/v1/people/${person.id}`, headers: admin, payload: { photoId: null } })
  await app.inject({ method: 'PATCH', url: '/v1/articles/le-khanh-thanh', headers: admin, payload: { body: [] } })
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  const trashed = await del()
  t.equal(trashed.statusCode, 409, 'a trashed article can come back, so it still counts')
  await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/restore`, headers: admin })
  await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { coverId: null } })
  t.equal((await del()).statusCode, 204)
  t.equal((await app.inject(photo.url)).statusCode, 404)
  t.same(await keysUnder(`${dataDir}/media`), [])
})

t.test('media and storage settings are read from the environment and checked', async (t) => {
  const defaults = loadConfig({})
  t.match(defaults, { media: { maxBytes: 50 * 1024 * 1024, allowedTypes: ['image/jpeg', 'image/png'] }, storage: { kind: 'local' } })
  t.same(loadConfig({ MEDIA_ALLOWED_TYPES: 'image/jpeg, image/webp' }).media.allowedTypes, ['image/jpeg', 'image/webp'])
  t.throws(() => loadConfig({ MEDIA_ALLOWED_TYPES: 'image/svg+xml' }), /MEDIA_ALLOWED_TYPES/)
  t.throws(() => loadConfig({ STORAGE: 's3' }), /S3_BUCKET: Required when STORAGE=s3/)
  t.match(loadConfig({ STORAGE: 's3', S3_BUCKET: 'bantin', S3_FORCE_PATH_STYLE: 'true' }).storage, {
    kind: 's3',
    bucket: 'bantin',
    region: 'us-east-1',
    forcePathStyle: true,
    prefix: '',
  })
})

t.test('Content-Disposition keeps quotes, semicolons and line breaks out of the header', async (t) => {
  t.equal(contentDisposition('Ảnh "đẹp"; filename=x.exe\r\n.png'), `inline; filename="Anh _dep_ filename_x.exe_.png"; filename*=UTF-8''%E1%BA%A2nh%20%22%C4%91%E1%BA%B9p%22%3B%20filename%3Dx.exe%0D%0A.png`)
  t.equal(contentDisposition("it's (1).pdf"), `inline; filename="it_s _1_.pdf"; filename*=UTF-8''it%27s%20%281%29.pdf`)
})

t.test('temporary files a crash left behind are swept when they are old', async (t) => {
  const dir = t.testdir({ 'old.upload': 'x', 'new.upload': 'y' })
  const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000)
  await utimes(`${dir}/old.upload`, old, old)
  await sweepTempDir(dir, new Date(Date.now() - 60_000))
  t.same(await readdir(dir), ['new.upload'])
})

t.test('an upright JPEG loses its EXIF, XMP and trailing data without being re-encoded', async (t) => {
  for (const progressive of [false, true]) {
    const original = await sharp({ create: { width: 800, height: 600, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
      .jpeg({ quality: 85, progressive })
      .withExif({ IFD0: { Make: 'Canon' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '20/1 32/1 0/1' } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
      .toBuffer()
    const withTrailer = Buffer.concat([original, Buffer.from('MPF preview with its own EXIF')])
    const form = multipart([{ name: 'file', filename: 'anh.jpg', data: withTrailer, type: 'image/jpeg' }])
    const res = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
    t.equal(res.statusCode, 201)
    const served = (await app.inject(res.json().data.url)).rawPayload
    const meta = await sharp(served).metadata()
    t.notOk(meta.exif || meta.xmp, `no EXIF or XMP (progressive: ${progressive})`)
    t.ok(served.length < original.length)
    t.equal(served.subarray(-2).toString('hex'), 'ffd9', 'nothing after the end marker')
    const pixels = (b: Buffer) => sharp(b).raw().toBuffer()
    t.ok((await pixels(served)).equals(await pixels(original)), 'the same pixels')
  }
  t.equal(stripJpegMetadata(Buffer.from('not a jpeg')), null)
  const jpeg = await cameraJpeg(64, 48)
  t.equal(stripJpegMetadata(jpeg.subarray(0, jpeg.length - 40)), null, 'a truncated JPEG is left to the re-encoder')
})
