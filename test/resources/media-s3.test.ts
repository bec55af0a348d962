import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver'
import t from 'tap'
import { buildTestApp } from '../helper.js'
import { mediaCases } from './media.cases.js'

// The same cases as media.test.ts, with the bytes in a local S3-compatible server.
const bucket = 'bantin-media'
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: t.testdir() })
const { port } = (await server.run()) as { port: number }
t.teardown(() => server.close())
const endpoint = `http://127.0.0.1:${port}`
// s3rver accepts only its own default key pair; the SDK reads it from the usual variables.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER'
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER'

const dataDir = t.testdir()
const maxBytes = 256 * 1024
const ctx = await buildTestApp(t, {
  env: {
    DATA_DIR: dataDir,
    MEDIA_MAX_BYTES: String(maxBytes),
    STORAGE: 's3',
    S3_BUCKET: bucket,
    S3_ENDPOINT: endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_PREFIX: 'site/',
  },
})

const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' })
t.teardown(() => client.destroy())
await client.send(new CreateBucketCommand({ Bucket: bucket }))
const keys = async () => {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
  return (page.Contents ?? []).map((o) => o.Key!).sort()
}

mediaCases(t, {
  ...ctx,
  dataDir,
  maxBytes,
  storedKeys: async () => (await keys()).map((k) => k.replace(/^site\//, '')),
  clearStorage: async () => {
    const all = await keys()
    if (all.length) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: all.map((Key) => ({ Key })) } }))
  },
})
