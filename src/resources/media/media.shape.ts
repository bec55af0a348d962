import { sql } from 'drizzle-orm'
import { field, type Shape, shapeObject } from '../../db/json-shape.js'
import { media } from '../../db/schema.js'
import { type Media, variantFormats, variantWidths } from './media.schemas.js'

export type MediaRow = typeof media.$inferSelect

const fileUrl = (id: string) => `/v1/media/${id}/file`

const widthsOf = (row: MediaRow) => (row.kind === 'image' && row.width ? variantWidths.filter((w) => w <= row.width!) : [])

/** The resized renditions of an image, widths as in variantWidths, each in every format: in SQL for the row under `alias`. */
const variantsSql = (m: string) => {
  const id = sql`${sql.identifier(m)}.id`
  return sql`coalesce((select json_agg(json_build_object('width', w.w, 'format', f.f, 'url', '/v1/media/' || ${id} || '/file?w=' || w.w || '&format=' || f.f) order by w.i, f.i)
    from unnest(${sql.raw(`array[${variantWidths.join(',')}]::int[]`)}) with ordinality w(w, i), unnest(${sql.raw(`array[${variantFormats.map((f) => `'${f}'`).join(',')}]::text[]`)}) with ordinality f(f, i)
    where ${sql.identifier(m)}.kind = 'image' and w.w <= ${sql.identifier(m)}.width), '[]'::json)`
}

/** A media item as the API answers it: built in JavaScript (`toMedia`) or by PostgreSQL where an article embeds it. */
export const mediaShape: Shape<MediaRow> = {
  id: field.column(media.id, 'id'),
  kind: field.column(media.kind, 'kind'),
  filename: field.column(media.filename, 'filename'),
  mimeType: field.column(media.mimeType, 'mimeType'),
  size: field.column(media.size, 'size'),
  width: field.column(media.width, 'width'),
  height: field.column(media.height, 'height'),
  sha256: field.column(media.sha256, 'sha256'),
  alt: field.column(media.alt, 'alt'),
  caption: field.column(media.caption, 'caption'),
  credit: field.column(media.credit, 'credit'),
  creditPersonId: field.column(media.creditPersonId, 'creditPersonId'),
  url: field.derived((m) => sql`'/v1/media/' || ${sql.identifier(m)}.id || '/file'`, (row) => fileUrl(row.id)),
  variants: field.derived(variantsSql, (row) =>
    widthsOf(row).flatMap((width) => variantFormats.map((format) => ({ width, format, url: `${fileUrl(row.id)}?w=${width}&format=${format}` }))),
  ),
  placeholder: field.column(media.placeholder, 'placeholder'),
  createdAt: field.timestamp(media.createdAt, 'createdAt'),
  updatedAt: field.timestamp(media.updatedAt, 'updatedAt'),
}

export const toMedia = (row: MediaRow): Media => shapeObject(mediaShape, row)
