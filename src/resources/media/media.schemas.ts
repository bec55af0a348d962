import { z } from 'zod'
import { SHARE_IMAGE_WIDTH } from '../../shared/seo.js'
import { mediaKinds } from '../../db/schema.js'
import { Cursor, Limit, Offset, OptionalText, Timestamp } from '../../shared/schemas.js'
import { SearchText } from '../../shared/search.js'
import { mediaExample } from '../../shared/examples.js'

/** Widths a variant can have: a fixed list, so no request can ask for unbounded work. */
export const variantWidths = [160, 320, 640, 960, 1280, 1920] as const
export const variantFormats = ['webp', 'avif', 'jpeg'] as const
export type VariantFormat = (typeof variantFormats)[number]

export const MediaKind = z.enum(mediaKinds).meta({ id: 'MediaKind' })

export const MediaVariant = z.object({
  width: z.number().int(),
  format: z.enum(variantFormats),
  url: z.string().meta({ example: '/v1/media/0193…/file?w=640&format=webp' }),
})

export const Media = z
  .object({
    id: z.uuid(),
    kind: MediaKind,
    filename: z.string().meta({ example: 'hoi-nghi-dan-van-2023.jpg' }),
    mimeType: z.string().meta({ example: 'image/jpeg' }),
    size: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    sha256: z.string(),
    alt: z.string().nullable(),
    caption: z.string().nullable().meta({ example: 'Đồng chí Phạm Thị Thủy phát biểu tại hội nghị' }),
    credit: z.string().nullable().meta({ example: 'Ảnh: Văn Vương' }),
    creditPersonId: z.uuid().nullable(),
    url: z.string().describe('The bytes as stored'),
    variants: z.array(MediaVariant).describe('Resized images, a ready srcset; empty for other kinds'),
    placeholder: z.string().nullable().describe('ThumbHash (base64) to paint before an image arrives'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Media', example: mediaExample })
export type Media = z.infer<typeof Media>

const MetadataFields = {
  alt: OptionalText(1000),
  caption: OptionalText(2000),
  credit: OptionalText(200),
  creditPersonId: z.uuid().nullish(),
}

/** The text parts of an upload. */
export const MediaUploadFields = z.strictObject(MetadataFields)
export type MediaUploadFields = z.infer<typeof MediaUploadFields>

export const MediaPatch = z.strictObject(MetadataFields).meta({ id: 'MediaPatch' })
export type MediaPatch = z.infer<typeof MediaPatch>

export const mediaSorts = ['-createdAt', 'createdAt'] as const

export const MediaListQuery = z.strictObject({
  q: SearchText(200).optional().describe('Parts of the filename, caption or credit (every word); diacritics, case and one typo in a word of 4+ letters do not matter; "phrase", -word'),
  kind: MediaKind.optional(),
  sort: z.enum(mediaSorts).default('-createdAt'),
  limit: Limit,
  offset: Offset,
  cursor: Cursor,
})
export type MediaListQuery = z.infer<typeof MediaListQuery>

/** The widths the file route renders: the variants', and the share cards' (which `variants` does not list). */
export const fileWidths = [...variantWidths, SHARE_IMAGE_WIDTH].sort((a, b) => a - b)

export const MediaFileQuery = z
  .strictObject({
    // Exactly as listed ("0640" or "640.0" would be other cache keys for the same immutable bytes).
    w: z
      .enum(fileWidths.map(String) as [string, ...string[]], { message: `One of ${fileWidths.join(', ')}` })
      .transform(Number)
      .optional()
      .meta({ type: 'integer', enum: fileWidths, description: `A resized image of this width (${SHARE_IMAGE_WIDTH}: for share cards)` }),
    format: z.enum(variantFormats).optional().describe('With w; default webp'),
  })
  .refine((q) => q.format === undefined || q.w !== undefined, { path: ['w'], message: 'format needs a width' })
export type MediaFileQuery = z.infer<typeof MediaFileQuery>
