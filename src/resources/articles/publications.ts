import { and, eq, gt, lte, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articles, systemState } from '../../db/schema.js'
import { SYSTEM } from '../../shared/principal.js'
import { type Change, write } from '../../shared/write.js'

const KEY = 'publications'

/**
 * A scheduled article becomes visible when its time comes, with nothing written at that moment.
 * This records it in the change log afterwards, so the sync feed and webhooks learn of it
 * (`article.published`): every article whose publishedAt fell in (last run, now] and whose last
 * write came before that time (a write after it already announced the article itself). The
 * watermark row is locked, so instances take turns and each article is announced once.
 */
export async function announceDuePublications(db: Db, now = new Date()): Promise<number> {
  return write(db, async (tx) => {
    const [state] = await tx.select().from(systemState).where(eq(systemState.key, KEY)).for('update')
    const until = new Date((state?.value as { until?: string } | undefined)?.until ?? now)
    if (until >= now) return { result: 0, change: null }
    const due = await tx
      .select({ id: articles.id, slug: articles.slug, version: articles.version, publishedAt: articles.publishedAt })
      .from(articles)
      .where(
        and(
          eq(articles.status, 'published'),
          sql`${articles.deletedAt} is null`,
          gt(articles.publishedAt, until),
          lte(articles.publishedAt, now),
          sql`${articles.updatedAt} < ${articles.publishedAt}`,
        ),
      )
      .orderBy(articles.publishedAt, articles.id)
    await tx
      .insert(systemState)
      .values({ key: KEY, value: { until: now.toISOString() }, updatedAt: now })
      .onConflictDoUpdate({ target: systemState.key, set: { value: { until: now.toISOString() }, updatedAt: now } })
    const changes: Change[] = due.map((a) => ({
      type: 'article',
      id: a.id,
      op: 'upsert',
      events: ['article.published'],
      version: a.version,
      slug: a.slug,
      actor: SYSTEM,
      at: a.publishedAt!,
    }))
    return { result: changes.length, change: changes }
  })
}
