import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { DURABLE_START_PARAMS, durableFilesystem, loadEmbeddedEngine, lockDataDir } from './client.js'

// Copies of the embedded database: a gzipped tar of DATA_DIR, the same format PGlite's
// dumpDataDir writes and its loadDataDir reads. Made here rather than with dumpDataDir, which
// holds the whole archive in memory, media files included (they live under DATA_DIR/media).

/** Never copied: the lock of the running process, and uploads in flight. */
const SKIPPED = new Set(['bantin.pid', 'tmp'])
const MEDIA = 'media'

/** Every file and folder under `root` (PostgreSQL needs its empty folders too), relative to it, sorted. */
async function entriesUnder(root: string, skip: (path: string) => boolean): Promise<{ path: string; dir: boolean }[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() || e.isDirectory())
    .map((e) => ({ path: relative(root, join(e.parentPath, e.name)).split(sep).join('/'), dir: e.isDirectory() }))
    .filter(({ path }) => !skip(path))
    .sort((a, b) => (a.path < b.path ? -1 : 1))
}

const skipped = (withMedia: boolean) => (path: string) => {
  const top = path.split('/')[0]!
  return SKIPPED.has(top) || (!withMedia && top === MEDIA)
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0'
}

/** A ustar header; names past 100 bytes are split into prefix and name at a slash. */
function tarHeader(name: string, size: number, mtime: Date, dir = false): Buffer {
  const header = Buffer.alloc(512)
  let prefix = ''
  let short = name
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155)
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`Path too long for a tar archive: ${name}`)
    prefix = name.slice(0, cut)
    short = name.slice(cut + 1)
  }
  header.write(short, 0, 100)
  header.write(octal(dir ? 0o755 : 0o644, 8), 100)
  header.write(octal(0, 8), 108)
  header.write(octal(0, 8), 116)
  header.write(octal(size, 12), 124)
  header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136)
  header.write('        ', 148)
  header.write(dir ? '5' : '0', 156)
  header.write('ustar\u000000', 257)
  header.write(prefix, 345, 155)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return header
}

async function* tarStream(root: string, entries: { path: string; dir: boolean }[]): AsyncGenerator<Buffer> {
  for (const { path: name, dir } of entries) {
    const path = join(root, ...name.split('/'))
    const info = await stat(path)
    if (dir) {
      yield tarHeader(`${name}/`, 0, info.mtime, true)
      continue
    }
    yield tarHeader(name, info.size, info.mtime)
    let written = 0
    for await (const chunk of createReadStream(path)) {
      written += (chunk as Buffer).length
      yield chunk as Buffer
    }
    if (written !== info.size) throw new Error(`${name} changed while it was copied`)
    if (info.size % 512) yield Buffer.alloc(512 - (info.size % 512))
  }
  yield Buffer.alloc(1024)
}

/**
 * Opens the database once on its own (which replays what a crash left in the WAL, and proves it
 * opens) and checkpoints it, so that the copy is of quiet, consistent files.
 */
async function checkpoint(dataDir: string): Promise<void> {
  const { PGlite } = await loadEmbeddedEngine(() => import('@electric-sql/pglite'))
  const client = await PGlite.create({ fs: await durableFilesystem(dataDir), startParams: DURABLE_START_PARAMS(PGlite.defaultStartParams) })
  await client.exec('checkpoint')
  await client.close()
}

const hasDatabase = (dataDir: string) =>
  stat(join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  )

export interface BackupResult {
  files: number
  bytes: number
}

/**
 * Writes a copy of the embedded database in `dataDir` (and its media, unless `withMedia` is false)
 * to `file`. Refuses while a server runs on it: the data directory is one process's at a time.
 */
export async function backupEmbedded(dataDir: string, file: string, { withMedia = true } = {}): Promise<BackupResult> {
  const unlock = await lockDataDir(dataDir)
  try {
    if (!(await hasDatabase(dataDir))) throw new Error(`There is no embedded database in ${dataDir}`)
    await checkpoint(dataDir)
    const entries = await entriesUnder(dataDir, skipped(withMedia))
    const partial = `${file}.partial`
    await mkdir(dirname(file), { recursive: true })
    await pipeline(tarStream(dataDir, entries), createGzip(), createWriteStream(partial))
    await rename(partial, file)
    return { files: entries.filter((e) => !e.dir).length, bytes: (await stat(file)).size }
  } finally {
    await unlock()
  }
}

