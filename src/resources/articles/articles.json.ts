import { type SQL, sql } from 'drizzle-orm'
import { answerSql, field, fixedSql, jsonObjectSql, type Shape, shapeObject, shapeSql } from '../../db/json-shape.js'
import { articles } from '../../db/schema.js'
import { categoryShape } from '../categories/categories.service.js'
import { mediaShape } from '../media/media.shape.js'
import { personShape } from '../people/people.service.js'
import type { Article, ArticleField, ArticleInclude } from './articles.schemas.js'
import { readingTimeMinutes, WORDS_PER_MINUTE } from './blocks.js'
import { seoOf, seoSql, type ShareSettings, shareSql } from '../../shared/seo.js'

export type ArticleRow = typeof articles.$inferSelect

/** A row with the people it links, in order: what an answer is made of. */
type LinkedRow = ArticleRow & { people: Article['people'] }

const col = (alias: string, name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`

/** The article's people links, in order, each with its person when `persons`. */
function linksSql(a: string, persons: boolean): SQL {
  const person = persons ? sql`, 'person', ${shapeSql(personShape, 'p')}` : sql``
  const join = persons ? sql`join people p on p.id = ap.person_id` : sql``
  return sql`(select coalesce(json_agg(json_build_object('personId', ap.person_id, 'role', ap.role${person}) order by ap.position), '[]'::json)
    from article_people ap ${join} where ap.article_id = ${col(a, 'id')})`
}

/** The fields that reads add (see AnswerOptions.share), which the shape does not hold. */
const READ_ONLY = ['url', 'share'] as const

/** An article as the API answers it, with its people links (without their persons). */
export const articleShape: Shape<LinkedRow> = {
  id: field.column(articles.id, 'id'),
  slug: field.column(articles.slug, 'slug'),
  title: field.column(articles.title, 'title'),
  summary: field.column(articles.summary, 'summary'),
  body: field.column(articles.body, 'body'),
  status: field.column(articles.status, 'status'),
  publishedAt: field.timestamp(articles.publishedAt, 'publishedAt'),
  categoryId: field.column(articles.categoryId, 'categoryId'),
  coverId: field.column(articles.coverId, 'coverId'),
  tags: field.column(articles.tags, 'tags'),
  people: field.derived<LinkedRow>((a) => linksSql(a, false), (row) => row.people),
  seo: field.derived<LinkedRow>(seoSql, seoOf),
  version: field.column(articles.version, 'version'),
  excerpt: field.column(articles.excerpt, 'excerpt'),
  readingTimeMinutes: field.derived<LinkedRow>(
    (a) => sql`greatest(1, round(${col(a, 'word_count')} / ${sql.raw(`${WORDS_PER_MINUTE}.0`)}))::int`,
    (row) => readingTimeMinutes(row.wordCount),
  ),
  createdAt: field.timestamp(articles.createdAt, 'createdAt'),
  updatedAt: field.timestamp(articles.updatedAt, 'updatedAt'),
} satisfies Record<Exclude<ArticleField, (typeof READ_ONLY)[number]>, unknown>

/** The article a write answers, from the row it wrote and its links. */
export const toArticle = (row: ArticleRow, links: Article['people']): Article => shapeObject(articleShape, { ...row, people: links })

/** What an answer embeds and which fields it has. */
export interface AnswerOptions {
  include?: readonly ArticleInclude[] | undefined
  fields?: readonly ArticleField[] | undefined
  /** Reads of articles themselves add `url` (with a site) and `share` (unless fields= leaves them out); embedded copies, writes and the sync feed do not. */
  share?: ShareSettings | undefined
}

/**
 * Whether an answer with these options holds its category's slug without embedding the category:
 * in `url` or `share` (the site URL), when the site's article URLs name the category. Its ETag
 * must then vary with the category, as if it were embedded.
 */
export const urlNamesCategory = (options: AnswerOptions) =>
  options.share?.articleUrlNamesCategory === true &&
  !options.include?.includes('category') &&
  (!options.fields || options.fields.includes('url') || options.fields.includes('share'))

/** An embedded item's stamp, its id at the time it last changed: ETags of answers embedding it vary with it. */
export const stampSql = (alias: string) =>
  sql`${col(alias, 'id')}::text || '@' || floor(extract(epoch from ${col(alias, 'updated_at')}) * 1000)::bigint`

const imageBlocks = (a: string) => sql`jsonb_array_elements(${col(a, 'body')}) with ordinality e(b, i)`

/** The body with each image block's media embedded (`media: null` when it is gone). */
const bodyWithMedia = (a: string) => sql`(select coalesce(jsonb_agg(case when e.b ->> 'type' = 'image'
      then e.b || jsonb_build_object('media', (select ${shapeSql(mediaShape, 'm')}::jsonb from media m where m.id = (e.b ->> 'mediaId')::uuid))
      else e.b end order by e.i), '[]'::jsonb) from ${imageBlocks(a)})`

/**
 * The two columns of a read, for the article row under alias `a`: `answer`, the article as the
 * API answers it (the fields asked for, then what `include` embeds), built by PostgreSQL and
 * sent as base64 of its UTF-8 bytes (text would be decoded into a string only to be encoded
 * again); and `stamps`, what the answer embeds, for its ETag.
 */
export function answerColumns(a: string, options: AnswerOptions): { answer: SQL; stamps: SQL } {
  const key = `${a}|${options.include?.join(',') ?? ''}|${options.fields?.join(',') ?? '*'}|${options.share?.key ?? '-'}`
  let columns: { answer: SQL; stamps: SQL } | undefined
  const built = () => (columns ??= buildAnswerColumns(a, options))
  return { answer: fixedSql(answers, key, () => built().answer), stamps: fixedSql(stamps, key, () => built().stamps) }
}

/** The columns' texts, written out once for each alias, include and fields (see fixedSql). */
const answers = new Map<string, SQL>()
const stamps = new Map<string, SQL>()

function buildAnswerColumns(a: string, options: AnswerOptions): { answer: SQL; stamps: SQL } {
  const include = options.include ?? []
  const fields = options.fields
  const persons = include.includes('people')
  const withMedia = include.includes('media') && (!fields || fields.includes('body'))
  const keys = (fields ?? Object.keys(articleShape)).filter((key) => !(READ_ONLY as readonly string[]).includes(key))
  const pairs: [string, SQL][] = keys.map((key) => [
    key,
    key === 'body' && withMedia ? bodyWithMedia(a) : key === 'people' && persons ? linksSql(a, true) : articleShape[key]!.sql(a),
  ])
  if (include.includes('category')) pairs.push(['category', sql`(select ${shapeSql(categoryShape, 'c')} from categories c where c.id = ${col(a, 'category_id')})`])
  if (include.includes('cover')) pairs.push(['cover', sql`(select ${shapeSql(mediaShape, 'm')} from media m where m.id = ${col(a, 'cover_id')})`])
  if (persons && fields && !fields.includes('people')) pairs.push(['people', linksSql(a, true)])
  if (options.share?.urls && (!fields || fields.includes('url'))) pairs.push(['url', options.share.siteUrl('article', a)])
  if (options.share && (!fields || fields.includes('share'))) {
    const share = { alias: a, title: col(a, 'title'), description: col(a, 'excerpt'), fallbackImage: col(a, 'cover_id'), url: options.share.siteUrl('article', a) }
    pairs.push(['share', shareSql(share, options.share.mediaBase)])
  }
  const answer = answerSql(jsonObjectSql(pairs))

  const stamps: SQL[] = [
    ...(include.includes('category') || urlNamesCategory(options)
      ? [sql`array(select ${stampSql('c')} from categories c where c.id = ${col(a, 'category_id')})`]
      : []),
    ...(persons
      ? [sql`array(select ${stampSql('p')} from article_people ap join people p on p.id = ap.person_id where ap.article_id = ${col(a, 'id')} order by ap.position)`]
      : []),
    ...(include.includes('cover') ? [sql`array(select ${stampSql('m')} from media m where m.id = ${col(a, 'cover_id')})`] : []),
    ...(withMedia
      ? [sql`array(select ${stampSql('m')} from ${imageBlocks(a)} join media m on m.id = (e.b ->> 'mediaId')::uuid where e.b ->> 'type' = 'image' order by e.i)`]
      : []),
  ]
  // One text, the stamps joined by commas: pg parses an array of text a character at a time, and
  // that was a twelfth of what a detail read allocated.
  return { answer, stamps: stamps.length ? sql`array_to_string(${sql.join(stamps, sql` || `)}, ',')` : sql`''` }
}

/** A read's row: the article's id and version, its answer as JSON bytes, and its ETag stamps (joined by commas). */
export interface AnswerRow {
  id: string
  version: number
  answer: string
  stamps: string
}

/** The stamps of a read's row, one by one. */
export const stampList = (stamps: string): string[] => (stamps === '' ? [] : stamps.split(','))
