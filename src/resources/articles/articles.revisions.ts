import { z } from 'zod'
import { type ArticleSnapshot as ArticleSnapshotRow, articleRevisions, articles, type RevisionOp } from '../../db/schema.js'
import { Block } from '../../shared/blocks.js'
import type { Principal } from '../../shared/principal.js'
import { Slug, Timestamp } from '../../shared/schemas.js'
import { Seo } from '../../shared/seo.js'
import { revisionSchemas } from '../revisions/revisions.schemas.js'
import { revisionRow, type RevisionSubject } from '../revisions/revisions.service.js'
import { type Article, ArticleStatus, PersonRole } from './articles.schemas.js'
import { articleByIdOrSlug } from './articles.visibility.js'

export const ArticleSnapshot = z
  .object({
    slug: Slug,
    title: z.string(),
    summary: z.string().nullable(),
    body: z.array(Block),
    status: ArticleStatus,
    publishedAt: Timestamp.nullable(),
    categoryId: z.uuid().nullable(),
    coverId: z.uuid().nullable().optional(),
    tags: z.array(z.string()),
    people: z.array(z.object({ personId: z.uuid(), role: PersonRole })),
    seo: Seo.optional().describe('Absent in revisions kept before articles had SEO fields'),
    deleted: z.boolean().describe('The write left the article in the trash'),
  })
  .meta({ id: 'ArticleSnapshot' })

export const articleRevisionSchemas = revisionSchemas({
  noun: 'article',
  key: 'articleId',
  snapshot: ArticleSnapshot,
  status: ArticleStatus,
  ids: { summary: 'RevisionSummary', revision: 'Revision' },
})

export const articleRevisionSubject: RevisionSubject<ArticleSnapshotRow> = {
  noun: 'article',
  key: 'articleId',
  table: articleRevisions,
  async findId(db, idOrSlug) {
    const [row] = await db.select({ id: articles.id }).from(articles).where(articleByIdOrSlug(idOrSlug))
    return row?.id
  },
}

export function snapshotOf(article: Article, deleted: boolean): ArticleSnapshotRow {
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
export const articleRevisionRow = (article: Article, op: RevisionOp, auth: Principal, deleted = false) =>
  revisionRow(article, op, snapshotOf(article, deleted), auth)
