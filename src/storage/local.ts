import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { randomUUID } from 'node:crypto'
import type { ByteRange, Storage, StoredKey } from './storage.js'

const KEY = /^[a-z0-9]+(?:[/.-][a-z0-9]+)*$/

/** Media on the local disk under `root`; writes land under a temporary name and are renamed into place. */
export class LocalStorage implements Storage {
  readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
  }

  private path(key: string): string {
    // Keys are made by the service, never by clients; this keeps a mistake from escaping the root.
    if (!KEY.test(key)) throw new Error(`Invalid storage key ${key}`)
    return join(this.root, ...key.split('/'))
  }

  async putFile(key: string, path: string): Promise<boolean> {
    const target = this.path(key)
    if (await this.size(key) !== null) {
      await unlink(path).catch(() => {})
      return false
    }
    await mkdir(dirname(target), { recursive: true })
    await rename(path, target)
    return true
  }

  async putBuffer(key: string, data: Buffer): Promise<void> {
    const target = this.path(key)
    await mkdir(dirname(target), { recursive: true })
    const temp = `${target}.${randomUUID()}.part`
    try {
      await writeFile(temp, data)
      await rename(temp, target)
    } catch (err) {
      // A disk that filled up midway leaves no half-written file behind.
      await unlink(temp).catch(() => {})
      throw err
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const info = await stat(this.path(key))
      return info.isFile() ? info.size : null
    } catch {
      return null
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(this.path(key), range && { start: range.start, end: range.end })
    // Opening errors (a file removed meanwhile) surface here, not in the middle of a reply.
    await new Promise<void>((ok, fail) => stream.once('open', () => ok()).once('error', fail))
    return stream
  }

  async remove(key: string): Promise<void> {
    const target = this.path(key)
    if (!target.startsWith(this.root + sep)) return
    await rm(target, { recursive: true, force: true })
  }

  async *list(): AsyncIterable<StoredKey> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      if (!entry.isFile()) continue
      const path = join(entry.parentPath, entry.name)
      const info = await stat(path).catch(() => undefined)
      if (info) yield { key: relative(this.root, path).split(sep).join('/'), modifiedAt: info.mtime }
    }
  }
}
