import { z } from 'zod'
import { changeOps, resourceTypes } from '../../db/schema.js'
import { commaList, QueryInt, Timestamp } from '../../shared/schemas.js'
import { Article } from '../articles/articles.schemas.js'
import { Category } from '../categories/categories.schemas.js'
import { Document } from '../documents/documents.schemas.js'
import { Media } from '../media/media.schemas.js'
import { Menu } from '../menus/menus.schemas.js'
import { Page } from '../pages/pages.schemas.js'
import { Person } from '../people/people.schemas.js'

export const ResourceType = z.enum(resourceTypes).meta({ id: 'ResourceType' })

export const SyncQuery = z.strictObject({
  cursor: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('The meta.nextCursor of the page before; without it the feed starts at the beginning'),
  limit: QueryInt(1, 1000).default(100).describe('Changes read per page, 1–1000, default 100'),
  types: commaList(resourceTypes),
})
export type SyncQuery = z.infer<typeof SyncQuery>

export const SyncEntry = z
  .object({
    type: ResourceType,
    id: z.uuid(),
    op: z.enum(changeOps).describe('upsert: the resource exists, data is its current state; delete: it is gone (or in the trash)'),
    at: Timestamp.describe('When the resource last changed within this page'),
    data: z
      .union([Article, Category, Person, Media, Page, Menu, Document])
      .nullable()
      .describe('The resource as its own GET answers it (a menu as it is stored, its links unresolved); null for a delete'),
  })
  .meta({ id: 'SyncEntry' })
export type SyncEntry = z.infer<typeof SyncEntry>

export const SyncPage = z.object({
  data: z.array(SyncEntry),
  meta: z.object({
    limit: z.number().int(),
    nextCursor: z.string().describe('Always present: pass it as cursor to continue, or to poll for what comes next'),
    hasMore: z.boolean().describe('False when the feed is caught up: poll again from nextCursor later'),
  }),
})
