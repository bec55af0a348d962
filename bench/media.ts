/**
 * Media benchmarks: memory while a 200 MB file is uploaded, and serving a stored 640 px variant
 * against serving the original photo. `npm run bench:media`; prints one table, writes nothing.
 */
import { request } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import sharp from 'sharp'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { ensureAdminToken } from '../src/resources/tokens/tokens.service.js'

const UPLOAD_MB = 200
const SECONDS = 8
const TOKEN = 'bench-admin-token-0123456789abcdef'
const auth = { authorization: `Bearer ${TOKEN}` }

const dataDir = await mkdtemp(join(tmpdir(), 'bantin-bench-media-'))
const database = await openDatabase({ memory: true })
await ensureAdminToken(database.db, TOKEN)
const app = await buildApp({
  config: loadConfig({ DATA_DIR: dataDir, MEDIA_MAX_BYTES: String((UPLOAD_MB + 10) * 1024 * 1024) }),
  database,
})
const base = await app.listen({ port: 0, host: '127.0.0.1' })

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

/** Streams a multipart upload of `size` bytes (an MP4 header, then filler) from one reused buffer. */
function streamUpload(size: number): Promise<{ status: number; body: string }> {
  const boundary = '----bantinbench'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="phong-su.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const ftyp = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex')
  const chunk = Buffer.alloc(1024 * 1024, 0x5a)
  return new Promise((resolve, reject) => {
    const req = request(`${base}/v1/media`, {
      method: 'POST',
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + size + tail.length },
    })
    req.on('response', (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.write(head)
    req.write(ftyp)
    let left = size - ftyp.length
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
        left -= piece.length
        if (!req.write(piece)) return void req.once('drain', pump)
      }
      req.end(tail)
    }
    pump()
  })
}

async function measureUpload() {
  globalThis.gc?.()
  const before = process.memoryUsage().rss
  let peak = before
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10)
  const started = performance.now()
  const res = await streamUpload(UPLOAD_MB * 1024 * 1024)
  const seconds = (performance.now() - started) / 1000
  clearInterval(timer)
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${res.body}`)
  return { growthMb: mb(peak - before), seconds: Math.round(seconds * 10) / 10 }
}

async function uploadPhoto() {
  // Noise compresses like a detailed camera photo: a 4000×3000 JPEG of a few MB.
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 85 })
    .toBuffer()
  const boundary = '----bantinbenchphoto'
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hoi-nghi.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    photo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  const res = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload })
  if (res.statusCode !== 201) throw new Error(`photo upload answered ${res.statusCode}: ${res.body}`)
  return res.json().data as { url: string; size: number }
}

async function throughput(path: string) {
  // In a worker thread, so the client does not share the server's event loop.
  const result = await autocannon({ url: base + path, connections: 10, duration: SECONDS, workers: 1 })
  return { rps: Math.round(result.requests.average), mbps: mb(result.throughput.average), p99: result.latency.p99, errors: result.non2xx + result.errors }
}

try {
  const upload = await measureUpload()
  const photo = await uploadPhoto()
  const variantUrl = `${photo.url}?w=640&format=webp`
  const first = performance.now()
  const warm = await app.inject(variantUrl)
  const makeMs = Math.round(performance.now() - first)
  const original = await throughput(photo.url)
  const variant = await throughput(variantUrl)
  console.table({
    [`upload ${UPLOAD_MB} MB`]: { result: `RSS +${upload.growthMb} MB (limit 64)`, detail: `${upload.seconds} s` },
    'make 640 px webp once': { result: `${makeMs} ms`, detail: `${Math.round(warm.rawPayload.length / 1024)} KiB` },
    [`original ${mb(photo.size)} MB`]: { result: `${original.rps} req/s`, detail: `${original.mbps} MB/s, p99 ${original.p99} ms, errors ${original.errors}` },
    '640 px webp (stored)': { result: `${variant.rps} req/s`, detail: `${variant.mbps} MB/s, p99 ${variant.p99} ms, errors ${variant.errors}` },
  })
  if (upload.growthMb >= 64) process.exitCode = 1
  if (variant.rps * 2 < original.rps) process.exitCode = 1
} finally {
  await app.close()
  await database.close()
  await rm(dataDir, { recursive: true, force: true })
}
