import { z } from 'zod'
import { pageStatuses } from '../../db/schema.js'
import { Block, Body } from '../../shared/blocks.js'
import { pageExample, pageInputExample } from '../../shared/examples.js'
import { Cursor, Limit, Offset, Slug, Timestamp } from '../../shared/schemas.js'
import { Seo, SeoInput, Share } from '../../shared/seo.js'

export const PageStatus = z.enum(pageStatuses).meta({ id: 'PageStatus' })

/** `parent=none` lists the top of the tree, so no page may take that slug. */
export const ROOT = 'none'
const PageSlug = Slug.refine((v) => v !== ROOT, `"${ROOT}" is kept for parent=${ROOT}`)

export const Page = z
  .object({
    id: z.uuid(),
    slug: Slug,
    title: z.string(),
    body: z.array(Block),
    excerpt: z.string().describe('The start of the body'),
    parentId: z.uuid().nullable(),
    position: z.number().int().describe('Order among the pages of the same parent, lowest first'),
    path: z.string().describe('The slugs from the top of the tree down to this page: /pages/gioi-thieu/lich-su'),
    status: PageStatus,
    seo: Seo,
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    html: z.string().optional().describe('With render=html: the body as HTML, every text escaped'),
    url: z.string().optional().describe('On reads, with SITE_URL: its page on the public site'),
    share: Share.optional().describe('On reads: seo with its fallbacks, ready for <meta> tags'),
  })
  .meta({ id: 'Page', example: pageExample })
export type Page = z.infer<typeof Page>

export const PageInput = z
  .strictObject({
    title: z.string().trim().min(1).max(500),
    slug: PageSlug.optional(),
    body: Body.optional(),
    parentId: z.uuid().nullish().describe('The page above this one; null or absent at the top'),
    position: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    status: PageStatus.optional().describe('Default draft'),
    seo: SeoInput.nullish().describe('Given whole; null clears it'),
  })
  .meta({ example: pageInputExample })
export type PageInput = z.infer<typeof PageInput>

export const PagePatch = PageInput.partial()
export type PagePatch = z.infer<typeof PagePatch>

export const pageSorts = ['position', 'title', '-updatedAt'] as const
export type PageSort = (typeof pageSorts)[number]

export const PageListQuery = z.strictObject({
  limit: Limit,
  offset: Offset,
  cursor: Cursor,
  sort: z.enum(pageSorts).default('position').describe('position (default: then creation order), title or -updatedAt'),
  parent: z.string().min(1).max(200).optional().describe(`Only the direct children of this page (id or slug); ${ROOT} for the pages at the top`),
  status: PageStatus.optional().describe('Tokens only; anonymous callers see published pages'),
  trashed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Tokens only: true lists the trash instead'),
})
export type PageListQuery = z.infer<typeof PageListQuery>

export const PageGetQuery = z.strictObject({
  render: z.enum(['html']).optional().describe('html adds the body rendered as safe HTML'),
})
export type PageGetQuery = z.infer<typeof PageGetQuery>
