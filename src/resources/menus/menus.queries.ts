import { asc, count, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { answerSql, fixedSql, isoSql, jsonObjectSql } from '../../db/json-shape.js'
import { type FixedStatement, fixedStatementOf, runFixed } from '../../db/prepared.js'
import { articles, categories, type MenuItemRow, menuLinks, menus, pages } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { isUuid } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import { isPublished, visibility } from '../articles/articles.visibility.js'
import { pagePath } from '../pages/pages.queries.js'
import { type Menu, MENU_DEPTH, type MenuItem, type MenuListQuery } from './menus.schemas.js'

export type MenuRow = typeof menus.$inferSelect

/** A link with its fields in one order (jsonb keeps keys in an order of its own). */
const linkOf = (link: MenuItemRow['link']) => (link.type === 'url' ? { type: link.type, url: link.url } : { type: link.type, id: link.id })

const stored = (items: MenuItemRow[]): MenuItem[] =>
  items.map((item) => ({ label: item.label, link: linkOf(item.link), children: stored(item.children) })) as MenuItem[]

export const toMenu = (row: MenuRow, items: MenuItem[] = stored(row.items)): Menu => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  items,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

export const menuByIdOrSlug = (idOrSlug: string): SQL =>
  isUuid(idOrSlug) ? eq(menus.id, idOrSlug.toLowerCase()) : eq(menus.slug, idOrSlug)

export async function listMenus(db: Db, query: MenuListQuery) {
  const [rows, [total]] = await Promise.all([
    db.select().from(menus).orderBy(asc(menus.name), asc(menus.id)).limit(query.limit).offset(query.offset),
    db.select({ n: count() }).from(menus),
  ])
  return { rows, total: total?.n ?? 0 }
}

/**
 * Every target the menu links to, as a JSON object keyed `type:id`, with its current slug and
 * path and whether the public sees it: found through the menu's links (written with its items,
 * in the same transaction), once for the whole menu. A target that is gone has no key.
 */
const targets = sql`(select coalesce(jsonb_object_agg(l.type || ':' || l.target_id, jsonb_build_object('slug', t.slug, 'path', t.path, 'visible', t.visible)), '{}'::jsonb)
      from (select distinct ${menuLinks.type} as type, ${menuLinks.targetId} as target_id from ${menuLinks} where ${menuLinks.menuId} = ${menus.id}) l
      cross join lateral (
        select ${pages.slug} as slug, ${pagePath} as path, ${pages.deletedAt} is null and ${isPublished(pages.status)} as visible
          from ${pages} where l.type = 'page' and ${pages.id} = l.target_id
        union all
        select ${categories.slug}, '/categories/' || ${categories.slug}, true from ${categories} where l.type = 'category' and ${categories.id} = l.target_id
        union all
        select ${articles.slug}, '/articles/' || ${articles.slug}, coalesce(${visibility(true)}, false)
          from ${articles} where l.type = 'article' and ${articles.id} = l.target_id
      ) t)`

/**
 * The items of one level (`source`, a jsonb array of stored items) resolved against `targets`:
 * each link with its target's slug and path. A link to a target that is gone, unpublished or in
 * the trash leaves its item (and the items below it) out for anonymous callers; a token gets it
 * flagged `broken`. The levels are written out, MENU_DEPTH of them.
 *
 * Each level's items are unnested from an array, not read with jsonb_array_elements: the planner
 * takes that for 100 rows, 100 × 100 × 100 over three levels, and a statement costed past
 * jit_above_cost is JIT-compiled on every read (seconds, for a menu built in a millisecond).
 * An array of unknown length it takes for 10.
 */
function itemsSql(source: SQL, level: number, anonymous: boolean): SQL {
  const i = sql.identifier(`i${level}`)
  const link = sql`${i}.v -> 'link'`
  const target = sql`${i}.t`
  const ref = sql`json_build_object('type', ${link} ->> 'type', 'id', ${link} ->> 'id'`
  const found = sql`, 'slug', ${target} ->> 'slug', 'path', ${target} ->> 'path'`
  const children = level < MENU_DEPTH ? itemsSql(sql`${i}.v -> 'children'`, level + 1, anonymous) : sql`'[]'::json`
  return sql`coalesce((select json_agg(json_build_object(
      'label', ${i}.v ->> 'label',
      'link', case when ${link} ->> 'type' = 'url' then json_build_object('type', 'url', 'url', ${link} ->> 'url', 'path', ${link} ->> 'url')
        when (${target} ->> 'visible')::boolean then ${ref}${found})
        when ${target} is not null then ${ref}${found}, 'broken', true)
        else ${ref}, 'broken', true) end,
      'children', ${children}) order by ${i}.n)
    from (select e.v, e.n, t.targets -> ((e.v -> 'link' ->> 'type') || ':' || (e.v -> 'link' ->> 'id')) as t
      from unnest(array(select x.v from jsonb_array_elements(${source}) with ordinality x(v, n) order by x.n)) with ordinality e(v, n)) ${i}
    ${anonymous ? sql`where ${link} ->> 'type' = 'url' or (${target} ->> 'visible')::boolean` : sql``}), '[]'::json)`
}

const answers = new Map<string, SQL>()

/** The resolved menu's answer column for an audience: its text written out once (see fixedSql). */
const menuAnswer = (anonymous: boolean) =>
  fixedSql(answers, anonymous ? 'public' : 'any', () =>
    answerSql(
      jsonObjectSql([
        ['id', sql`${menus.id}`],
        ['slug', sql`${menus.slug}`],
        ['name', sql`${menus.name}`],
        ['items', itemsSql(sql`${menus.items}`, 1, anonymous)],
        ['version', sql`${menus.version}`],
        ['createdAt', isoSql(sql`${menus.createdAt}`)],
        ['updatedAt', isoSql(sql`${menus.updatedAt}`)],
      ]),
    ),
  )

/** The statement of a resolved menu, by id or by slug, for an audience: written out once each. */
const menuStatements = new Map<string, FixedStatement>()
export function menuStatement(by: 'id' | 'slug', anonymous: boolean): FixedStatement {
  return fixedStatementOf(menuStatements, `${by}|${anonymous}`, () => {
    const key = by === 'id' ? sql`${menus.id} = ${sql.placeholder('key')}::uuid` : sql`${menus.slug} = ${sql.placeholder('key')}`
    // offset 0: the targets are found once, not again wherever a level looks them up.
    return sql`select ${menus.version} as version, ${menuAnswer(anonymous)} as answer
      from ${menus} cross join lateral (select ${targets} as targets offset 0) t where ${key}`
  })
}

/**
 * The menu's tree with each link resolved to its target's current slug and path, built by
 * PostgreSQL in one statement (prepared once per connection), whatever the size of the menu:
 * the targets are found once, then each level's items look theirs up.
 */
export async function resolveMenu(db: Db, idOrSlug: string, auth: Principal | null): Promise<{ json: string; version: number }> {
  const byId = isUuid(idOrSlug)
  const statement = menuStatement(byId ? 'id' : 'slug', auth === null)
  const [found] = (await runFixed(db, statement, { key: byId ? idOrSlug.toLowerCase() : idOrSlug })) as { version: number; answer: string }[]
  if (!found) throw new NotFound('Menu', idOrSlug)
  return { json: found.answer, version: found.version }
}
