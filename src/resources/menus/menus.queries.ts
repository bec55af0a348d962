import { asc, count, eq, getTableColumns, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { preparedStatements } from '../../db/prepared.js'
import { articles, categories, type MenuItemRow, menuLinks, menus, pages } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { isUuid } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import { isPublished, visibility } from '../articles/articles.visibility.js'
import { pagePath } from '../pages/pages.queries.js'
import type { Menu, MenuItem, MenuListQuery } from './menus.schemas.js'

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

type TargetType = 'page' | 'category' | 'article'

interface Target {
  type: TargetType
  id: string
  slug: string
  path: string
  visible: boolean
}

/**
 * Every target the menu links to, with its current slug and path and whether the public sees it,
 * found through the menu's links (written with its items, in the same transaction) in the same
 * statement as the menu: a target that is gone has no row.
 */
const targets = sql<Target[]>`coalesce((
    select json_agg(json_build_object('type', l.type, 'id', l.target_id, 'slug', t.slug, 'path', t.path, 'visible', t.visible))
      from (select distinct ${menuLinks.type} as type, ${menuLinks.targetId} as target_id from ${menuLinks} where ${menuLinks.menuId} = ${menus.id}) l
      cross join lateral (
        select ${pages.slug} as slug, ${pagePath} as path, ${pages.deletedAt} is null and ${isPublished(pages.status)} as visible
          from ${pages} where l.type = 'page' and ${pages.id} = l.target_id
        union all
        select ${categories.slug}, '/categories/' || ${categories.slug}, true from ${categories} where l.type = 'category' and ${categories.id} = l.target_id
        union all
        select ${articles.slug}, '/articles/' || ${articles.slug}, coalesce(${visibility(true)}, false)
          from ${articles} where l.type = 'article' and ${articles.id} = l.target_id
      ) t), '[]'::json)`

/** A menu with its targets, by id or by slug: one statement, prepared once. */
const menuStatements = preparedStatements((db) => {
  const read = (column: typeof menus.id | typeof menus.slug, name: string) =>
    db
      .select({ ...getTableColumns(menus), targets: targets.as('targets') })
      .from(menus)
      .where(eq(column, sql.placeholder('key')))
      .prepare(name)
  return { byId: read(menus.id, 'menu_by_id'), bySlug: read(menus.slug, 'menu_by_slug') }
})

/**
 * The menu's tree with each link resolved to its target's current slug and path: one statement,
 * whatever the size of the menu. A link to a target that is gone, unpublished or in the trash
 * leaves its item (and the items below it) out for anonymous callers; a token gets it flagged
 * `broken`.
 */
export async function resolveMenu(db: Db, idOrSlug: string, auth: Principal | null): Promise<Menu> {
  const statements = menuStatements(db)
  const [found] = isUuid(idOrSlug) ? await statements.byId.execute({ key: idOrSlug.toLowerCase() }) : await statements.bySlug.execute({ key: idOrSlug })
  if (!found) throw new NotFound('Menu', idOrSlug)
  const { targets: resolved, ...row } = found
  const loaded = new Map<string, Target>(resolved.map((target) => [`${target.type}:${target.id}`, target]))
  type Resolved = { label: string; link: MenuItem['link']; children: Resolved[] }
  const resolve = (items: MenuItemRow[]): Resolved[] =>
    items.flatMap((item): Resolved[] => {
      const { link } = item
      if (link.type === 'url') return [{ label: item.label, link: { ...linkOf(link), path: link.url }, children: resolve(item.children) }]
      const target = loaded.get(`${link.type}:${link.id}`)
      if (!target?.visible && !auth) return []
      const resolved = target ? { ...linkOf(link), slug: target.slug, path: target.path } : linkOf(link)
      return [{ label: item.label, link: target?.visible ? resolved : { ...resolved, broken: true }, children: resolve(item.children) }]
    })
  return toMenu(row, resolve(row.items) as MenuItem[])
}
