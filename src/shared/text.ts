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

// Texts repeat the same few thousand syllables: each token is read once.
const wordCache = new Map<string, SearchWord | null>()

function searchWord(token: string): SearchWord | null {
  let word = wordCache.get(token)
  if (word === undefined) {
    const folded = token.replace(MARKS, '').replace(/đ/g, 'd')
    word = folded === '' ? null : { folded, key: folded !== token && /[a-z]/.test(folded) ? accentKey(token) : null }
    if (wordCache.size >= 100_000) wordCache.clear()
    wordCache.set(token, word)
  }
  return word
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

/**
 * The lexemes a text contributes to a search index: each word folded, each word's accent key,
 * each pair of neighbouring words ("dan_van", so that a phrase is one index lookup), and with a
 * prefix ("t:" for titles, "m:" for summaries, tags and names) the folded words and pairs again,
 * so that where a match is can be asked of the index too. `words` collects the folded words alone.
 */
export function searchTerms(prefix: '' | 't:' | 'm:', text: string, into = new Set<string>(), words?: Set<string>): Set<string> {
  for (const run of searchRuns(text)) {
    for (let i = 0; i < run.length; i++) {
      const word = run[i]!
      const next = run[i + 1]
      into.add(word.folded)
      words?.add(word.folded)
      if (word.key) into.add(word.key)
      const pair = next ? `${word.folded}_${next.folded}` : null
      if (pair) into.add(pair)
      if (prefix) {
        into.add(prefix + word.folded)
        if (pair) into.add(prefix + pair)
      }
    }
  }
  return into
}

/** Words worth remembering for typo tolerance: folded, letters only. */
export const isLexiconWord = (folded: string): boolean => /^[a-z]{2,32}$/.test(folded)
