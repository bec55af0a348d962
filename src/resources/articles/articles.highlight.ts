import type { QueryWord, SearchQuery } from '../../shared/search.js'

/** What a highlight is cut from: the article's texts, its body as `articleSearchText` gives it. */
export interface HighlightSource {
  title: string
  summary: string | null
  tags: string[]
  /** One block a line; null to look no further than the title, summary, tags and names. */
  bodyText: string | null | undefined
  /** Shown when no text matches. */
  excerpt?: string
}

/** Where a hit matched, as HTML: the title, and the best fragment of the text; matches in <mark>. */
export interface Highlight {
  title: string
  text: string
}

const FRAGMENT = 220
const BEFORE = 60

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!)

// A folded word is found in text by a regular expression that matches it in any of its accented
// forms, in either case, between non-letters: what folding does to tokens, done natively and
// without reading the text word by word.
const FORMS: Record<string, string> = {
  a: 'aàáảãạăằắẳẵặâầấẩẫậäåā',
  e: 'eèéẻẽẹêềếểễệëē',
  i: 'iìíỉĩịîïī',
  o: 'oòóỏõọôồốổỗộơờớởỡợöō',
  u: 'uùúủũụưừứửữựûüū',
  y: 'yỳýỷỹỵÿ',
  d: 'dđ',
  c: 'cç',
  n: 'nñ',
}
const formsOf = (folded: string) => [...folded].map((c) => (FORMS[c] ? `[${FORMS[c]}]` : c.replace(/[^\p{L}\p{N}]/gu, '\\$&'))).join('')
const NOT_BEFORE = '(?<![\\p{L}\\p{N}\\p{M}])'
const NOT_AFTER = '(?![\\p{L}\\p{N}\\p{M}])'
/** Between the words of a phrase: anything but letters, digits and the punctuation that ends a run. */
const GAP = '[^\\p{L}\\p{N}.,;:!?…()[\\]{}"“”«»„|•·\\n\\r]+'
const wordPattern = (word: QueryWord) => `(?:${word.alts.map(formsOf).join('|')})`
const bounded = (pattern: string) => new RegExp(`${NOT_BEFORE}${pattern}${NOT_AFTER}`, 'giu')

/** The patterns of a query, made once per query: each run as a phrase (when it has 2+ words) and as single words. */
interface Patterns {
  runs: { phrase: RegExp | null; words: RegExp | null }[]
  /** For choosing a text: each word alone, each phrase. */
  words: RegExp[]
  phrases: RegExp[]
}

const made = new WeakMap<SearchQuery, Patterns>()
function patterns(query: SearchQuery): Patterns {
  let found = made.get(query)
  if (!found) {
    const runs = query.include.map((run) => ({
      phrase: run.words.length > 1 ? bounded(run.words.map(wordPattern).join(GAP)) : null,
      // A quoted phrase is marked only whole.
      words: run.quoted && run.words.length > 1 ? null : bounded(run.words.map(wordPattern).join('|')),
    }))
    found = {
      runs,
      words: query.include.flatMap((run) => run.words.map((w) => bounded(wordPattern(w)))),
      phrases: runs.flatMap((r) => (r.phrase ? [r.phrase] : [])),
    }
    made.set(query, found)
  }
  return found
}

// The patterns are global (for matchAll), and matchAll starts where the last use stopped: start over.
const test = (pattern: RegExp, text: string) => {
  pattern.lastIndex = 0
  return pattern.test(text)
}
const all = (pattern: RegExp, text: string) => {
  pattern.lastIndex = 0
  return [...text.matchAll(pattern)]
}

/**
 * The matches in one text: phrases of the query (its words in order, next to each other) and
 * single words; a phrase's words alone are marked only where the phrase is nowhere in the text.
 */
function mark(text: string, query: SearchQuery): [number, number][] {
  const spans: [number, number][] = []
  for (const run of patterns(query).runs) {
    const phrases = run.phrase ? all(run.phrase, text) : []
    const found = phrases.length ? phrases : run.words ? all(run.words, text) : []
    for (const m of found) spans.push([m.index, m.index + m[0].length])
  }
  spans.sort((a, b) => a[0] - b[0])
  return merge(text, spans)
}

