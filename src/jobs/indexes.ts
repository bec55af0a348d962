import { getTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { is, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../db/client.js'
import { LOCKS, tryLockForTransaction } from '../db/locks.js'
import * as schema from '../db/schema.js'

/** The GIN indexes of the schema, found there so that a new one is looked after too. */
export const ginIndexes: string[] = (Object.values(schema) as unknown[]).flatMap((value) =>
  is(value, PgTable) ? getTableConfig(value).indexes.filter((i) => i.config.method === 'gin').map((i) => i.config.name!) : [],
)

/**
 * Moves what writes left in the GIN indexes' pending lists into the indexes proper, and says how
 * many pages it moved. A create adds its thousand or so search terms to the pending list in one
 * go, which is why it is fast, but every search reads that whole list, up to 4 MB of it: with
 * 1.8 MB pending, a rare phrase took 4.8 ms of PostgreSQL instead of 1.9. Autovacuum empties the
 * lists when it runs; this job does it every few seconds, off any request's path, whether it
 * runs or not. Merging one list at a time is what PostgreSQL does when a list is full anyway.
 */
export async function mergePendingIndexEntries(db: Db): Promise<number> {
  // One instance at a time: another's merge would only wait on this one's, then find nothing.
  return db.transaction(async (tx) => {
    if (!(await tryLockForTransaction(tx, LOCKS.job, MERGE_JOB))) return 0
    const [row] = await rawRows<{ pages: number }>(
      tx,
      sql`select coalesce(sum(gin_clean_pending_list(to_regclass(name))), 0)::int as pages
        from unnest(${`{${ginIndexes.join(',')}}`}::text[]) as name where to_regclass(name) is not null`,
    )
    return row?.pages ?? 0
  })
}

/** The merge's name, as its job and its lock know it. */
export const MERGE_JOB = 'merge-pending-index-entries'
