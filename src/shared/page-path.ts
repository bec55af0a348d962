import { type SQL, sql } from 'drizzle-orm'

/** Deep enough for any portal; a bound all the same, so a walk up the tree always ends. */
const MAX_DEPTH = 32

/**
 * The slugs of a page's ancestors and its own, from the top down, joined by `/` (`gioi-thieu/lich-su`),
 * for the pages row under `alias`: one expression, no query per row. Page reads and the public
 * site's URLs both build on it, so the two cannot disagree.
 */
export const pageSlugsSql = (alias: string): SQL => sql`(with recursive up(parent_id, slug, depth) as (
    select ${sql.identifier(alias)}.parent_id, ${sql.identifier(alias)}.slug, 0
    union all
    select p.parent_id, p.slug, up.depth + 1 from pages p join up on p.id = up.parent_id where up.depth < ${sql.raw(String(MAX_DEPTH))}
  ) select string_agg(slug, '/' order by depth desc) from up)`
