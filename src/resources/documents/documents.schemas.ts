import { z } from 'zod'
import { documentExample, documentInputExample, documentKindExample } from '../../shared/examples.js'
import { commaList, Cursor, Limit, Offset, OptionalText, QueryInt, Slug, Timestamp } from '../../shared/schemas.js'
import { SearchText } from '../../shared/search.js'
import { Media } from '../media/media.schemas.js'
import { Person } from '../people/people.schemas.js'

/** A calendar date, as documents are dated: `2023-12-20`, no time and no zone. */
export const DocumentDate = z.iso.date().meta({ id: 'Date', example: '2023-12-20' })

export const DocumentKind = z
  .object({ slug: Slug, name: z.string(), position: z.number().int() })
  .meta({ id: 'DocumentKind', example: documentKindExample })
export type DocumentKind = z.infer<typeof DocumentKind>

export const DocumentKindInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  slug: Slug.optional().describe('Made from the name when not given'),
  position: z.number().int().min(-1_000_000).max(1_000_000).optional(),
})
export type DocumentKindInput = z.infer<typeof DocumentKindInput>

export const DocumentKindPatch = DocumentKindInput.omit({ slug: true }).partial()
export type DocumentKindPatch = z.infer<typeof DocumentKindPatch>

export const DocumentKindParams = z.strictObject({ slug: Slug })

/** A related article as a document embeds it: enough to link to it. */
export const DocumentArticle = z
  .object({ id: z.uuid(), slug: Slug, title: z.string(), publishedAt: Timestamp.nullable() })
  .meta({ id: 'DocumentArticle' })

export const Document = z
  .object({
    id: z.uuid(),
    slug: Slug,
    number: z.string().describe('Số ký hiệu, as written; unique per issuer whatever its case, diacritics and separators'),
    kind: Slug.describe('The slug of a kind from /v1/document-kinds'),
    issuer: z.string().describe('Cơ quan ban hành'),
    signerId: z.uuid().nullable().describe('The person who signed it'),
    issuedAt: DocumentDate,
    effectiveAt: DocumentDate.nullable().describe('In force from this day; null: from issuedAt'),
    expiredAt: DocumentDate.nullable().describe('The first day it is no longer in force; null: nothing ends it'),
    inForce: z.boolean().describe('Derived when read, on the calendar of Việt Nam (UTC+7): effective and not yet expired'),
    summary: z.string().describe('Trích yếu'),
    field: z.string().nullable().describe('Lĩnh vực'),
    fileIds: z.array(z.uuid()).describe('Attached media, usually PDF, in order'),
    articleIds: z.array(z.uuid()).describe('Related articles the caller may read'),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    url: z.string().optional().describe('On reads, with SITE_URL: its page on the public site'),
    signer: Person.nullable().optional().describe('With include=signer'),
    files: z.array(Media).optional().describe('With include=files'),
    articles: z.array(DocumentArticle).optional().describe('With include=articles'),
  })
  .meta({ id: 'Document', example: documentExample })
export type Document = z.infer<typeof Document>

const Ids = (what: string) =>
  z
    .array(z.uuid())
    .max(50)
    .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, `The same ${what} is listed twice`)

export const DocumentInput = z
  .strictObject({
    number: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/[\p{L}\p{N}]/u, 'A number holds letters or digits')
      .describe('Số ký hiệu, e.g. "1234/QĐ-UBND"'),
    kind: z.string().min(1).max(120).describe('The slug of a kind from /v1/document-kinds'),
    issuer: z.string().trim().min(1).max(300),
    slug: Slug.optional().describe('Made from the kind and the number when not given'),
    signerId: z.uuid().nullish(),
    issuedAt: DocumentDate,
    effectiveAt: DocumentDate.nullish(),
    expiredAt: DocumentDate.nullish().describe('Not before effectiveAt (or issuedAt)'),
    summary: z.string().trim().min(1).max(5000),
    field: OptionalText(200),
    fileIds: Ids('file').optional(),
    articleIds: Ids('article').optional(),
  })
  .meta({ example: documentInputExample })
export type DocumentInput = z.infer<typeof DocumentInput>

export const DocumentPatch = DocumentInput.partial().meta({ example: { expiredAt: '2025-01-01' } })
export type DocumentPatch = z.infer<typeof DocumentPatch>

export const documentSorts = ['-issuedAt', 'issuedAt', 'number', '-updatedAt', 'relevance'] as const
export type DocumentSort = (typeof documentSorts)[number]
export const documentIncludes = ['signer', 'files', 'articles'] as const

export const DocumentListQuery = z.strictObject({
  q: SearchText(200)
    .optional()
    .describe('The number whatever its case, diacritics and separators ("1234/qd-ubnd", "1234 QĐ UBND"), or words of the summary, issuer or field; "phrase", -word'),
  kind: z.string().min(1).max(120).optional().describe('A kind slug'),
  issuer: z.string().trim().min(1).max(300).optional().describe('The issuer, exactly'),
  field: z.string().trim().min(1).max(200).optional().describe('The field, exactly'),
  year: QueryInt(1, 9999).optional().describe('Issued in this year'),
  inForce: z.enum(['true', 'false']).optional().describe('In force today (true) or not (false)'),
  sort: z.enum(documentSorts).optional().describe('-issuedAt by default; relevance (number matches first) by default with q'),
  include: commaList(documentIncludes),
  limit: Limit,
  offset: Offset,
  cursor: Cursor,
})
export type DocumentListQuery = z.infer<typeof DocumentListQuery>

export const DocumentReadQuery = z.strictObject({ include: commaList(documentIncludes) })
