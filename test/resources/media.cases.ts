import { request } from 'node:http'
import { deflateSync, crc32 } from 'node:zlib'
import { readdir } from 'node:fs/promises'
import { Readable } from 'node:stream'
import sharp from 'sharp'
import type { Test } from 'tap'
import { admin, countRows, type FormPart, multipart, resetDatabase, type TestApp } from '../helper.js'

export interface MediaContext extends TestApp {
  dataDir: string
  /** Every key the storage holds. */
  storedKeys(): Promise<string[]>
  clearStorage(): Promise<void>
  maxBytes: number
}

/** A camera-like JPEG: turned by EXIF orientation 6, with a GPS position and a camera make. */
export async function cameraJpeg(width = 1200, height = 900) {
  return sharp({ create: { width, height, channels: 3, background: { r: 180, g: 40, b: 40 } } })
    .composite([{ input: { create: { width: width / 2, height: height / 2, channels: 3, background: 'white' } }, left: 0, top: 0 }])
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: 'Canon', Model: 'EOS 80D' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '20/1 32/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer()
}

const png = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 1 } } }).png().toBuffer()

function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid PNG header that claims 50,000 × 50,000 pixels, in a few hundred bytes. */
export function bombPng() {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(50_000, 0)
  header.writeUInt32BE(50_000, 4)
  header.set([8, 0, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(50_001 * 4))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const mp4 = () =>
  Buffer.concat([
    Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'),
    Buffer.from('00000010', 'hex'),
    Buffer.from('mdat'),
    Buffer.alloc(8, 1),
  ])

const file = (data: Buffer, filename = 'anh.jpg', type = 'image/jpeg'): FormPart => ({ name: 'file', filename, data, type })

export function mediaCases(t: Test, ctx: MediaContext) {
  const { app, database } = ctx
  const upload = (parts: FormPart[]) => app.inject({ method: 'POST', url: '/v1/media', ...withAuth(multipart(parts)) })
  const withAuth = (form: ReturnType<typeof multipart>) => ({ payload: form.payload, headers: { ...admin, ...form.headers } })
  const tempFiles = () => readdir(`${ctx.dataDir}/tmp`).catch(() => [] as string[])

  /** Nothing of a rejected upload stays: no row, no stored bytes, no temporary file. */
  async function nothingLeft(t: Test) {
    t.equal(await countRows(database, 'media'), 0, 'no row')
    t.same(await ctx.storedKeys(), [], 'no stored bytes')
    t.same(await tempFiles(), [], 'no temporary file')
  }

  t.beforeEach(async () => {
    await resetDatabase(database)
    await ctx.clearStorage()
  })

  t.test('POST /v1/media stores a camera photo upright, without EXIF, with size, placeholder and variants', async (t) => {
    const person = (await app.inject({ method: 'POST', url: '/v1/people', headers: admin, payload: { name: 'Văn Vương' } })).json().data
    const res = await upload([
      { name: 'caption', value: 'Đồng chí Phạm Thị Thủy phát biểu tại hội nghị' },
      file(await cameraJpeg(), 'Ảnh hội nghị.JPG'),
      { name: 'credit', value: 'Ảnh: Văn Vương' },
      { name: 'creditPersonId', value: person.id },
    ])
    t.equal(res.statusCode, 201)
    const media = res.json().data
    t.match(media, {
      kind: 'image',
      filename: 'Ảnh hội nghị.JPG',
      mimeType: 'image/jpeg',
      width: 900,
      height: 1200,
      credit: 'Ảnh: Văn Vương',
      creditPersonId: person.id,
      url: `/v1/media/${media.id}/file`,
      placeholder: /^[A-Za-z0-9+/]+=*$/,
    })
    t.equal(res.headers.location, `/v1/media/${media.id}`)
    t.same(
      media.variants.filter((v: { format: string }) => v.format === 'webp').map((v: { width: number }) => v.width),
      [160, 320, 640],
    )
    t.equal(media.variants[0].url, `/v1/media/${media.id}/file?w=160&format=webp`)

    const served = await app.inject(media.url)
    t.equal(served.statusCode, 200)
    t.equal(served.headers['content-type'], 'image/jpeg')
    t.equal(served.headers.etag, `"${media.sha256}"`)
    t.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(served.headers['x-content-type-options'], 'nosniff')
    t.equal(served.headers['content-disposition'], `inline; filename="Anh hoi nghi.JPG"; filename*=UTF-8''${encodeURIComponent('Ảnh hội nghị.JPG')}`)
    t.equal(Number(served.headers['content-length']), media.size)
    const meta = await sharp(served.rawPayload).metadata()
    t.match(meta, { width: 900, height: 1200 })
    t.notOk(meta.exif, 'no EXIF (GPS, camera) in what is served')
    t.ok((meta.orientation ?? 1) === 1)
  })

  t.test('the same bytes twice make two media that share one stored file', async (t) => {
    const bytes = await png()
    const a = (await upload([file(bytes, 'a.png')])).json().data
    const b = (await upload([file(bytes, 'b.png')])).json().data
    t.not(a.id, b.id)
    t.equal(a.sha256, b.sha256)
    t.same(await ctx.storedKeys(), [`${a.sha256.slice(0, 2)}/${a.sha256}/original`])
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/media/${a.id}`, headers: admin })).statusCode, 204)
    t.equal((await app.inject(b.url)).statusCode, 200, 'the bytes stay while other media has them')
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/media/${b.id}`, headers: admin })).statusCode, 204)
    await nothingLeft(t)
  })

  t.test('the type comes from the bytes: a PNG named .jpg is a PNG, and its name says so', async (t) => {
    const res = await upload([file(await png(), 'anh.jpg', 'image/jpeg'), { name: 'creditPersonId', value: '' }, { name: 'alt', value: '' }])
    t.equal(res.statusCode, 201)
    t.match(res.json().data, { mimeType: 'image/png', filename: 'anh.png', width: 64, height: 48, creditPersonId: null, alt: null })
    const other = await upload([file(mp4(), 'clip', 'text/plain')])
    t.equal(other.statusCode, 201)
    t.match(other.json().data, { kind: 'video', mimeType: 'video/mp4', filename: 'clip.mp4', width: null, placeholder: null, variants: [] })
    const pdf = await upload([file(Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'), 'Quyết định.pdf')])
    t.match(pdf.json().data, { kind: 'document', mimeType: 'application/pdf' })
  })

  t.test('text, SVG and HTML are 415 whatever their name, and leave nothing behind', async (t) => {
    const cases = [
      file(Buffer.from('just some text, not an image\n'), 'anh.png', 'image/png'),
      file(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.svg', 'image/svg+xml'),
      file(Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>'), 'anh.jpg', 'image/jpeg'),
      file(Buffer.from('PK\u0003\u0004 not really a zip'), 'x.zip', 'application/zip'),
    ]
    for (const part of cases) {
      const res = await upload([part])
      t.equal(res.statusCode, 415, 'filename' in part ? part.filename : '')
      t.match(res.json(), { type: 'urn:bantin:problem:unsupported-media-type', status: 415 })
    }
    await nothingLeft(t)
  })

  t.test('a truncated JPEG is 422 and a decompression bomb is 413, before anything is stored', async (t) => {
    const jpeg = await cameraJpeg(640, 480)
    const truncated = await upload([file(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)))])
    t.equal(truncated.statusCode, 422)
    t.match(truncated.json(), { type: 'urn:bantin:problem:unreadable-media' })
    const bomb = await upload([file(bombPng(), 'bom.png', 'image/png')])
    t.equal(bomb.statusCode, 413)
    t.match(bomb.json().detail, /50000×50000/)
    await nothingLeft(t)
  })

  t.test('the filename loses any path and control characters', async (t) => {
    const names: [string, string][] = [
      ['../../../etc/cron.d/anh.png', 'anh.png'],
      ['..\\..\\windows\\anh.png', 'anh.png'],
      ['bao\u202Egnp.cao.png', 'baognp.cao.png'],
      ['...', 'file.png'],
    ]
    const bytes = await png()
    for (const [given, kept] of names) {
      const res = await upload([file(bytes, given, 'image/png')])
      t.equal(res.statusCode, 201)
      t.equal(res.json().data.filename, kept, given)
    }
  })

  t.test('a missing file part, two file parts, unknown fields and an unknown credit person are refused', async (t) => {
    const bytes = await png()
    const missing = await upload([{ name: 'caption', value: 'Không có tệp' }])
    t.equal(missing.statusCode, 400)
    t.match(missing.json(), { errors: [{ path: 'file' }] })
    const two = await upload([file(bytes, 'a.png'), file(bytes, 'b.png')])
    t.equal(two.statusCode, 400)
    t.match(two.json(), { errors: [{ path: 'file', message: /exactly one/ }] })
    const unknown = await upload([file(bytes), { name: 'owner', value: 'x' }])
    t.equal(unknown.statusCode, 400)
    const person = await upload([file(bytes), { name: 'creditPersonId', value: '01900000-0000-7000-8000-000000000000' }])
    t.equal(person.statusCode, 422)
    t.match(person.json(), { errors: [{ path: 'creditPersonId' }] })
    const json = await app.inject({ method: 'POST', url: '/v1/media', headers: admin, payload: { file: 'x' } })
    t.equal(json.statusCode, 415)
    const brokenBodies: [string, string][] = [
      ['multipart/form-data', 'no boundary'],
      ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\ncut off'],
    ]
    for (const [type, payload] of brokenBodies) {
      const broken = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, 'content-type': type }, payload })
      t.equal(broken.statusCode, 400, type)
      t.match(broken.json(), { errors: [{ path: 'body' }] })
    }
    const anonymous = await app.inject({ method: 'POST', url: '/v1/media', ...multipart([file(bytes)]) })
    t.equal(anonymous.statusCode, 401)
    await nothingLeft(t)
  })

  t.test('an upload over MEDIA_MAX_BYTES is 413, whether announced or only found while streaming', async (t) => {
    const big = Buffer.concat([await png(), Buffer.alloc(ctx.maxBytes, 7)])
    const announced = await upload([file(big, 'big.png')])
    t.equal(announced.statusCode, 413)
    const form = withAuth(multipart([file(big, 'big.png')]))
    const streamed = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...form.headers, 'transfer-encoding': 'chunked' },
      payload: Readable.from([form.payload.subarray(0, 1000), form.payload.subarray(1000)]),
    })
    t.equal(streamed.statusCode, 413)
    t.match(streamed.json(), { type: 'urn:bantin:problem:payload-too-large' })
    await nothingLeft(t)
  })

  t.test('an upload cut off halfway leaves nothing behind', async (t) => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const form = withAuth(multipart([file(Buffer.alloc(512 * 1024, 3), 'clip.mp4')]))
    await new Promise<void>((resolve) => {
      const req = request(`${address}/v1/media`, {
        method: 'POST',
        headers: { ...form.headers, 'content-length': form.payload.length },
      })
      req.on('error', () => {})
      req.on('close', () => resolve())
      req.write(form.payload.subarray(0, 200 * 1024), () => setTimeout(() => req.destroy(), 100))
    })
    for (let i = 0; i < 50 && (await tempFiles()).length; i++) await new Promise((r) => setTimeout(r, 20))
    await nothingLeft(t)
  })

  t.test('GET /v1/media/:id/file answers ranges, 416 for ranges past the end, and 304 for its ETag', async (t) => {
    const bytes = await png()
    const media = (await upload([file(bytes, 'anh.png')])).json().data
    const part = await app.inject({ url: media.url, headers: { range: 'bytes=8-15' } })
    t.equal(part.statusCode, 206)
    t.equal(part.headers['content-range'], `bytes 8-15/${bytes.length}`)
    t.same(part.rawPayload, bytes.subarray(8, 16))
    const tail = await app.inject({ url: media.url, headers: { range: 'bytes=-12' } })
    t.same(tail.rawPayload, bytes.subarray(-12))
    const beyond = await app.inject({ url: media.url, headers: { range: `bytes=${bytes.length}-` } })
    t.equal(beyond.statusCode, 416)
    t.equal(beyond.headers['content-range'], `bytes */${bytes.length}`)
    const reversed = await app.inject({ url: media.url, headers: { range: 'bytes=9-3' } })
    t.equal(reversed.statusCode, 416)
    const stale = await app.inject({ url: media.url, headers: { range: 'bytes=0-3', 'if-range': '"other"' } })
    t.equal(stale.statusCode, 200, 'a stale If-Range gets the whole file')
    const head = await app.inject({ method: 'HEAD', url: media.url })
    t.equal(head.statusCode, 200)
    t.equal(head.headers['content-length'], String(bytes.length))
    t.equal(head.rawPayload.length, 0)
    const cached = await app.inject({ url: media.url, headers: { 'if-none-match': `"${media.sha256}"` } })
    t.equal(cached.statusCode, 304)
    t.equal((await app.inject('/v1/media/01900000-0000-7000-8000-000000000000/file')).statusCode, 404)
  })

  t.test('?w=&format= makes a variant once, then serves it from storage; other widths are 400', async (t) => {
    const media = (await upload([file(await cameraJpeg())])).json().data
    const webp = await app.inject(`${media.url}?w=320&format=webp`)
    t.equal(webp.statusCode, 200)
    t.equal(webp.headers['content-type'], 'image/webp')
    t.equal(webp.headers.etag, `"${media.sha256}-320.webp"`)
    t.equal(webp.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.match(await sharp(webp.rawPayload).metadata(), { format: 'webp', width: 320, height: 427 })
    const key = `${media.sha256.slice(0, 2)}/${media.sha256}/320.webp`
    t.ok((await ctx.storedKeys()).includes(key), 'kept in storage')
    const again = await app.inject(`${media.url}?w=320&format=webp`)
    t.same(again.rawPayload, webp.rawPayload)
    const jpeg = await app.inject(`${media.url}?w=160&format=jpeg`)
    t.match(await sharp(jpeg.rawPayload).metadata(), { format: 'jpeg', width: 160 })
    t.notOk((await sharp(jpeg.rawPayload).metadata()).exif)
    const range = await app.inject({ url: `${media.url}?w=320`, headers: { range: 'bytes=0-3' } })
    t.equal(range.statusCode, 206)
    t.equal(range.rawPayload.toString('latin1'), 'RIFF')
    const burst = await Promise.all(
      ['w=640&format=avif', 'w=640&format=avif', 'w=640&format=jpeg', 'w=160&format=avif', 'w=960'].map((q) => app.inject(`${media.url}?${q}`)),
    )
    t.same(burst.map((r) => r.statusCode), [200, 200, 200, 200, 200], 'a burst of renderings queues and all finish')
    t.same(burst[0]!.rawPayload, burst[1]!.rawPayload)
    t.match(await sharp(burst[4]!.rawPayload).metadata(), { width: 900, format: 'webp' }, 'never wider than the original')
    for (const query of ['w=333', 'w=100000', 'format=webp', 'w=320&format=gif', 'w=abc']) {
      t.equal((await app.inject(`${media.url}?${query}`)).statusCode, 400, query)
    }
    const video = (await upload([file(mp4(), 'clip.mp4')])).json().data
    t.equal((await app.inject(`${video.url}?w=320`)).statusCode, 400)
  })

  t.test('PATCH changes metadata only; lists search filename, caption and credit without diacritics', async (t) => {
    const bytes = await png()
    const a = (await upload([file(bytes, 'hoi-nghi.png'), { name: 'caption', value: 'Hội nghị tổng kết công tác dân vận' }])).json().data
    const b = (await upload([file(await cameraJpeg(320, 240), 'le-khanh-thanh.jpg'), { name: 'credit', value: 'Ảnh: Văn Vương' }])).json().data
    await upload([file(mp4(), 'phong-su.mp4')])
    const patched = await app.inject({ method: 'PATCH', url: `/v1/media/${a.id}`, headers: admin, payload: { alt: 'Toàn cảnh hội nghị', credit: 'Ảnh: Minh Đức' } })
    t.equal(patched.statusCode, 200)
    t.match(patched.json().data, { alt: 'Toàn cảnh hội nghị', credit: 'Ảnh: Minh Đức', caption: 'Hội nghị tổng kết công tác dân vận', sha256: a.sha256 })
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/media/${a.id}`, headers: admin, payload: { filename: 'x.png' } })).statusCode, 400)
    const search = async (query: string) => (await app.inject(`/v1/media?${query}`)).json().data.map((m: { id: string }) => m.id)
    t.same(await search('q=dan%20van'), [a.id])
    t.same(await search('q=minh%20duc'), [a.id])
    t.same(await search('q=VAN%20VUONG'), [b.id])
    t.same(await search('q=khanh-thanh'), [b.id])
    t.same(await search('kind=image&sort=createdAt'), [a.id, b.id])
    const first = (await app.inject('/v1/media?limit=2')).json()
    t.equal(first.data.length, 2)
    const rest = (await app.inject(`/v1/media?limit=2&cursor=${first.meta.nextCursor}`)).json()
    t.same(rest.data.map((m: { id: string }) => m.id), [a.id])
    t.equal(rest.meta.nextCursor, null)
    t.match((await app.inject('/v1/media?offset=0&limit=1')).json().meta, { total: 3 })
  })
}

/** Walks a local directory tree into storage keys. */
export async function keysUnder(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(`${root}/${prefix}`, { withFileTypes: true }).catch(() => [])
  const keys: string[] = []
  for (const entry of entries) {
    const key = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) keys.push(...(await keysUnder(root, key)))
    else keys.push(key)
  }
  return keys.sort()
}
