import { type SQL, sql } from 'drizzle-orm'
import type { ArticleStatus } from '../../db/schema.js'
import { inlineValues, type StatementValues } from '../../db/prepared.js'
import { lexiconInsert, tsvectorLiteral } from '../../shared/search.js'
import { indexTerms, SEARCH_TEXT_MAX } from '../../shared/text.js'
import type { Block } from '../../shared/blocks.js'

/** What of an article search reads. Linked people's names are added by the database (see below). */
export interface SearchableArticle {
  title: string
  summary: string | null
  tags: string[]
  body: Block[]
}

/**
 * The text of a body that search reads: every block's text, image captions and credits, quotes'
 * sources, one block a line. Written the same way as `bantin_body_search_text` in SQL.
 */
export function articleSearchText(body: Block[]): string {
  const parts: string[] = []
  for (const block of body) {
    switch (block.type) {
      case 'paragraph':
        parts.push(block.text ?? (block.spans ?? []).map((s) => s.text).join(''))
        break
      case 'heading':
        parts.push(block.text)
        break
      case 'quote':
        parts.push(block.cite === undefined ? block.text : `${block.text}\n${block.cite}`)
        break
      case 'list':
        parts.push(block.items.join('\n'))
        break
      case 'image':
        parts.push([block.caption, block.credit].filter((v) => v !== undefined).join('\n'))
        break
      case 'embed':
        break
    }
  }
  return parts.join('\n')
}

/** The first `max` characters, counted as PostgreSQL's left() counts them (code points). */
function leftChars(text: string, max: number): string {
  if (text.length <= max) return text
  return Array.from(text).slice(0, max).join('')
}

/**
 * An article's `article_search.doc` (the text form of a tsvector) and the words it adds to the
 * lexicon. Pure: the same article always gives the same lexemes, and `bantin_article_search_doc`
 * in SQL gives them too.
 */
export function articleSearchDoc(article: SearchableArticle): { doc: string; words: string[] } {
  const { terms, words } = indexTerms([
    ['t:', article.title],
    ['m:', [article.summary, article.tags.join('\n')].filter((v) => v !== null).join('\n')],
    ['', leftChars(articleSearchText(article.body), SEARCH_TEXT_MAX)],
  ])
  // Words in the order first met: the few the lexicon lacks are sorted as they are inserted.
  return { doc: tsvectorLiteral(terms), words }
}

/**
 * The statements that write an article's search row as a write leaves the article, and add its
 * new words to the lexicon. Linked people's names are turned into lexemes by the database, from
 * the people rows. They read nothing the write's other statements change, so a create runs them
 * in one statement with those. Later changes of visibility alone (trash, restore, publishing)
 * reach the search row by a trigger on articles. `index` is the article's `articleSearchDoc`, with
 * the words the lexicon is known to hold left out.
 */
export function searchStatements(
  row: SearchableArticle & { id: string; status: ArticleStatus; publishedAt: Date | null; deletedAt: Date | null },
  links: { personId: string }[],
  { doc, words } = articleSearchDoc(row),
  values: StatementValues = inlineValues,
): SQL[] {
  const personIds = `{${[...new Set(links.map((l) => l.personId))].join(',')}}`
  const value = (name: string, v: unknown) => values.value(`search.${name}`, v)
  return [
    sql`insert into article_search (article_id, doc, people, status, published_at, deleted_at)
      values (${value('id', row.id)}::uuid, ${value('doc', doc)}::tsvector, bantin_people_search_terms(${value('people', personIds)}::uuid[]), ${value('status', row.status)},
        ${value('publishedAt', row.publishedAt?.toISOString() ?? null)}::timestamptz, ${value('deletedAt', row.deletedAt?.toISOString() ?? null)}::timestamptz)
      on conflict (article_id) do update
        set doc = excluded.doc, people = excluded.people, status = excluded.status, published_at = excluded.published_at, deleted_at = excluded.deleted_at`,
    ...(words.length ? [lexiconInsert(words, undefined, values)] : []),
  ]
}
