import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import type { ByteRange, Storage, StoredKey } from './storage.js'

export interface S3Settings {
  bucket: string
  endpoint: string | undefined
  region: string
  forcePathStyle: boolean
  /** Prepended to every key, so one bucket can hold several sites. */
  prefix: string
}

const isNotFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404
}

/** Media in an S3-compatible bucket, shared by every instance of the API. */
export class S3Storage implements Storage {
  private readonly client: S3Client
  private readonly bucket: string
  private readonly prefix: string

  constructor(settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint && { endpoint: settings.endpoint }),
      // Checksums only where S3 demands them: many S3-compatible servers reject the newer
      // aws-chunked bodies with trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
    this.bucket = settings.bucket
    this.prefix = settings.prefix
  }

  async putFile(key: string, path: string, contentType: string): Promise<boolean> {
    try {
      if (await this.size(key) !== null) return false
      const { size } = await stat(path)
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: createReadStream(path),
          ContentLength: size,
          ContentType: contentType,
        }),
      )
      return true
    } finally {
      await unlink(path).catch(() => {})
    }
  }

  async putBuffer(key: string, data: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: data, ContentType: contentType }))
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }))
      return head.ContentLength ?? 0
    } catch (err) {
      if (isNotFound(err)) return null
      throw err
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const object = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        ...(range && { Range: `bytes=${range.start}-${range.end}` }),
      }),
    )
    return object.Body as Readable
  }

  async remove(key: string): Promise<void> {
    const keys = [this.prefix + key]
    let token: string | undefined
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.prefix}${key}/`, ContinuationToken: token }),
      )
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])))
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }),
      )
    }
  }

  async *list(): AsyncIterable<StoredKey> {
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }))
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key.slice(this.prefix.length), modifiedAt: object.LastModified ?? new Date(0) }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }
}
