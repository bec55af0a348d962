import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import { answerSql, fixedSql, isoSql, jsonObjectSql, shapeSql } from '../../db/json-shape.js'
import { documents } from '../../db/schema.js'
import type { ShareSettings } from '../../shared/seo.js'
import { visibility } from '../articles/articles.visibility.js'
import { mediaShape } from '../media/media.shape.js'
import { personShape } from '../people/people.service.js'

const { search: _search, ...columns } = getTableColumns(documents)
/** What writes read and return of a document: every column but the search lexemes, which only the index needs. */
export const writeColumns = columns
export type DocumentRow = Omit<typeof documents.$inferSelect, 'search'>

export type DocumentInclude = 'signer' | 'files' | 'articles'

const col = (alias: string, name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`

/**
 * A day on the calendar of Việt Nam (UTC+7, no summer time), where documents are dated, whatever
 * the zone of the server or of the session.
 */
export const vietnamDay = (at: SQL) => sql`(${at} at time zone 'Asia/Ho_Chi_Minh')::date`

/**
 * In force today: its effective day (or, without one, its issue day) has come, and its expiry day
 * has not. The `inForce` of every answer and the inForce filter (served by documents_in_force_idx).
 */
export const inForceSql = (alias: string) => {
  const today = vietnamDay(sql`now()`)
  return sql`(coalesce(${col(alias, 'effective_at')}, ${col(alias, 'issued_at')}) <= ${today} and (${col(alias, 'expired_at')} is null or ${col(alias, 'expired_at')} > ${today}))`
}

/** What an answer embeds, who reads it and where the site is. */
export interface DocumentAnswerOptions {
  /** Anonymous callers see only the related articles that are published; tokens all not in the trash. */
  anonymous: boolean
  include?: readonly DocumentInclude[] | undefined
  /** Reads add `url` with a site; writes, the sync feed and webhooks do not. */
  share?: ShareSettings | undefined
}

/** `select …` over the document's related articles the caller may read, in the document's order. */
const relatedSql = (a: string, anonymous: boolean, value: SQL, order = sql``) =>
  sql`(select ${value} from unnest(${col(a, 'article_ids')}) with ordinality u(id, n) join articles on articles.id = u.id where ${visibility(anonymous)}${order})`

function buildAnswer(a: string, options: DocumentAnswerOptions): SQL {
  const include = options.include ?? []
  const date = (name: string) => sql`${col(a, name)}::text`
  const pairs: [string, SQL][] = [
    ['id', col(a, 'id')],
    ['slug', col(a, 'slug')],
    ['number', col(a, 'number')],
    ['kind', col(a, 'kind')],
    ['issuer', col(a, 'issuer')],
    ['signerId', col(a, 'signer_id')],
    ['issuedAt', date('issued_at')],
    ['effectiveAt', date('effective_at')],
    ['expiredAt', date('expired_at')],
    ['inForce', inForceSql(a)],
    ['summary', col(a, 'summary')],
    ['field', col(a, 'field')],
    ['fileIds', col(a, 'file_ids')],
    ['articleIds', sql`array${relatedSql(a, options.anonymous, sql`u.id`, sql` order by u.n`)}`],
    ['version', col(a, 'version')],
    ['createdAt', isoSql(col(a, 'created_at'))],
    ['updatedAt', isoSql(col(a, 'updated_at'))],
  ]
  if (options.share?.urls) pairs.push(['url', options.share.siteUrl('document', a)])
  if (include.includes('signer')) pairs.push(['signer', sql`(select ${shapeSql(personShape, 'p')} from people p where p.id = ${col(a, 'signer_id')})`])
  if (include.includes('files')) {
    const files = sql`(select json_agg(${shapeSql(mediaShape, 'm')} order by f.n) from unnest(${col(a, 'file_ids')}) with ordinality f(id, n) join media m on m.id = f.id)`
    pairs.push(['files', sql`coalesce(${files}, '[]'::json)`])
  }
  if (include.includes('articles')) {
    const article = sql`json_build_object('id', articles.id, 'slug', articles.slug, 'title', articles.title, 'publishedAt', ${isoSql(sql`articles.published_at`)})`
    pairs.push(['articles', sql`coalesce(${relatedSql(a, options.anonymous, sql`json_agg(${article} order by u.n)`)}, '[]'::json)`])
  }
  return answerSql(jsonObjectSql(pairs))
}

const answers = new Map<string, SQL>()

/**
 * The document under alias `a` as the API answers it, built by PostgreSQL: `inForce` derived
 * today, `articleIds` only the related articles the caller may read, the embeds asked for, and
 * `url` on reads with a site. One column, as base64 of the JSON's bytes (see answerSql), with no
 * parameters: its text is written out once for each alias, audience, include and site.
 */
export function documentAnswer(a: string, options: DocumentAnswerOptions): SQL {
  const include = [...new Set(options.include ?? [])].sort()
  const key = `${a}|${options.anonymous ? 'public' : 'any'}|${include.join(',')}|${options.share?.urls ? options.share.key : '-'}`
  return fixedSql(answers, key, () => buildAnswer(a, { ...options, include }))
}
