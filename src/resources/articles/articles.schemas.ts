import { z } from 'zod'
import { articleStatuses, personRoles } from '../../db/schema.js'
import {
  commaList,
  Cursor,
  Limit,
  Offset,
  OptionalText,
  Slug,
  Timestamp,
  TimestampInput,
} from '../../shared/schemas.js'
import { SearchText } from '../../shared/search.js'
import { Seo, SeoInput, Share } from '../../shared/seo.js'
import { Category } from '../categories/categories.schemas.js'
import { Media } from '../media/media.schemas.js'
import { Person } from '../people/people.schemas.js'
import { blockKinds, Body } from '../../shared/blocks.js'
import { articleExample, articleInputExample } from '../../shared/examples.js'

export const ArticleStatus = z.enum(articleStatuses).meta({ id: 'ArticleStatus' })
export const PersonRole = z.enum(personRoles).meta({ id: 'PersonRole' })

const ArticlePerson = z.object({
  personId: z.uuid(),
  role: PersonRole,
  person: Person.optional().describe('With include=people'),
})

/** A body block as reads answer it: with include=media, an image block also carries its media. */
const { Paragraph, Heading, Image, Quote, List, Embed } = blockKinds
export const ArticleBlock = z
  .discriminatedUnion('type', [
    Paragraph,
    Heading,
    Image.extend({ media: Media.nullable().optional().describe('With include=media: the media, null when it is gone') }),
    Quote,
    List,
    Embed,
  ])
  .meta({ id: 'ArticleBlock' })

export const Highlight = z
  .object({
    title: z.string().describe('The title, HTML-escaped, each match in <mark>…</mark>'),
    text: z.string().describe('The best matching fragment of the summary, body (captions included) or tags, HTML-escaped, matches in <mark>; the start of the text when only the title or a linked name matched'),
  })
  .meta({ id: 'Highlight', example: { title: 'Ban <mark>Dân vận</mark> Huyện ủy triển khai nhiệm vụ năm 2024', text: '…tổng kết công tác <mark>dân vận</mark> năm 2023…' } })

export const Article = z
  .object({
    id: z.uuid(),
    slug: Slug,
    title: z.string(),
    summary: z.string().nullable(),
    body: z.array(ArticleBlock).describe('With include=media, image blocks also carry media: {…}'),
    status: ArticleStatus,
    publishedAt: Timestamp.nullable(),
    categoryId: z.uuid().nullable(),
    coverId: z.uuid().nullable(),
    tags: z.array(z.string()),
    people: z.array(ArticlePerson),
    seo: Seo,
    version: z.number().int(),
    excerpt: z.string().describe('The summary, or the start of the body'),
    readingTimeMinutes: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    category: Category.nullable().optional().describe('With include=category'),
    cover: Media.nullable().optional().describe('With include=cover'),
    html: z.string().optional().describe('With render=html: the body as HTML, every text escaped'),
    highlight: Highlight.optional().describe('With q: where the article matched'),
    url: z.string().optional().describe('On reads, with SITE_URL: its page on the public site'),
    share: Share.optional().describe('On reads: seo with its fallbacks, ready for <meta> tags'),
  })
  .meta({ id: 'Article', example: articleExample })
export type Article = z.infer<typeof Article>

/** A list item with fields=: only the fields asked for. */
export const ArticleFields = Article.partial().meta({ id: 'ArticleFields', description: 'An article with only the fields asked for with fields=' })

export const articleFields = [
  'id',
  'slug',
  'title',
  'summary',
  'body',
  'status',
  'publishedAt',
  'categoryId',
  'coverId',
  'tags',
  'people',
  'seo',
  'version',
  'excerpt',
  'readingTimeMinutes',
  'createdAt',
  'updatedAt',
  'url',
  'share',
] as const
export type ArticleField = (typeof articleFields)[number]

export const articleIncludes = ['category', 'people', 'cover', 'media'] as const
export type ArticleInclude = (typeof articleIncludes)[number]

const Tag = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .transform((t) => t.toLocaleLowerCase('vi'))

const PersonLink = z.strictObject({ personId: z.uuid(), role: PersonRole })

export const ArticleInput = z
  .strictObject({
    title: z.string().trim().min(1).max(500),
    slug: Slug.optional(),
    summary: OptionalText(2000),
    body: Body.optional(),
    status: ArticleStatus.optional().describe('Default draft'),
    publishedAt: TimestampInput.nullish().describe('Publishing without it sets it to now; a future time schedules'),
    categoryId: z.uuid().nullish(),
    coverId: z.uuid().nullish().describe('Media shown as the cover'),
    tags: z.array(Tag).max(50).optional(),
    people: z.array(PersonLink).max(200).optional(),
    seo: SeoInput.nullish().describe('Given whole; null clears it'),
  })
  .meta({ example: articleInputExample })
export type ArticleInput = z.infer<typeof ArticleInput>

export const ArticlePatch = ArticleInput.partial()
export type ArticlePatch = z.infer<typeof ArticlePatch>

export const articleSorts = ['-publishedAt', 'publishedAt', '-updatedAt', 'title'] as const
export type ArticleSort = (typeof articleSorts)[number]

export const SEARCH_QUERY_MAX = 500

const RefFilter = z.string().min(1).max(200)

export const ArticleListQuery = z.strictObject({
  q: SearchText(SEARCH_QUERY_MAX)
    .optional()
    .describe(
      'Full-text search: diacritics, case and Unicode form do not matter ("dan van" finds "Dân vận"); every word must match, "a phrase" in quotes as a phrase, -word excludes; one typo forgiven in words of 4+ letters. Each hit carries highlight.',
    ),
  limit: Limit,
  offset: Offset,
  cursor: Cursor,
  sort: z
    .enum([...articleSorts, 'relevance'])
    .optional()
    .describe('Default relevance with q (title before body, phrases before scattered words, the diacritics typed first; then newest), else -publishedAt'),
  category: RefFilter.optional().describe('Id or slug; includes its sub-categories'),
  person: RefFilter.optional().describe('Id or slug of a person linked to the article'),
  role: PersonRole.optional().describe('Only articles linked to a person (the one in person, or any) in this role'),
  tag: z.string().trim().min(1).max(100).optional(),
  status: ArticleStatus.optional().describe('Tokens only; anonymous callers see published articles'),
  trashed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Tokens only: true lists the trash instead'),
  publishedAfter: TimestampInput.optional().describe('publishedAt at or after this time'),
  publishedBefore: TimestampInput.optional().describe('publishedAt before this time'),
  include: commaList(articleIncludes),
  fields: commaList(articleFields),
}).refine((query) => query.sort !== 'relevance' || query.q !== undefined, { path: ['sort'], message: 'sort=relevance needs q' })
/** A list request as it arrives. */
export type ArticleListParams = z.infer<typeof ArticleListQuery>
/** A list without search, its sort decided. */
export type ArticleListQuery = Omit<ArticleListParams, 'sort' | 'q'> & { sort: ArticleSort }

export const ArticleGetQuery = z.strictObject({
  include: commaList(articleIncludes),
  render: z.enum(['html']).optional().describe('html adds the body rendered as safe HTML'),
})
export type ArticleGetQuery = z.infer<typeof ArticleGetQuery>