/** Overlapping spans, and spans with only spaces between them, become one. */
function merge(text: string, spans: [number, number][]): [number, number][] {
  const out: [number, number][] = []
  for (const span of spans) {
    const last = out[out.length - 1]
    if (last && (span[0] <= last[1] || /^[^\S\n]+$/.test(text.slice(last[1], span[0])))) last[1] = Math.max(last[1], span[1])
    else out.push([...span])
  }
  return out
}

function render(text: string, spans: [number, number][]): string {
  let html = ''
  let at = 0
  for (const [start, end] of spans) {
    html += `${escapeHtml(text.slice(at, start))}<mark>${escapeHtml(text.slice(start, end))}</mark>`
    at = end
  }
  return html + escapeHtml(text.slice(at))
}

/** About FRAGMENT characters around `first` (where the first match starts), cut at spaces. */
function window(text: string, first: number): [number, number] {
  if (text.length <= FRAGMENT) return [0, text.length]
  let from = Math.max(0, Math.min(first - BEFORE, text.length - FRAGMENT))
  // Start at the sentence of the match when it begins within reach, else at a word.
  const sentence = Math.max(text.lastIndexOf('. ', first), text.lastIndexOf('; ', first))
  if (sentence >= from && sentence < first) from = sentence + 2
  else if (from > 0) from = text.indexOf(' ', from) + 1 || from
  let to = Math.min(text.length, from + FRAGMENT)
  if (to < text.length) to = text.lastIndexOf(' ', to) > from ? text.lastIndexOf(' ', to) : to
  return [from, to]
}

/** Where the first match starts: of a phrase if there is one, else of a word. */
function firstMatch(text: string, p: Patterns): number {
  for (const pattern of [...p.phrases, ...p.words]) {
    pattern.lastIndex = 0
    const m = pattern.exec(text)
    if (m) return m.index
  }
  return 0
}

/** The fragment of `text` around its first match, marked, with … where the text was cut. */
function fragment(text: string, query: SearchQuery): string {
  const [from, to] = window(text, firstMatch(text, patterns(query)))
  const part = text.slice(from, to)
  return `${from > 0 ? '…' : ''}${render(part, mark(part, query)).trim()}${to < text.length ? '…' : ''}`
}

/** Distinct words found, then phrases found: which text shows the match best. */
function score(text: string, p: Patterns): number {
  return p.words.filter((w) => test(w, text)).length * 100 + p.phrases.filter((ph) => test(ph, text)).length * 10
}

// Marks are placed on composed text (NFC): a decomposed text is shown composed, the same text.
const composed = (text: string) => (/[\u0300-\u036f]/.test(text) ? text.normalize('NFC') : text)

/**
 * The highlight of a hit: its title with matches marked, and the fragment of its summary, body
 * (captions included), tags or linked people's names that best matches the query, else its
 * excerpt. Text is escaped; only <mark> is HTML.
 */
export function highlight(article: HighlightSource, query: SearchQuery, names: string[] = []): Highlight {
  const p = patterns(query)
  const title = composed(article.title)
  const texts = [
    ...(article.summary ? [article.summary] : []),
    ...(article.bodyText ? article.bodyText.split('\n') : []),
    ...(article.tags.length ? [article.tags.join(', ')] : []),
    ...(names.length ? [names.join(', ')] : []),
  ]
  const perfect = p.words.length * 100 + p.phrases.length * 10
  let best: { text: string; score: number } | undefined
  for (const raw of texts) {
    if (!raw.trim()) continue
    const text = composed(raw)
    const points = score(text, p)
    if (points > 0 && (!best || points > best.score)) best = { text, score: points }
    if (best && best.score >= perfect) break
  }
  const lead = best?.text ?? composed(article.excerpt || (texts.find((t) => t.trim()) ?? ''))
  return { title: render(title, mark(title, query)), text: fragment(lead, query) }
}
