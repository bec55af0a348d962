import { eq, getTableName, like, or } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Db } from '../db/client.js'
import { LOCKS, lockForTransaction } from '../db/locks.js'
import { SlugTaken } from '../errors.js'
import { SLUG_MAX, slugify } from './text.js'

/** The PostgreSQL error inside whatever wrapped it (Drizzle puts the driver's error in `cause`). */
export function pgCause(err: unknown): { code?: string; constraint?: string; message?: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return e as { code: string }
  }
  return undefined
}

export const isUniqueViolation = (err: unknown, constraint: string) => {
  const cause = pgCause(err)
  return cause?.code === '23505' && cause.constraint === constraint
}

type Sluggable = PgTable & { slug: PgColumn }

/**
 * A slug made from `text` that no row has: `base`, or `base-2`, `base-3`… whichever is free
 * first. Writers that want the same base take turns until their transaction ends, so two
 * generated slugs never collide; only a slug given explicitly (or a stray one of the same shape)
 * can still be taken meanwhile, which `claimingSlug` retries.
 */
export async function claimFreeSlug(tx: Db, table: Sluggable, text: string, fallback: string): Promise<string> {
  const base = slugify(text) || fallback
  await lockForTransaction(tx, LOCKS.slug, `${getTableName(table)}:${base}`)
  return freeSlug(tx, table, base)
}

/**
 * The slugs that `base` or a suffixed copy of it could collide with: `base` itself and those
 * that go on from it after a dash, not every slug that starts with it ("thong-bao-so-1" reads
 * neither "thong-bao-so-10" nor the thousand after it). Exported for its plan's test.
 */
export function slugsLike(db: Db, table: Sluggable, base: string) {
  return (
    db
      .select({ slug: table.slug })
      .from(table)
      // Slugs hold only [a-z0-9-], nothing LIKE would read as a pattern; the slug_prefix indexes
      // serve it whatever the database's collation. A base too long for a suffix gives way to it
      // (freeSlug): its copies share only its first characters.
      .where(or(eq(table.slug, base), like(table.slug, base.length <= SLUG_MAX - 8 ? `${base}-%` : `${base.slice(0, SLUG_MAX - 8)}%`)))
  )
}

/**
 * The first free slug of `base` or its suffixed copies as the database stands, without waiting
 * for other writers: one that claims the same meanwhile makes the write fail, and `claimingSlug`
 * runs it again.
 */
export async function freeSlug(db: Db, table: Sluggable, base: string): Promise<string> {
  const rows = await slugsLike(db, table, base)
  const taken = new Set(rows.map((r) => r.slug as string))
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) {
    // The suffix fits inside the slug's 120 characters: the base gives way.
    const suffix = `-${n}`
    const candidate = `${base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, '')}${suffix}`
    if (!taken.has(candidate)) return candidate
  }
}

/**
 * Runs a write that claims a slug. An explicit slug that is taken is a 409; a generated one that
 * another write claimed meanwhile is generated again, until one is free.
 */
export async function claimingSlug<T>(
  constraint: string,
  explicit: string | undefined,
  write: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(attempt)
    } catch (err) {
      if (!isUniqueViolation(err, constraint)) throw err
      if (explicit !== undefined || attempt >= 20) throw new SlugTaken(explicit ?? 'generated')
    }
  }
}
