import { z } from 'zod'

// An article's body is a list of these blocks. The schema lives here, below the database schema
// that stores it and the resources that read and write it.

/**
 * Only http(s), mailto and site-relative links survive; anything else renders as plain text.
 * A backslash anywhere is refused: browsers read `/\\host` as `//host`, another site.
 */
export function safeHref(href: string): string | null {
  return /^(https?:\/\/|mailto:|\/(?![/\\])|#)/i.test(href) && !/[\s<>"\\]/.test(href) ? href : null
}

const TEXT_MAX = 20_000

/** Links inside text: http(s), mailto, or relative to the site. Never javascript: or data:. */
export const Href = z
  .string()
  .max(2000)
  .refine((v) => safeHref(v) !== null, {
    message: 'Must be an http(s), mailto or site-relative link',
  })

const Span = z.strictObject({
  text: z.string().max(TEXT_MAX),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  href: Href.optional(),
})

const Paragraph = z
  .strictObject({
    type: z.literal('paragraph'),
    text: z.string().max(TEXT_MAX).optional(),
    spans: z.array(Span).min(1).max(200).optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.spans === undefined), {
    message: 'A paragraph has either text or spans',
  })

const Heading = z.strictObject({
  type: z.literal('heading'),
  level: z.union([z.literal(2), z.literal(3), z.literal(4)]),
  text: z.string().min(1).max(500),
})

const Image = z.strictObject({
  type: z.literal('image'),
  mediaId: z.uuid(),
  caption: z.string().max(2000).optional(),
  credit: z.string().max(200).optional(),
})

const Quote = z.strictObject({
  type: z.literal('quote'),
  text: z.string().min(1).max(TEXT_MAX),
  cite: z.string().max(500).optional(),
})

const List = z.strictObject({
  type: z.literal('list'),
  style: z.enum(['bullet', 'ordered']),
  items: z.array(z.string().max(TEXT_MAX)).min(1).max(500),
})

const Embed = z.strictObject({
  type: z.literal('embed'),
  url: z.url({ protocol: /^https$/ }).max(2000),
})

/** Each kind of block, for a read schema that adds to one of them (an image's embedded media). */
export const blockKinds = { Paragraph, Heading, Image, Quote, List, Embed }

/** One block of an article's body. Anything that is not one of these is a 400. */
export const Block = z
  .discriminatedUnion('type', [Paragraph, Heading, Image, Quote, List, Embed])
  .meta({ id: 'Block' })
export type Block = z.infer<typeof Block>

export const Body = z.array(Block).max(2000)
