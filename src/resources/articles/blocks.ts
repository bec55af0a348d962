import { z } from 'zod'
import { safeHref } from './render.js'

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

/** One block of an article's body. Anything that is not one of these is a 400. */
export const Block = z
  .discriminatedUnion('type', [Paragraph, Heading, Image, Quote, List, Embed])
  .meta({ id: 'Block' })
export type Block = z.infer<typeof Block>

export const Body = z.array(Block).max(2000)

/** The plain text of a block, for excerpts, word counts and search. */
export function blockText(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return block.text ?? (block.spans ?? []).map((s) => s.text).join('')
    case 'heading':
    case 'quote':
      return block.text
    case 'list':
      return block.items.join('\n')
    case 'image':
      return block.caption ?? ''
    case 'embed':
      return ''
  }
}

const WORDS_PER_MINUTE = 200
const EXCERPT_LENGTH = 240

export function countWords(text: string): number {
  const words = text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)
  return words?.length ?? 0
}

/** Derived fields that every read carries, computed once when the article is written. */
export function deriveReadingFields(summary: string | null | undefined, body: Block[]) {
  const text = body
    .filter((b) => b.type !== 'image')
    .map(blockText)
    .join('\n')
  const wordCount = countWords(text)
  const source = summary?.trim() || body.filter((b) => b.type === 'paragraph').map(blockText).join(' ')
  return { wordCount, excerpt: truncateAtWord(source.replace(/\s+/g, ' ').trim(), EXCERPT_LENGTH) }
}

export function readingTimeMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE))
}

export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/u, '')}…`
}
