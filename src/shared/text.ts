/**
 * Folds Vietnamese (and any Latin) text to lowercase ASCII: diacritics removed, đ/Đ → d.
 * "Ban Dân vận Huyện ủy" → "ban dan van huyen uy".
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
}

export const SLUG_MAX = 120

/** A URL slug from a name or title: "Tin tức, sự kiện" → "tin-tuc-su-kien". */
export function slugify(text: string): string {
  const slug = fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= SLUG_MAX) return slug
  const cut = slug.slice(0, SLUG_MAX)
  const dash = cut.lastIndexOf('-')
  return dash > SLUG_MAX / 2 ? cut.slice(0, dash) : cut
}

// Search text. The same rules are written in SQL (`bantin_search_terms` in the search-functions
// migration) for rows indexed by the database itself; test/search-parity.test.ts holds the two
// together.

/** Vietnamese tone marks, numbered 1–5 in this order: grave, acute, tilde, hook above, dot below. */
const TONE_MARKS = ['\u0300', '\u0301', '\u0303', '\u0309', '\u0323'] as const
const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g
const MARKS = /[\u0300-\u036f]/g

/** Longer tokens (hashes, URLs run together) are not indexed. */
export const SEARCH_WORD_MAX = 64
/** Only this much of an article's body text is indexed (a tsvector holds at most 1 MB). */
export const SEARCH_TEXT_MAX = 100_000

export interface SearchWord {
  /** Lowercase, every diacritic dropped, đ → d: "vận" → "van". */
  folded: string
  /**
   * The word with its diacritics, tone placement made irrelevant: the tone is taken off the
   * vowel and written as a digit, so "hoà" and "hòa" (or "thuỷ" and "thủy") are the same key,
   * "=hoa1". Decomposed (NFD) and prefixed with "=". Null for a word without diacritics.
   */
  key: string | null
}

/**
 * A lexeme of the index writer's: its text, made once, and the last collection it was put in, so
 * that a text's lexemes are told apart without hashing them again.
 */
interface Lexeme {
  text: string
  seen: number
}

/** A folded word as the index writer keeps it: its lexemes and those of its pairs, made once. */
interface Folded {
  plain: Lexeme
  prefixed: { 't:'?: Lexeme; 'm:'?: Lexeme }
  lexicon: boolean
  /** Lexemes of this word followed by another: the pair, then the pair with each prefix. */
  pairs: Map<Folded, { plain: Lexeme; prefixed: { 't:'?: Lexeme; 'm:'?: Lexeme } }>
}

interface CachedWord extends SearchWord {
  entry: Folded
  keyLexeme: Lexeme | null
}

// Texts repeat the same few thousand syllables and pairs of them: each token is read once, each
// lexeme made once. The caches start again past their bounds.
const WORDS_MAX = 100_000
const PAIRS_MAX = 500_000
const wordCache = new Map<string, CachedWord | null>()
const foldedCache = new Map<string, Folded>()
const keyCache = new Map<string, Lexeme>()
let pairCount = 0

function searchWord(token: string): CachedWord | null {
  let word = wordCache.get(token)
  if (word === undefined) {
    if (wordCache.size >= WORDS_MAX || foldedCache.size >= WORDS_MAX || pairCount >= PAIRS_MAX) {
      wordCache.clear()
      foldedCache.clear()
      keyCache.clear()
      pairCount = 0
    }
    const folded = token.replace(MARKS, '').replace(/đ/g, 'd')
    const key = folded !== token && /[a-z]/.test(folded) ? accentKey(token) : null
    word = folded === '' ? null : { folded, key, entry: foldedEntry(folded), keyLexeme: key === null ? null : keyLexeme(key) }
    wordCache.set(token, word)
  }
  return word
}

function foldedEntry(folded: string): Folded {
  let entry = foldedCache.get(folded)
  if (!entry) foldedCache.set(folded, (entry = { plain: { text: folded, seen: 0 }, prefixed: {}, lexicon: isLexiconWord(folded), pairs: new Map() }))
  return entry
}

function keyLexeme(key: string): Lexeme {
  let lexeme = keyCache.get(key)
  if (!lexeme) keyCache.set(key, (lexeme = { text: key, seen: 0 }))
  return lexeme
}