/** Reads a (gzipped) tar archive into `into`, creating folders as it goes; media files already there are kept. */
async function extract(file: string, into: string, mediaRoot: string): Promise<number> {
  let pending: Buffer = Buffer.alloc(0)
  let current: { remaining: number; padding: number; write?: (chunk: Buffer) => Promise<void>; close?: () => Promise<void> } | undefined
  let count = 0
  let ended = false
  const consume = async () => {
    for (;;) {
      if (current) {
        if (current.remaining > 0) {
          if (pending.length === 0) return
          const take = Math.min(current.remaining, pending.length)
          await current.write?.(pending.subarray(0, take))
          pending = pending.subarray(take)
          current.remaining -= take
          if (current.remaining > 0) return
          await current.close?.()
        }
        if (pending.length < current.padding) return
        pending = pending.subarray(current.padding)
        current = undefined
      }
      if (ended || pending.length < 512) return
      const header = pending.subarray(0, 512)
      pending = pending.subarray(512)
      if (header.every((b) => b === 0)) {
        ended = true
        return
      }
      const text = (at: number, length: number) => header.toString('utf8', at, at + length).replace(/\0.*$/s, '')
      const prefix = text(345, 155)
      const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100)
      const size = parseInt(text(124, 12).trim() || '0', 8)
      const type = text(156, 1) || '0'
      if (name.split('/').some((part) => part === '..') || name.startsWith('/')) throw new Error(`Unsafe path in the archive: ${name}`)
      current = { remaining: size, padding: size % 512 ? 512 - (size % 512) : 0 }
      const parts = name.split('/').filter(Boolean)
      const isMedia = parts[0] === MEDIA
      const target = isMedia ? join(mediaRoot, ...parts.slice(1)) : join(into, ...parts)
      if (type === '5') await mkdir(target, { recursive: true })
      if (type !== '0') continue
      // Media are stored under their hash: a file already there holds the same bytes.
      if (isMedia && (await stat(target).catch(() => undefined))) continue
      await mkdir(dirname(target), { recursive: true })
      const handle = await open(target, 'w')
      current.write = async (chunk) => void (await handle.write(chunk))
      current.close = () => handle.close()
      count++
      if (size === 0) await current.close()
    }
  }
  await pipeline(
    createReadStream(file),
    createGunzip(),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
        consume().then(() => done(), done)
      },
    }),
  )
  if (!ended || current) throw new Error('The archive is truncated')
  return count
}

export interface RestoreResult {
  files: number
  /** Where the database that was replaced was moved, if there was one. */
  previous: string | undefined
}

/**
 * Replaces the embedded database in `dataDir` with the copy in `file`. The copy is unpacked beside
 * it and opened first, so a bad archive changes nothing; the database it replaces is moved to
 * `<DATA_DIR>.before-restore-<time>`, never deleted. Refuses while a server runs on `dataDir`, and
 * over an existing database unless `force`.
 */
export async function restoreEmbedded(dataDir: string, file: string, { force = false } = {}): Promise<RestoreResult> {
  await mkdir(dataDir, { recursive: true })
  const unlock = await lockDataDir(dataDir)
  const staging = join(dataDir, 'tmp', `restore-${Date.now()}`)
  try {
    const existing = await hasDatabase(dataDir)
    if (existing && !force) throw new Error(`${dataDir} already holds a database: pass --force to replace it (it is kept aside, not deleted)`)
    await mkdir(staging, { recursive: true })
    const files = await extract(file, staging, join(dataDir, MEDIA))
    if (!(await hasDatabase(staging))) throw new Error(`${file} holds no embedded database`)
    await checkpoint(staging)
    let previous: string | undefined
    if (existing) {
      previous = `${dataDir.replace(/[/\\]+$/, '')}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
      await mkdir(previous)
      for (const name of await readdir(dataDir)) {
        if (!SKIPPED.has(name) && name !== MEDIA) await rename(join(dataDir, name), join(previous, name))
      }
    }
    for (const name of await readdir(staging)) await rename(join(staging, name), join(dataDir, name))
    return { files, previous }
  } finally {
    await rm(staging, { recursive: true, force: true })
    await unlock()
  }
}
