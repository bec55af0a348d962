/** The levels of relevance a search query is ranked by, as tsquery text: shared by article and document search. */
import { type QueryRun, type QueryWord, type SearchQuery, tsLexeme } from './search.js'

// ---- ranking --------------------------------------------------------------------------------
//
// Relevance is a ladder of levels, best first, each a tsquery that the GIN index answers exactly
// (no positions, no weights, so no row is read to check it); within a level, newest first. An
// article is on the first level it matches:
//
//   1. exact diacritics: every word typed with diacritics is found with exactly those ("bão", not
//      "báo"), when the query has any;
//   2. neighbours: how many of the query's neighbouring pairs ("dân vận") are found as pairs;
//   3. where: all words in the title, else all in the summary, tags or linked names, else anywhere.
//
// A page reads the levels in order and stops when it is full, so a common phrase costs what its
// best level holds, not what all its matches hold.

const lexeme = (prefix: string) => (alt: string) => tsLexeme(prefix + alt)
const anyOf = (items: string[]) => (items.length === 1 ? items[0]! : `(${items.join(' | ')})`)
const allOf = (items: string[]) => items.join(' & ')

/** Two neighbouring words of a run, as the pair lexemes they may be found as. */
interface Pair {
  alts: string[]
  words: [QueryWord, QueryWord]
}
const pairsOf = (run: QueryRun): Pair[] =>
  run.words.slice(1).map((b, i) => {
    const a = run.words[i]!
    return { alts: a.alts.flatMap((x) => b.alts.map((y) => `${x}_${y}`)).slice(0, 16), words: [a, b] }
  })

const combinations = <T>(items: T[], k: number): T[][] =>
  k === 0 ? [[]] : items.flatMap((item, i) => combinations(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]))

/**
 * What a query must match, and its levels of relevance, as tsquery text. A lexeme that another
 * required one implies is left out (a pair implies its words, an accent key its folded word, a
 * title copy the word itself): the same matches, fewer and rarer posting lists for GIN to walk.
 */
export function searchLevels(query: SearchQuery): { base: string; levels: string[]; titleLevels: number[] } {
  const words = query.include.flatMap((run) => run.words)
  const word = (w: QueryWord, prefix = '') => anyOf(w.alts.map(lexeme(prefix)))
  const pair = (p: Pair, prefix = '') => anyOf(p.alts.map(lexeme(prefix)))
  const quoted = query.include.filter((run) => run.quoted).flatMap(pairsOf)
  const pairs = query.include.filter((run) => !run.quoted).flatMap(pairsOf)
  const keyed = words.filter((w) => w.key && !w.corrected)
  const keys = [...new Set(keyed.map((w) => w.key!))].map(tsLexeme)
  const excluded = query.exclude.map((run) =>
    run.words.length === 1 ? `!${tsLexeme(run.words[0]!.key ?? run.words[0]!.folded)}` : `!(${allOf(pairsOf(run).map((p) => pair(p)))})`,
  )
  const byQuoted = new Set(quoted.flatMap((p) => p.words))
  /** Every word not implied, then the required terms and the exclusions. */
  const conjunction = (required: string[], implied: Set<QueryWord>) =>
    allOf([...words.filter((w) => !implied.has(w)).map((w) => word(w)), ...required, ...excluded])
  const base = conjunction(quoted.map((p) => pair(p)), byQuoted)

  // Exactly k pairs found (for up to 4 pairs; beyond that: all, some, none).
  const atLeast = (k: number) =>
    k >= pairs.length ? `(${allOf(pairs.map((p) => pair(p)))})` : anyOf(combinations(pairs, k).map((c) => `(${allOf(c.map((p) => pair(p)))})`))
  const counts = pairs.length <= 4 ? [...Array(pairs.length + 1).keys()].reverse() : [pairs.length, 1, 0]

  /** In a field: every word, and when pairs count, at least one pair there too (one pair covers its words). */
  const inField = (prefix: string, withPairs: boolean): string[] => {
    const only = withPairs && pairs.length === 1 ? pairs[0]! : undefined
    return [
      ...words.filter((w) => !only?.words.includes(w)).map((w) => word(w, prefix)),
      ...quoted.map((p) => pair(p, prefix)),
      ...(only ? [pair(only, prefix)] : withPairs ? [anyOf(pairs.map((p) => pair(p, prefix)))] : []),
    ]
  }

  const levels: string[] = []
  /** The levels (1-based) whose hits have every word in the title. */
  const titleLevels: number[] = []
  for (const exact of keys.length ? [true, false] : [null]) {
    for (const [i, k] of (pairs.length ? counts : [0]).entries()) {
      const withPairs = pairs.length > 0 && k !== 0
      const allPairs = pairs.length > 0 && k === pairs.length
      const title = inField('t:', withPairs)
      const meta = inField('m:', withPairs)
      for (const where of ['title', 'meta', 'body'] as const) {
        const required = quoted.map((p) => pair(p))
        const implied = new Set(byQuoted)
        if (exact === true) {
          required.push(...keys)
          keyed.forEach((w) => implied.add(w))
        } else if (exact === false) required.push(`!(${allOf(keys)})`)
        // With one pair, the field's copy of it stands for the pair too.
        const pairInField = allPairs && pairs.length === 1 && where !== 'body'
        if (allPairs && !pairInField) required.push(...pairs.map((p) => pair(p)))
        else if (withPairs && !allPairs) required.push(atLeast(k))
        if (allPairs) pairs.forEach((p) => p.words.forEach((w) => implied.add(w)))
        if (pairs.length && i > 0) required.push(`!${atLeast(counts[i - 1]!)}`)
        if (where === 'title') required.push(...title)
        else required.push(`!(${allOf(title)})`, ...(where === 'meta' ? meta : [`!(${allOf(meta)})`]))
        if (where !== 'body') words.forEach((w) => implied.add(w))
        levels.push(conjunction(required, implied))
        if (where === 'title') titleLevels.push(levels.length)
      }
    }
  }
  return { base, levels, titleLevels }
}

