import { createHash } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { preparedStatements } from '../../db/prepared.js'
import { articles } from '../../db/schema.js'
import { answerColumns } from './articles.json.js'
import type { ShareSettings } from '../../shared/seo.js'
import type { ArticleInclude } from './articles.schemas.js'
import { visibility } from './articles.visibility.js'

/** What a detail read asks for, which decides its statement. */
export interface DetailWanted {
  by: 'id' | 'slug'
  anonymous: boolean
  include: readonly ArticleInclude[]
  /** `render=html`: the body comes too, for the HTML made from it. */
  render: boolean
  /** With `share`, by these settings. */
  share?: ShareSettings | undefined
}

/** The columns of a read's answer (see answerColumns), under the names its rows carry. */
export function answerSelection(options: Parameters<typeof answerColumns>[1]) {
  const { answer, stamps } = answerColumns('articles', options)
  return { answer: answer.mapWith(String).as('answer'), stamps: stamps.mapWith(String).as('stamps') }
}

/** A statement name's part for share settings: names stay under PostgreSQL's 63 bytes. Kept: the settings are few. */
const hashes = new Map<string, string>()
const shortHash = (key: string) => {
  let found = hashes.get(key)
  if (found === undefined) hashes.set(key, (found = createHash('sha1').update(key).digest('hex').slice(0, 6)))
  return found
}

/**
 * The reads every article request makes, prepared once per database: a detail read's statement
 * for each combination of key, audience, embeds and rendering, made when first asked for
 * (at most 2 × 2 × 16 × 2 for each share setting); the articles the sync feed serves, by ids.
 */
export const articleStatements = preparedStatements((db) => {
  const key = sql.placeholder('key')
  const details = new Map<string, ReturnType<typeof detailStatement>>()
  const detailStatement = (wanted: DetailWanted, name: string) =>
    db
      .select({
        id: articles.id,
        version: articles.version,
        ...answerSelection({ include: wanted.include, share: wanted.share }),
        ...(wanted.render ? { body: articles.body } : {}),
      })
      .from(articles)
      .where(and(eq(wanted.by === 'id' ? articles.id : articles.slug, key), visibility(wanted.anonymous)))
      .prepare(name)
  return {
    detail(wanted: DetailWanted) {
      const include = [...new Set(wanted.include)].sort()
      const name = ['article', wanted.by, wanted.anonymous ? 'public' : 'any', ...include, ...(wanted.render ? ['html'] : []), ...(wanted.share ? [`s${shortHash(wanted.share.key)}`] : [])].join('_')
      let found = details.get(name)
      if (!found) details.set(name, (found = detailStatement({ ...wanted, include }, name)))
      return found
    },
    /** Articles not in the trash, by id, as their own GET answers them: what the sync feed serves. */
    live: db
      .select({ id: articles.id, ...answerSelection({}) })
      .from(articles)
      .where(and(sql`${articles.id} = any(${sql.placeholder('ids')})`, sql`${articles.deletedAt} is null`))
      .prepare('articles_live_by_ids'),
  }
})
