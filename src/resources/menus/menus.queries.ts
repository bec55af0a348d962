import { asc, count, eq, inArray, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articles, categories, type MenuItemRow, menus, pages } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { isUuid } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import { isPublic } from '../articles/articles.visibility.js'
import { isPublicPage, pagePath } from '../pages/pages.queries.js'
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

export async function getMenu(db: Db, idOrSlug: string): Promise<MenuRow> {
  const [row] = await db.select().from(menus).where(menuByIdOrSlug(idOrSlug))
  if (!row) throw new NotFound('Menu', idOrSlug)
  return row
}

export async function listMenus(db: Db, query: MenuListQuery) {
  const [rows, [total]] = await Promise.all([
    db.select().from(menus).orderBy(asc(menus.name), asc(menus.id)).limit(query.limit).offset(query.offset),
    db.select({ n: count() }).from(menus),
  ])
  return { rows, total: total?.n ?? 0 }
}

type TargetType = 'page' | 'category' | 'article'

/** Every link of a tree to content, by type: the ids to look up. */
function targetIds(items: MenuItemRow[], found = new Map<TargetType, Set<string>>()) {
  for (const item of items) {
    if (item.link.type !== 'url') found.set(item.link.type, (found.get(item.link.type) ?? new Set()).add(item.link.id))
    targetIds(item.children, found)
  }
  return found
}

interface Target {
  slug: string
  path: string
  visible: boolean
}

/** The targets of one type, by id: one query whatever their number. */
async function loadTargets(db: Db, type: TargetType, ids: string[]): Promise<Map<string, Target>> {
  const now = new Date()
  switch (type) {
    case 'page': {
      const rows = await db
        .select({ id: pages.id, slug: pages.slug, status: pages.status, deletedAt: pages.deletedAt, path: pagePath })
        .from(pages)
        .where(inArray(pages.id, ids))
      return new Map(rows.map((r) => [r.id, { slug: r.slug, path: r.path, visible: isPublicPage(r) }]))
    }
    case 'category': {
      const rows = await db.select({ id: categories.id, slug: categories.slug }).from(categories).where(inArray(categories.id, ids))
      return new Map(rows.map((r) => [r.id, { slug: r.slug, path: `/categories/${r.slug}`, visible: true }]))
    }
    case 'article': {
      const rows = await db
        .select({ id: articles.id, slug: articles.slug, status: articles.status, publishedAt: articles.publishedAt, deletedAt: articles.deletedAt })
        .from(articles)
        .where(inArray(articles.id, ids))
      return new Map(rows.map((r) => [r.id, { slug: r.slug, path: `/articles/${r.slug}`, visible: isPublic(r, now) }]))
    }
  }
}

/**
 * The menu's tree with each link resolved to its target's current slug and path, in one query
 * per type of target at most, whatever the size of the menu. A link to a target that is gone,
 * unpublished or in the trash leaves its item (and the items below it) out for anonymous
 * callers; a token gets it flagged `broken`.
 */
export async function resolveMenu(db: Db, row: MenuRow, auth: Principal | null): Promise<Menu> {
  const wanted = targetIds(row.items)
  const loaded = new Map(await Promise.all([...wanted].map(async ([type, ids]) => [type, await loadTargets(db, type, [...ids])] as const)))
  type Resolved = { label: string; link: MenuItem['link']; children: Resolved[] }
  const resolve = (items: MenuItemRow[]): Resolved[] =>
    items.flatMap((item): Resolved[] => {
      const { link } = item
      if (link.type === 'url') return [{ label: item.label, link: { ...linkOf(link), path: link.url }, children: resolve(item.children) }]
      const target = loaded.get(link.type)?.get(link.id)
      if (!target?.visible && !auth) return []
      const resolved = target ? { ...linkOf(link), slug: target.slug, path: target.path } : linkOf(link)
      return [{ label: item.label, link: target?.visible ? resolved : { ...resolved, broken: true }, children: resolve(item.children) }]
    })
  return toMenu(row, resolve(row.items) as MenuItem[])
}
