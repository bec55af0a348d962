import { and, type AnyColumn, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm'
import { articles } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'

/**
 * What a caller may read: anonymous callers only published articles whose time has come; a
 * token every status, and the trash when it asks for it.
 */
export function visibleTo(auth: Principal | null, trashed = false): SQL {
  if (auth && trashed) return isNotNull(articles.deletedAt)
  return visibility(auth === null)
}

/**
 * 'published' is written into the statement, not sent as a parameter: a prepared statement's
 * generic plan then knows it, may use the partial indexes on published articles, and is costed
 * truly enough for PostgreSQL to keep it instead of planning each execution again.
 */
export const isPublished = (status: AnyColumn) => sql`${status} = 'published'`

export const visibility = (anonymous: boolean): SQL =>
  anonymous
    ? and(isNull(articles.deletedAt), isPublished(articles.status), sql`${articles.publishedAt} <= now()`)!
    : isNull(articles.deletedAt)

/** Whether anonymous callers see an article in this state at `now`: the rule above, in code. */
export const isPublic = (row: { status: string; publishedAt: Date | null; deletedAt: Date | null }, now: Date) =>
  row.deletedAt === null && row.status === 'published' && row.publishedAt !== null && row.publishedAt <= now

export const articleByIdOrSlug = (idOrSlug: string): SQL =>
  isUuid(idOrSlug) ? eq(articles.id, idOrSlug.toLowerCase()) : eq(articles.slug, idOrSlug)
