import { type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { pageLimit, queryPrepared } from '../../db/prepared.js'
import { NotFound } from '../../errors.js'
import { isUuid } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import { commaList, QueryInt } from '../../shared/schemas.js'
import type { ShareSettings } from '../../shared/seo.js'
import { listTag } from './articles.etag.js'
import { type AnswerRow, answerColumns, stampList } from './articles.json.js'
import { articleFields, articleIncludes } from './articles.schemas.js'

export const RelatedQuery = z.strictObject({
  limit: QueryInt(1, 20).default(5).describe('1–20, default 5'),
  include: commaList(articleIncludes),
  fields: commaList(articleFields),
})
export type RelatedQuery = z.infer<typeof RelatedQuery>

/** What one shared trait is worth: a tag most, a person next, the category least. */
export const WEIGHTS = { tag: 3, person: 2, category: 1 } as const

/**
 * How many of the newest articles each trait brings as candidates. A tag on thousands of articles
 * is read from the newest down and stops here, so a common tag costs no more than a rare one; what
 * is related and old enough to fall outside is rarely what a reader wants next. A person's links
 * are read the same way, twice as many, newest article first (ids are time-ordered), before
 * the ones still visible are kept. Shared tags and people are counted among these: an article that
 * shares two tags but is among the newest of only one of them counts one.
 */
const CANDIDATES = 50

/** Published, due and out of the trash: what every reader may see, whoever asks for related articles. */
const live = (a: string) => sql.raw(`${a}.status = 'published' and ${a}.deleted_at is null and ${a}.published_at <= now()`)

/**
 * The statement of a related list, one round trip: the article (as its caller may see it); the
 * articles its tags, its people and its category bring, each from an index, newest first and cut,
 * each scored there by what it shares of that trait; their scores summed, best first, newest on
 * ties; and the answers of the best.
 */
export function relatedStatement(idOrSlug: string, auth: Principal | null, query: RelatedQuery, share: ShareSettings | undefined): SQL {
  const key = isUuid(idOrSlug) ? sql`me.id = ${idOrSlug.toLowerCase()}::uuid` : sql`me.slug = ${idOrSlug}`
  const mine = auth ? sql`me.deleted_at is null` : live('me')
  const { answer, stamps } = answerColumns('r', { include: query.include, fields: query.fields, share })
  const cut = pageLimit(CANDIDATES)
  const weight = (n: number) => sql.raw(String(n))
  return sql`with me as (select me.id, me.tags, me.category_id from articles me where ${key} and ${mine}),
    my_people as (select distinct ap.person_id from article_people ap where ap.article_id = (select id from me)),
    shared as (
      (select t.article_id as id, t.published_at, ${weight(WEIGHTS.tag)} * count(*) as score
        from me, unnest(me.tags) mt(tag), lateral (
            select at.article_id, at.published_at from article_tags at where at.tag = mt.tag and ${live('at')}
            order by at.published_at desc nulls last, at.article_id desc nulls last limit ${cut}) t
        group by t.article_id, t.published_at
        order by t.published_at desc, t.article_id desc limit ${cut})
      union all
      (select a.id, a.published_at, ${weight(WEIGHTS.person)} * p.n as score
        from (select l.article_id, count(*) as n from my_people mp, lateral (
            select distinct ap.article_id from article_people ap where ap.person_id = mp.person_id
            order by ap.article_id desc nulls last limit ${pageLimit(CANDIDATES * 2)}) l group by l.article_id) p
        join articles a on a.id = p.article_id
        where ${live('a')} order by a.published_at desc nulls last, a.id desc nulls last limit ${cut})
      union all
      (select a.id, a.published_at, ${weight(WEIGHTS.category)} as score
        from articles a where a.category_id = (select category_id from me) and ${live('a')} order by a.published_at desc nulls last, a.id desc nulls last limit ${cut})
    ),
    best as (select s.id, row_number() over (order by sum(s.score) desc, s.published_at desc, s.id desc) as ord
      from shared s where s.id <> (select id from me) group by s.id, s.published_at
      order by ord limit ${pageLimit(query.limit)})
    select (select count(*) from me)::int as found,
      coalesce((select json_agg(json_build_object('id', r.id, 'version', r.version, 'answer', ${answer}, 'stamps', ${stamps}) order by b.ord)
        from best b join articles r on r.id = b.id), '[]'::json) as rows`
}

/**
 * `GET /v1/articles/{idOrSlug}/related`: visible articles that share tags, people or the category
 * with this one, as JSON bytes PostgreSQL built, and the list's ETag.
 */
export async function relatedArticles(db: Db, idOrSlug: string, auth: Principal | null, query: RelatedQuery, key: string, share?: ShareSettings) {
  const [result] = (await queryPrepared(db, relatedStatement(idOrSlug, auth, query, share))) as { found: number; rows: AnswerRow[] }[]
  if (!result?.found) throw new NotFound('Article', idOrSlug)
  return { data: result.rows.map((row) => row.answer), etag: listTag(key, result.rows, false, undefined, result.rows.flatMap((r) => stampList(r.stamps))) }
}