function pairOf(word: Folded, next: Folded) {
  let pair = word.pairs.get(next)
  if (!pair) {
    word.pairs.set(next, (pair = { plain: { text: `${word.plain.text}_${next.plain.text}`, seen: 0 }, prefixed: {} }))
    pairCount++
  }
  return pair
}

/** Punctuation that ends a run of words: syllables on either side are not next to each other. */
const RUN_BREAK_CODES = new Set([...'.,;:!?…()[]{}"“”«»„|•·\n\r'].map((c) => c.charCodeAt(0)))

/** A code unit of a word once decomposed and lowercased: a–z, 0–9, đ and combining marks. */
const isWordCode = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 0x111 || (c >= 0x300 && c <= 0x36f)

/**
 * The words of a text, in runs that punctuation separates (decomposed Unicode, any case: all the
 * same). One pass over the text: this runs on every article body at every write.
 */
export function searchRuns(text: string): SearchWord[][] {
  const prepared = text.normalize('NFD').toLowerCase()
  const runs: SearchWord[][] = []
  let run: SearchWord[] = []
  let start = -1
  for (let i = 0; i <= prepared.length; i++) {
    const code = i < prepared.length ? prepared.charCodeAt(i) : 10
    if (isWordCode(code)) {
      if (start < 0) start = i
      continue
    }
    if (start >= 0) {
      if (i - start <= SEARCH_WORD_MAX) {
        const word = searchWord(prepared.slice(start, i))
        if (word) run.push(word)
      }
      start = -1
    }
    if (RUN_BREAK_CODES.has(code) && run.length) {
      runs.push(run)
      run = []
    }
  }
  if (run.length) runs.push(run)
  return runs
}

function accentKey(token: string): string {
  const tone = TONE_MARKS.findIndex((mark) => token.includes(mark)) + 1
  return `=${token.replace(TONES, '')}${tone}`
}

/** Does the text carry any diacritic (đ included)? */
export const hasDiacritics = (text: string): boolean => /[\u0300-\u036fđ]/.test(text.normalize('NFD').toLowerCase())

let collection = 0

/**
 * The lexemes that texts contribute to a search index, each once, in the order first met: each
 * word folded, each word's accent key, each pair of neighbouring words ("dan_van", so that a
 * phrase is one index lookup), and with a prefix ("t:" for titles, "m:" for summaries, tags and
 * names) the folded words and pairs again, so that where a match is can be asked of the index too.
 * `words` are the folded words worth remembering for typo tolerance (`isLexiconWord`), each once.
 */
export function indexTerms(texts: [prefix: '' | 't:' | 'm:', text: string][]): { terms: string[]; words: string[] } {
  const stamp = ++collection
  const terms: string[] = []
  const words: string[] = []
  const put = (lexeme: Lexeme) => {
    if (lexeme.seen === stamp) return false
    lexeme.seen = stamp
    terms.push(lexeme.text)
    return true
  }
  const prefixed = (lexemes: { 't:'?: Lexeme; 'm:'?: Lexeme }, prefix: 't:' | 'm:', text: string) =>
    (lexemes[prefix] ??= { text: prefix + text, seen: 0 })
  for (const [prefix, text] of texts) {
    for (const run of searchRuns(text) as CachedWord[][]) {
      for (let i = 0; i < run.length; i++) {
        const word = run[i]!.entry
        const next = run[i + 1]
        if (put(word.plain) && word.lexicon) words.push(word.plain.text)
        const key = run[i]!.keyLexeme
        if (key) put(key)
        const pair = next ? pairOf(word, next.entry) : null
        if (pair) put(pair.plain)
        if (prefix) {
          put(prefixed(word.prefixed, prefix, word.plain.text))
          if (pair) put(prefixed(pair.prefixed, prefix, pair.plain.text))
        }
      }
    }
  }
  return { terms, words }
}

/** The lexemes of one text (see `indexTerms`). */
export function searchTerms(prefix: '' | 't:' | 'm:', text: string): Set<string> {
  return new Set(indexTerms([[prefix, text]]).terms)
}

/** Words worth remembering for typo tolerance: folded, letters only. */
export const isLexiconWord = (folded: string): boolean => /^[a-z]{2,32}$/.test(folded)
