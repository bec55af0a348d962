import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type ArticleSnapshot, articleRevisions, type RevisionOp } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { newId } from '../../shared/ids.js'
import { type Principal, SYSTEM } from '../../shared/principal.js'
import type { Article } from './articles.schemas.js'

export function snapshotOf(article: Article, deleted: boolean): ArticleSnapshot {
  return {
    slug: article.slug,
    title: article.title,
    summary: article.summary,
    body: article.body,
    status: article.status,
    publishedAt: article.publishedAt,
    categoryId: article.categoryId,
    coverId: article.coverId,
    tags: article.tags,
    people: article.people.map(({ personId, role }) => ({ personId, role })),
    seo: article.seo,
    deleted,
  }
}

/** The revision row that keeps the article as this write left it, as number `article.version`. */
export function revisionRow(article: Article, op: RevisionOp, auth: Principal, deleted = false) {
  return {
    id: newId(),
    articleId: article.id,
    number: article.version,
    op,
    snapshot: snapshotOf(article, deleted),
    actor: auth.name,
    tokenId: auth.tokenId === SYSTEM.tokenId ? null : auth.tokenId,
    createdAt: new Date(article.updatedAt),
  }
}

/** What revision `number` of an article kept. */
export async function revisionSnapshot(db: Db, articleId: string, number: number): Promise<ArticleSnapshot> {
  const [row] = await db
    .select({ snapshot: articleRevisions.snapshot })
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, number)))
  if (!row) throw new NotFound('Revision', `${number} of article ${articleId}`)
  return row.snapshot
}
