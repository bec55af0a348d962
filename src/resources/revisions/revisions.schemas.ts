import { z } from 'zod'
import { revisionOps } from '../../db/schema.js'
import { Cursor, Limit, Offset, QueryInt, Slug, Timestamp } from '../../shared/schemas.js'
import { ArticleStatus, PersonRole } from '../articles/articles.schemas.js'
import { Block } from '../../shared/blocks.js'

export const RevisionOp = z.enum(revisionOps).meta({ id: 'RevisionOp' })

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
    deleted: z.boolean().describe('The write left the article in the trash'),
  })
  .meta({ id: 'ArticleSnapshot' })

const RevisionFields = {
  number: z.number().int().describe('The article version this write made'),
  articleId: z.uuid(),
  op: RevisionOp,
  actor: z.string().describe('The name of the token that made the write'),
  createdAt: Timestamp,
}

export const RevisionSummary = z
  .object({ ...RevisionFields, title: z.string(), status: ArticleStatus })
  .meta({ id: 'RevisionSummary' })
export type RevisionSummary = z.infer<typeof RevisionSummary>

export const Revision = z.object({ ...RevisionFields, snapshot: ArticleSnapshot }).meta({ id: 'Revision' })
export type Revision = z.infer<typeof Revision>

export const RevisionParams = z.strictObject({ idOrSlug: z.string().min(1).max(200), number: QueryInt(1, 2_147_483_647) })

export const RevisionListQuery = z.strictObject({ limit: Limit, offset: Offset, cursor: Cursor })
export type RevisionListQuery = z.infer<typeof RevisionListQuery>
