import { and, eq, getTableColumns, isNull, sql } from 'drizzle-orm'
import { preparedStatements } from '../../db/prepared.js'
import { articles } from '../../db/schema.js'
import { relationColumns } from './articles.relations.js'
import { visibility } from './articles.visibility.js'

/** The reads every article request makes, prepared once per database. */
export const articleStatements = preparedStatements((db) => {
  const key = sql.placeholder('key')
  const ids = sql`any(${sql.placeholder('ids')})`
  // The people and category come in the same statement, as each request wants them (parameters).
  const param = (name: string) => sql`${sql.placeholder(name)}`
  const embedded = relationColumns('articles', { links: param('links'), persons: param('persons'), category: param('category') })
  const row = (by: 'id' | 'slug', anonymous: boolean) =>
    db
      .select({ ...getTableColumns(articles), ...embedded })
      .from(articles)
      .where(and(eq(by === 'id' ? articles.id : articles.slug, key), visibility(anonymous)))
      .prepare(`article_by_${by}_${anonymous ? 'public' : 'any'}`)
  return {
    byId: { public: row('id', true), any: row('id', false) },
    bySlug: { public: row('slug', true), any: row('slug', false) },
    /** Articles not in the trash, by id, with their people: what the sync feed serves. */
    live: db
      .select({ ...getTableColumns(articles), ...relationColumns('articles', { links: true, persons: false, category: false }) })
      .from(articles)
      .where(and(sql`${articles.id} = ${ids}`, isNull(articles.deletedAt)))
      .prepare('articles_live_by_ids'),
  }
})
