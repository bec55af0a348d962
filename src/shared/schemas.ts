import { z } from 'zod'
import { isUuid } from './ids.js'

export const Slug = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Lowercase ASCII letters, digits and single dashes')
  .refine((v) => !isUuid(v), 'A slug cannot look like an id: ids and slugs share one path')
  .meta({ id: 'Slug', example: 'tin-tuc-su-kien' })

export const Timestamp = z.iso.datetime({ offset: true }).meta({ id: 'Timestamp', example: '2023-12-06T07:00:00.000Z' })

/** An input timestamp: RFC 3339 with a zone, turned into a Date. */
export const TimestampInput = z.iso.datetime({ offset: true }).transform((v) => new Date(v))

export const IdOrSlugParams = z.strictObject({
  idOrSlug: z.string().min(1).max(200).describe('The resource id (UUID) or its slug'),
})

export const IdParams = z.strictObject({ id: z.uuid() })

export const Limit = z.coerce.number().int().min(1).max(100).default(20).describe('1–100, default 20')
export const Offset = z.coerce
  .number()
  .int()
  .min(0)
  .max(1_000_000)
  .optional()
  .describe('Offset paging: skips this many matches; meta.total then counts all matches')
export const Cursor = z.string().min(1).max(1000).optional().describe('The opaque meta.nextCursor of the page before')

/** A comma list of names from `allowed`; unknown names are a 400. */
export function commaList<const T extends readonly [string, ...string[]]>(allowed: T) {
  return z
    .string()
    .max(1000)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(allowed)))
    .transform((list) => (list.length ? list : undefined))
    .optional()
    .describe(`Comma list of ${allowed.join(', ')}`)
}

export const ListMeta = z
  .object({
    limit: z.number().int(),
    offset: z.number().int().optional(),
    total: z.number().int().optional().describe('Only with offset paging'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  })
  .meta({ id: 'ListMeta' })

export const one = <T extends z.ZodType>(data: T) => z.object({ data })
export const many = <T extends z.ZodType>(data: T) => z.object({ data: z.array(data), meta: ListMeta })

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })

/** Nullable optional text for writes: empty strings are stored as null. */
export const OptionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullish()

export const NoContent = z.null().describe('No content')
export const NotModified = z.null().describe('Not modified: the If-None-Match ETag is current')
