import { inArray, eq } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { LOCKS, lockForTransaction } from '../db/locks.js'
import { media } from '../db/schema.js'
import { blobKey } from '../resources/media/media.service.js'
import type { Storage } from '../storage/storage.js'

/** A key under a blob of media.service's layout, `<first two hex>/<sha256>/…`: its sha256. */
const BLOB_KEY = /^[0-9a-f]{2}\/([0-9a-f]{64})(?:\/|$)/

/**
 * Removes stored media bytes (and their variants) that no media row names: what a process killed
 * between storing an upload's bytes and committing its row leaves behind. Only blobs untouched
 * since `olderThan` are candidates, since an upload stores its bytes before its row's transaction;
 * each is then rechecked under the blob's lock, which that transaction also takes.
 */
export async function sweepOrphanBlobs(db: Db, storage: Storage, olderThan: Date, signal?: AbortSignal): Promise<string[]> {
  const newest = new Map<string, number>()
  for await (const { key, modifiedAt } of storage.list()) {
    const sha256 = BLOB_KEY.exec(key)?.[1]
    if (sha256) newest.set(sha256, Math.max(newest.get(sha256) ?? 0, modifiedAt.getTime()))
  }
  const old = [...newest].filter(([, at]) => at < olderThan.getTime()).map(([sha256]) => sha256)
  const removed: string[] = []
  for (let i = 0; i < old.length && !signal?.aborted; i += 500) {
    const batch = old.slice(i, i + 500)
    const named = new Set((await db.select({ sha256: media.sha256 }).from(media).where(inArray(media.sha256, batch))).map((r) => r.sha256))
    for (const sha256 of batch) {
      if (named.has(sha256) || signal?.aborted) continue
      const gone = await db.transaction(async (tx) => {
        await lockForTransaction(tx, LOCKS.mediaBlob, sha256)
        const [row] = await tx.select({ id: media.id }).from(media).where(eq(media.sha256, sha256)).limit(1)
        if (row) return false
        await storage.remove(blobKey(sha256))
        return true
      })
      if (gone) removed.push(sha256)
    }
  }
  return removed
}
