import { type SQL, sql } from 'drizzle-orm'
import { fromRowJson, rowJson } from '../../db/json-rows.js'
import { categories, people, type PersonRole } from '../../db/schema.js'
import { toCategory } from '../categories/categories.service.js'
import { toPerson } from '../people/people.service.js'
import type { Article, ArticleField, ArticleInclude } from './articles.schemas.js'

/** What of an article's people and category an answer needs. */
export interface Relations {
  /** The article's people links (`people`). */
  links: boolean
  /** Each link's person (`include=people`). */
  persons: boolean
  /** The article's category (`include=category`). */
  category: boolean
}

export function relationsFor(options: { include?: ArticleInclude[] | undefined; fields?: ArticleField[] | undefined }): Relations {
  const include = options.include ?? []
  const persons = include.includes('people')
  return { links: persons || !options.fields || options.fields.includes('people'), persons, category: include.includes('category') }
}

/** A relation wanted or not: known when the query is built, or a parameter of a prepared one. */
type Wanted = boolean | SQL

/** The columns an article row query selects beside the article's own: see `relationColumns`. */
export interface RelationColumns {
  links?: { personId: string; role: PersonRole; person: Record<string, unknown> | null }[] | null
  category?: Record<string, unknown> | null
}

/**
 * An article's people and category as two JSON values that the same query computes for each row
 * (the article's row being `article`, a table or alias name), selected as "links" and "category": the row and what it embeds
 * come in one round trip. A relation not wanted is null and costs nothing.
 */
export function relationColumns(article: string, wanted: { [K in keyof Relations]: Wanted }) {
  const column = (name: string) => sql`${sql.identifier(article)}.${sql.identifier(name)}`
  const when = (want: Wanted, value: SQL) => (want === false ? sql`null::json` : want === true ? value : sql`case when ${want}::boolean then ${value} end`)
  const person = when(wanted.persons, rowJson(people, 'p'))
  const links = sql`(select coalesce(json_agg(json_build_object('personId', ap.person_id, 'role', ap.role, 'person', ${person}) order by ap.position), '[]'::json)
    from article_people ap join people p on p.id = ap.person_id where ap.article_id = ${column('id')})`
  const category = sql`(select ${rowJson(categories, 'c')} from categories c where c.id = ${column('category_id')})`
  return {
    links: when(wanted.links, links).mapWith((v) => v as RelationColumns['links']).as('links'),
    category: when(wanted.category, category).mapWith((v) => v as RelationColumns['category']).as('category'),
  }
}

/** The people and category of an answer, from a row that carries `relationColumns`. */
export function relationsOf(row: RelationColumns, relations: Relations): Pick<Article, 'people' | 'category'> {
  if ((relations.links && row.links === undefined) || (relations.category && row.category === undefined)) {
    throw new Error('An article row was read without the relations its answer embeds: select relationColumns')
  }
  return {
    people: (row.links ?? []).map((link) => ({
      personId: link.personId,
      role: link.role,
      ...(relations.persons && link.person && { person: toPerson(fromRowJson(people, link.person)) }),
    })),
    ...(relations.category && { category: row.category ? toCategory(fromRowJson(categories, row.category)) : null }),
  }
}
