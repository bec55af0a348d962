import { sql } from 'drizzle-orm'
import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz, tsvector } from './columns.js'
import { type ArticleStatus, articles, people } from './content.js'

/**
 * What article search matches against, one row per article (trashed ones too: a token may search
 * the trash), written in the same transaction as the article. Apart from `articles` so that reads
 * of articles never carry it. The lexemes are made by `searchTerms` (src/shared/text.ts): folded
 * words, accent keys, neighbouring pairs, and title ("t:") and summary/tag/name ("m:") copies.
 */
export const articleSearch = pgTable(
  'article_search',
  {
    articleId: uuid('article_id')
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    /** From the title, summary, tags and body (image captions included). */
    doc: tsvector('doc').notNull().default(sql`''::tsvector`),
    /** From the names of the people linked to the article: rewritten when one of them is renamed. */
    people: tsvector('people').notNull().default(sql`''::tsvector`),
    // The article's visibility and date, kept equal to the article's by a trigger (see the
    // search-backfill migration): a level of relevance is filtered and sorted here, and only the
    // page it keeps is joined to articles.
    status: text('status').$type<ArticleStatus>().notNull().default('draft'),
    publishedAt: timestamptz('published_at'),
    deletedAt: timestamptz('deleted_at'),
  },
  // Every search names this expression (doc || people, in a function whose cost keeps the planner
  // on the index: see the search-functions migration), so one GIN index serves both columns.
  (t) => [index('article_search_document_idx').using('gin', sql`bantin_search_document(${t.doc}, ${t.people})`)],
)

/**
 * Every folded word that any article, person or media has held: what a query word is checked
 * against before typo tolerance steps in, and where its corrections are looked up (by key).
 */
export const searchLexicon = pgTable('search_lexicon', {
  word: text('word').primaryKey(),
})

/**
 * The lexemes of each person's name ("m:" terms, see `searchTerms`), kept by a trigger on people
 * (the person-search migration): an article's search row takes its people's terms from here, so a
 * create does not fold their names again. Apart from `people` so that reads of people never carry it.
 */
export const personSearch = pgTable('person_search', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  terms: text('terms').array().notNull(),
})

/**
 * Each tag of each article, with the article's visibility and date, kept by a trigger on articles
 * (the article-tags migration) in the statement that writes them: related articles take the
 * newest visible articles of a tag from an index, which the GIN index on articles.tags cannot
 * give in order (it would read every article of a common tag first).
 */
export const articleTags = pgTable(
  'article_tags',
  {
    tag: text('tag').notNull(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    status: text('status').$type<ArticleStatus>().notNull(),
    publishedAt: timestamptz('published_at'),
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [
    primaryKey({ name: 'article_tags_pkey', columns: [t.tag, t.articleId] }),
    index('article_tags_article_idx').on(t.articleId),
    index('article_tags_live_idx')
      .on(t.tag, t.publishedAt.desc(), t.articleId.desc())
      .where(sql`${t.status} = 'published' and ${t.deletedAt} is null`),
  ],
)
