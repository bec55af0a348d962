import { sql } from 'drizzle-orm'
import type { Db } from './client.js'

/**
 * Every PostgreSQL advisory lock the server takes, in one place, so that no two uses share a
 * number by accident. Two-key locks (`pg_advisory_xact_lock(key, hashtext(…))`) use the key as
 * their first half.
 */
export const LOCKS = {
  /** Instances that start together take turns at migrating (held on a connection of its own). */
  migrate: 7_245_113,
  /** Writes that store or drop the same media bytes take turns; the hash is the second key. */
  mediaBlob: 5_310_442,
  /** Writers that generate a slug from the same base take turns; table and base are the second key. */
  slug: 4_418_093,
  /** A background job that must run on one instance at a time; the job's name is the second key. */
  job: 6_102_877,
} as const

/** Waits for a transaction-scoped lock on (key, hashtext(name)); released at commit or rollback. */
export const lockForTransaction = (db: Db, key: number, name: string) =>
  db.execute(sql`select pg_advisory_xact_lock(${key}, hashtext(${name}))`)

/** Takes a transaction-scoped lock on (key, hashtext(name)) if it is free: true when it was. */
export async function tryLockForTransaction(db: Db, key: number, name: string): Promise<boolean> {
  const result = (await db.execute(sql`select pg_try_advisory_xact_lock(${key}, hashtext(${name})) as ok`)) as unknown as {
    rows: { ok: boolean }[]
  }
  return result.rows[0]?.ok === true
}
