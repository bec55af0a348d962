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

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u
/** Whether each code point met so far is a letter or a digit: a text uses a few hundred of them. */
const letterOrDigit = new Map<number, boolean>()

function isLetterOrDigit(code: number): boolean {
  if (code < 0x80) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57)
  let known = letterOrDigit.get(code)
  if (known === undefined) {
    known = LETTER_OR_DIGIT.test(String.fromCodePoint(code))
    if (letterOrDigit.size < 10_000) letterOrDigit.set(code, known)
  }
  return known
}

/** An apostrophe, a typographic one, or a hyphen: inside a word ("l'eau", "covid-19") it joins. */
const isJoiner = (code: number) => code === 0x27 || code === 0x2019 || code === 0x2d

/**
 * The words of a text: runs of letters and digits, joined by an apostrophe or a hyphen between
 * two of them (what /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*\/gu matches, counted in one pass
 * without making a string of each: this runs on every body at every write).
 */
export function countWords(text: string): number {
  let words = 0
  let inWord = false
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!
    if (isLetterOrDigit(code)) {
      if (!inWord) words++
      inWord = true
    } else if (!(inWord && isJoiner(code) && i + 1 < text.length && isLetterOrDigit(text.codePointAt(i + 1)!))) {
      inWord = false
    }
    i += code > 0xffff ? 2 : 1
  }
  return words
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
