import { type AnyColumn, and, is, not, or, type SQL, sql } from 'drizzle-orm'
import { PgTransaction } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import { type Db, rawRows } from '../db/client.js'
import { inlineValues, type StatementValues } from '../db/prepared.js'
import { escapeLike } from './paging.js'
import { isLexiconWord, searchRuns, searchTerms, type SearchWord } from './text.js'

/** A word of a query, with what it may match. */
export interface QueryWord extends SearchWord {
  /** Folded forms the word matches: itself, or for a word no text holds, its one-typo corrections. */
  alts: string[]
  /** True when `alts` are corrections: the word as typed is in no text. */
  corrected: boolean
}

/** Words typed next to each other, between punctuation; `quoted` ones must be found as a phrase. */
export interface QueryRun {
  words: QueryWord[]
  quoted: boolean
}

/** A reader's query: every run of `include` must be found (each word, or each quoted phrase); no run of `exclude` may be. */
export interface SearchQuery {
  include: QueryRun[]
  exclude: QueryRun[]
}

/**
 * A `q` parameter: at most `max` characters, something besides spaces, and no NUL (which no text
 * can hold, so it can only be a mistake or a probe): a 400 naming q otherwise.
 */
export const SearchText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !v.includes('\u0000'), 'A NUL character cannot be searched for')
    .transform((v) => v.trim())
    .pipe(z.string().min(1, 'Give something to search for'))

const QUOTE = /["“”„‟«»]/

const toRuns = (text: string, quoted: boolean): QueryRun[] =>
  searchRuns(text).map((run) => ({ quoted, words: run.map((w) => ({ ...w, alts: [w.folded], corrected: false })) }))

/**
 * Reads a query the way a search box is used: words (all must match), "quoted phrases" (curly
 * quotes too), -word and -"phrase" to exclude. Nothing else means anything: every other character
 * is text (and punctuation only separates), so no input can reach the database as syntax.
 */
export function parseSearchQuery(q: string): SearchQuery {
  const query: SearchQuery = { include: [], exclude: [] }
  let plain = ''
  const flush = () => {
    query.include.push(...toRuns(plain, false))
    plain = ''
  }
  let negate = false
  for (let i = 0; i < q.length; ) {
    const c = q[i]!
    const atWordStart = i === 0 || /\s/u.test(q[i - 1]!)
    if (c === '-' && atWordStart && i + 1 < q.length && !/\s/u.test(q[i + 1]!)) {
      flush()
      if (QUOTE.test(q[i + 1]!)) {
        negate = true
        i++
        continue
      }
      const end = q.slice(i + 1).search(/[\s"“”„‟«»]/u)
      const stop = end === -1 ? q.length : i + 1 + end
      query.exclude.push(...toRuns(q.slice(i + 1, stop), false))
      i = stop
    } else if (QUOTE.test(c)) {
      flush()
      const end = q.slice(i + 1).search(QUOTE)
      const stop = end === -1 ? q.length : i + 1 + end
      const runs = toRuns(q.slice(i + 1, stop), true)
      ;(negate ? query.exclude : query.include).push(...runs)
      negate = false
      i = stop + 1
    } else {
      plain += c
      i++
    }
  }
  flush()
  return query
}

/** Words of at least this many letters forgive one typo. */
export const TYPO_MIN_LETTERS = 4
/** At most this many unknown words of one query are corrected, each to at most this many words. */
const TYPO_WORDS_MAX = 8
const CORRECTIONS_MAX = 8

const textArray = (words: string[]) => `{${words.join(',')}}`

/** The lexicon words among these (all lowercase letters, so they need no quoting in an array). */
async function knownWords(db: Db, words: string[]): Promise<Set<string>> {
  if (words.length === 0) return new Set()
  const rows = await rawRows<{ word: string }>(db, sql`select word from search_lexicon where word = any(${textArray(words)}::text[])`)
  return new Set(rows.map((r) => r.word))
}

/** Every word one edit away (a letter deleted, inserted, replaced, or two neighbours swapped), closest kinds first. */
export function oneEditAway(word: string): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  const swaps: string[] = []
  const replaced: string[] = []
  const shorter: string[] = []
  const longer: string[] = []
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i)
    const tail = word.slice(i)
    if (i < word.length) shorter.push(head + tail.slice(1))
    if (i < word.length - 1) swaps.push(head + tail[1] + tail[0] + tail.slice(2))
    for (const letter of letters) {
      if (i < word.length && letter !== tail[0]) replaced.push(head + letter + tail.slice(1))
      longer.push(head + letter + tail)
    }
  }
  return [...new Set([...swaps, ...replaced, ...shorter, ...longer])].filter((w) => w !== word)
}

/**
 * Typo tolerance: a word of 4+ letters that no indexed text holds is replaced by the lexicon's
 * words one edit away from it (none: it matches nothing, so a query of nonsense finds nothing).
 * Known words stay as typed: "nhơn" never turns into "nhân". Quoted words are taken as typed.
 */
