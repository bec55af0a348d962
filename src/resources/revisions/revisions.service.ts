import { and, count, desc, eq, lt, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articleRevisions, articles } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import type { Article } from '../articles/articles.schemas.js'
import { articleByIdOrSlug } from '../articles/articles.visibility.js'
import type { Revision, RevisionListQuery, RevisionSummary } from './revisions.schemas.js'

type RevisionRow = typeof articleRevisions.$inferSelect

/** Revisions belong to articles in the trash too: their history is what restoring relies on. */
async function articleId(db: Db, idOrSlug: string): Promise<string> {
  const [row] = await db.select({ id: articles.id }).from(articles).where(articleByIdOrSlug(idOrSlug))
  if (!row) throw new NotFound('Article', idOrSlug)
  return row.id
}

const toSummary = (row: Omit<RevisionRow, 'snapshot'> & { title: string; status: Article['status'] }): RevisionSummary => ({
  number: row.number,
  articleId: row.articleId,
  op: row.op,
  actor: row.actor,
  createdAt: row.createdAt.toISOString(),
  title: row.title,
  status: row.status,
})

/** Newest first, paged by the revision number: as fast for the 1,000th page as for the first. */
export async function listRevisions(db: Db, idOrSlug: string, query: RevisionListQuery) {
  const id = await articleId(db, idOrSlug)
  const start = pageStart(query, '-number')
  const where = and(
    eq(articleRevisions.articleId, id),
    start.after ? lt(articleRevisions.number, Number(start.after.value)) : undefined,
  )
  const [rows, total] = await Promise.all([
    db
      .select({
        id: articleRevisions.id,
        articleId: articleRevisions.articleId,
        number: articleRevisions.number,
        op: articleRevisions.op,
        actor: articleRevisions.actor,
        tokenId: articleRevisions.tokenId,
        createdAt: articleRevisions.createdAt,
        title: sql<string>`${articleRevisions.snapshot}->>'title'`,
        status: sql<Article['status']>`${articleRevisions.snapshot}->>'status'`,
      })
      .from(articleRevisions)
      .where(where)
      .orderBy(desc(articleRevisions.number))
      .limit(query.limit + 1)
      .offset(start.offset),
    query.offset === undefined
      ? undefined
      : db.select({ n: count() }).from(articleRevisions).where(eq(articleRevisions.articleId, id)),
  ])
  const page = finishPage(rows, query.limit, '-number', (row) => ({ value: row.number, id: row.id }))
  return { data: page.rows.map(toSummary), nextCursor: page.nextCursor, total: total?.[0]?.n }
}

export async function getRevision(db: Db, idOrSlug: string, number: number): Promise<Revision> {
  const id = await articleId(db, idOrSlug)
  const [row] = await db
    .select()
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, id), eq(articleRevisions.number, number)))
  if (!row) throw new NotFound('Revision', `${number} of article ${idOrSlug}`)
  return {
    number: row.number,
    articleId: row.articleId,
    op: row.op,
    actor: row.actor,
    createdAt: row.createdAt.toISOString(),
    snapshot: row.snapshot,
  }
}
