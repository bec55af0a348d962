import { z } from 'zod'
import { revisionOps } from '../../db/schema.js'
import { Cursor, Limit, Offset, QueryInt, Timestamp } from '../../shared/schemas.js'

export const RevisionOp = z.enum(revisionOps).meta({ id: 'RevisionOp' })

interface RevisionSchemaOptions<Key extends string, Snapshot extends z.ZodType, Status extends z.ZodType> {
  /** What the descriptions call the resource: `article`. */
  noun: string
  /** The answer's field that holds the resource's id: `articleId`. */
  key: Key
  snapshot: Snapshot
  status: Status
  /** The names of the two components in /openapi.json. */
  ids: { summary: string; revision: string }
}

/** The answers of a resource's revisions: a summary in lists, the whole kept state alone. */
export function revisionSchemas<Key extends string, Snapshot extends z.ZodType, Status extends z.ZodType>(
  options: RevisionSchemaOptions<Key, Snapshot, Status>,
) {
  const resourceId = { [options.key]: z.uuid() } as { [K in Key]: z.ZodUUID }
  const fields = {
    number: z.number().int().describe(`The ${options.noun} version this write made`),
    ...resourceId,
    op: RevisionOp,
    actor: z.string().describe('The name of the token that made the write'),
    createdAt: Timestamp,
  }
  return {
    Summary: z.object({ ...fields, title: z.string(), status: options.status }).meta({ id: options.ids.summary }),
    Revision: z.object({ ...fields, snapshot: options.snapshot }).meta({ id: options.ids.revision }),
  }
}

export const RevisionParams = z.strictObject({ idOrSlug: z.string().min(1).max(200), number: QueryInt(1, 2_147_483_647) })

export const RevisionListQuery = z.strictObject({ limit: Limit, offset: Offset, cursor: Cursor })
export type RevisionListQuery = z.infer<typeof RevisionListQuery>
