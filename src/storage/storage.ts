import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Config } from '../config.js'
import { loadOptional } from '../shared/startup.js'
import { LocalStorage } from './local.js'

/** An inclusive byte range, as in HTTP. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Where media bytes live, addressed by keys like `originals/ab/ab12…`. Objects are never changed
 * once written: a key always names the same bytes, which is what makes them safe to cache forever.
 */
export interface Storage {
  /** Moves a finished local file into place; false (and the file removed) when the key already exists. */
  putFile(key: string, path: string, contentType: string): Promise<boolean>
  putBuffer(key: string, data: Buffer, contentType: string): Promise<void>
  /** The object's size in bytes, or null when there is none. */
  size(key: string): Promise<number | null>
  read(key: string, range?: ByteRange): Promise<Readable>
  /** Removes the key and every key under `key/`. */
  remove(key: string): Promise<void>
  /** Every key held, with when it was written, in no particular order: for sweeping what no row names. */
  list(): AsyncIterable<StoredKey>
}

export interface StoredKey {
  key: string
  modifiedAt: Date
}

/**
 * The configured storage. The AWS SDK is loaded only when S3 is used: it costs some 20 MB, and
 * is an optional dependency.
 */
export async function openStorage(config: Config): Promise<Storage> {
  if (config.storage.kind !== 's3') return new LocalStorage(join(config.dataDir, 'media'))
  const { S3Storage } = await loadOptional('@aws-sdk/client-s3', 'STORAGE=s3', 'use STORAGE=local', () => import('./s3.js'))
  return new S3Storage(config.storage)
}
