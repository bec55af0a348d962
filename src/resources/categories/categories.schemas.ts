import { z } from 'zod'
import { Limit, OptionalText, QueryInt, Slug, Timestamp } from '../../shared/schemas.js'
import { categoryExample } from '../../shared/examples.js'
import { Seo, SeoInput, Share } from '../../shared/seo.js'

export const Category = z
  .object({
    id: z.uuid(),
    slug: Slug,
    name: z.string(),
    description: z.string().nullable(),
    parentId: z.uuid().nullable(),
    position: z.number().int(),
    seo: Seo,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    url: z.string().optional().describe('On reads, with SITE_URL: its page on the public site'),
    share: Share.optional().describe('On reads: seo with its fallbacks, ready for <meta> tags'),
  })
  .meta({ id: 'Category', example: categoryExample })
export type Category = z.infer<typeof Category>

export const CategoryInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    slug: Slug.optional(),
    description: OptionalText(5000),
    parentId: z.uuid().nullish(),
    position: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    seo: SeoInput.nullish().describe('Given whole; null clears it'),
  })

export type CategoryInput = z.infer<typeof CategoryInput>

export const CategoryPatch = CategoryInput.partial()
export type CategoryPatch = z.infer<typeof CategoryPatch>

export const CategoryListQuery = z.strictObject({
  parent: z.string().min(1).max(200).optional().describe('Only the direct children of this category (id or slug)'),
  limit: Limit.describe('1–100, default 20; categories sort by position, then name'),
  offset: QueryInt(0, 1_000_000).default(0),
})
export type CategoryListQuery = z.infer<typeof CategoryListQuery>
