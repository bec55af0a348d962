import type { Block } from '../../shared/blocks.js'

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

export const WORDS_PER_MINUTE = 200
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