export async function resolveTypos(db: Db, query: SearchQuery): Promise<SearchQuery> {
  const candidates = [
    ...new Set(
      query.include
        .filter((run) => !run.quoted)
        .flatMap((run) => run.words.map((w) => w.folded))
        .filter((w) => w.length >= TYPO_MIN_LETTERS && isLexiconWord(w)),
    ),
  ]
  if (candidates.length === 0) return query
  const known = await knownWords(db, candidates)
  const unknown = candidates.filter((w) => !known.has(w)).slice(0, TYPO_WORDS_MAX)
  if (unknown.length === 0) return query
  const edits = new Map(unknown.map((w) => [w, oneEditAway(w)]))
  const found = await knownWords(db, [...new Set([...edits.values()].flat())])
  const corrections = new Map(unknown.map((w) => [w, edits.get(w)!.filter((e) => found.has(e)).slice(0, CORRECTIONS_MAX)]))
  const correct = (word: QueryWord): QueryWord => {
    const alts = corrections.get(word.folded)
    return alts?.length ? { ...word, alts, corrected: true, key: null } : word
  }
  return { ...query, include: query.include.map((run) => (run.quoted ? run : { ...run, words: run.words.map(correct) })) }
}

/** Parses and resolves a query: what the list endpoints search with. */
export async function searchQuery(db: Db, q: string): Promise<SearchQuery> {
  return resolveTypos(db, parseSearchQuery(q))
}

/** True when the query holds nothing to look for: no word outside exclusions. */
export const isEmptyQuery = (query: SearchQuery) => query.include.length === 0

// ---- the index ------------------------------------------------------------------------------

const quoteLexeme = (lexeme: string) => (/['\\]/.test(lexeme) ? `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${lexeme}'`)

/** The text form of a tsvector holding these lexemes. */
export function tsvectorLiteral(lexemes: Iterable<string>): string {
  const all = [...lexemes]
  if (all.length === 0) return ''
  // Lexemes made from text never hold a quote or a backslash: then one join quotes them all.
  const plain = all.every((lexeme) => !lexeme.includes("'") && !lexeme.includes('\\'))
  return plain ? `'${all.join("' '")}'` : all.map(quoteLexeme).join(' ')
}

/** tsquery text: a lexeme, taken as it is (never parsed or normalized by PostgreSQL). */
export const tsLexeme = quoteLexeme

/**
 * Adds words to the lexicon, in sorted order so that concurrent writers adding the same new words
 * lock them in the same order. With `onlyIf` (a CTE's name), only when that CTE returned a row.
 */
export function lexiconInsert(words: string[], onlyIf?: SQL, values: StatementValues = inlineValues): SQL {
  const sorted = [...new Set(words.filter(isLexiconWord))].sort()
  return sql`insert into search_lexicon (word) select w from unnest(${values.value('lexicon.words', textArray(sorted))}::text[]) w
    ${onlyIf ? sql`where exists (select 1 from ${onlyIf})` : sql``} on conflict (word) do nothing`
}

const LEXICON_MEMORY_MAX = 200_000
const lexiconKnown = new WeakMap<Db, Set<string>>()

/**
 * The lexicon words this process has seen committed, per database (up to 200,000): an article
 * write leaves them out of its lexicon insert, which would otherwise check a conflict for each of
 * its few hundred words, nearly all known. Nothing deletes a word from the lexicon but emptying the
 * database (tests do it, and `forget` then), so a word remembered is a word the table holds.
 */
export const lexiconMemory = {
  unknown(db: Db, words: string[]): string[] {
    const known = lexiconKnown.get(db)
    return known ? words.filter((w) => !known.has(w)) : words
  },
  /** After the write that inserted `words` committed: never inside a transaction, which may still roll back. */
  committed(db: Db, words: string[]): void {
    if (is(db, PgTransaction) || !words.length) return
    let known = lexiconKnown.get(db)
    if (!known) lexiconKnown.set(db, (known = new Set()))
    for (const word of words) {
      if (known.size >= LEXICON_MEMORY_MAX) return
      known.add(word)
    }
  },
  forget(db: Db): void {
    lexiconKnown.delete(db)
  },
}

/** Remembers the words of a text (a name, a caption) for typo tolerance. */
export async function rememberWords(db: Db, ...texts: (string | null | undefined)[]): Promise<void> {
  const words = [...searchTerms('', texts.filter(Boolean).join('\n'))].filter(isLexiconWord)
  if (words.length) await db.execute(lexiconInsert(words))
}

/**
 * After a person is renamed: the articles that link the person take the new name into their
 * search rows, in one statement, in the renaming transaction.
 */
export async function refreshPeopleTerms(db: Db, personId: string, name: string): Promise<void> {
  await db.execute(sql`update article_search s
    set people = bantin_people_search_terms(array(select ap.person_id from article_people ap where ap.article_id = s.article_id))
    where s.article_id in (select article_id from article_people where person_id = ${personId}::uuid)`)
  await rememberWords(db, name)
}

/**
 * For lists that search a folded text column (people's names, media's filename, caption and
 * credit) by substring: every word, or one of its corrections, must occur; a quoted phrase as it
 * is; excluded words must not. Served by the column's trigram index.
 */
export function foldedTextMatch(column: AnyColumn, query: SearchQuery): SQL | undefined {
  const has = (text: string) => sql`${column} like ${`%${escapeLike(text)}%`}`
  const runText = (run: QueryRun) => run.words.map((w) => w.folded).join(' ')
  return and(
    ...query.include.flatMap((run) =>
      run.quoted ? [has(runText(run))] : run.words.map((w) => or(...w.alts.map(has))),
    ),
    ...query.exclude.map((run) => not(has(runText(run)))),
  )
}
