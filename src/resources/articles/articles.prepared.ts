import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { preparedStatements } from '../../db/prepared.js'
import { articlePeople, articles, categories, people } from '../../db/schema.js'
import { visibility } from './articles.visibility.js'

/** The reads every article request makes, prepared once per database. */
export const articleStatements = preparedStatements((db) => {
  const key = sql.placeholder('key')
  const ids = sql`any(${sql.placeholder('ids')})`
  const row = (by: 'id' | 'slug', anonymous: boolean) =>
    db
      .select()
      .from(articles)
      .where(and(eq(by === 'id' ? articles.id : articles.slug, key), visibility(anonymous)))
      .prepare(`article_by_${by}_${anonymous ? 'public' : 'any'}`)
  const links = (withPerson: boolean) =>
    db
      .select({ articleId: articlePeople.articleId, personId: articlePeople.personId, role: articlePeople.role, ...(withPerson ? { person: people } : {}) })
      .from(articlePeople)
      .innerJoin(people, eq(people.id, articlePeople.personId))
      .where(sql`${articlePeople.articleId} = ${ids}`)
      .orderBy(asc(articlePeople.articleId), asc(articlePeople.position))
      .prepare(withPerson ? 'article_people_with_person' : 'article_people')
  return {
    byId: { public: row('id', true), any: row('id', false) },
    bySlug: { public: row('slug', true), any: row('slug', false) },
    links: links(false),
    linksWithPerson: links(true),
    /** Articles not in the trash, by id: what the sync feed serves. */
    live: db.select().from(articles).where(and(sql`${articles.id} = ${ids}`, isNull(articles.deletedAt))).prepare('articles_live_by_ids'),
    categories: db.select().from(categories).where(sql`${categories.id} = ${ids}`).prepare('categories_by_ids'),
  }
})
