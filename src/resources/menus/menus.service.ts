import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articles, categories, type MenuItemRow, menuLinks, menus, pages } from '../../db/schema.js'
import { NotFound, unknownReference } from '../../errors.js'
import { newId } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import { claimFreeSlug, claimingSlug } from '../../shared/slugs.js'
import { checkVersion, type ExpectedVersion } from '../../shared/versions.js'
import { changedFields, rowChange, write } from '../../shared/write.js'
import { menuByIdOrSlug, type MenuRow } from './menus.queries.js'
import type { MenuInput, MenuPatch } from './menus.schemas.js'

type Link = { menuId: string; path: string; type: 'page' | 'category' | 'article'; targetId: string }

/** The links of a tree to content, each with the path of its item (`items.0.children.1`). */
function linksOf(menuId: string, items: MenuItemRow[], prefix = 'items'): Link[] {
  return items.flatMap((item, i) => {
    const path = `${prefix}.${i}`
    const own = item.link.type === 'url' ? [] : [{ menuId, path, type: item.link.type, targetId: item.link.id }]
    return [...own, ...linksOf(menuId, item.children, `${path}.children`)]
  })
}

/**
 * Every link must name a page (out of the trash), category or article that exists: a 422 names the
 * first item that does not. The targets are locked for share, so a delete of one waits for this
 * write and then finds the menu using it. One query per type of target.
 */
async function assertTargets(tx: Db, links: Link[]): Promise<void> {
  const ids = (type: Link['type']) => [...new Set(links.filter((l) => l.type === type).map((l) => l.targetId))]
  const found = new Set<string>()
  const [pageIds, categoryIds, articleIds] = [ids('page'), ids('category'), ids('article')]
  if (pageIds.length) {
    const rows = await tx.select({ id: pages.id }).from(pages).where(and(inArray(pages.id, pageIds), isNull(pages.deletedAt))).for('share')
    for (const r of rows) found.add(`page:${r.id}`)
  }
  if (categoryIds.length) {
    for (const r of await tx.select({ id: categories.id }).from(categories).where(inArray(categories.id, categoryIds)).for('share')) found.add(`category:${r.id}`)
  }
  if (articleIds.length) {
    const rows = await tx.select({ id: articles.id }).from(articles).where(and(inArray(articles.id, articleIds), isNull(articles.deletedAt))).for('share')
    for (const r of rows) found.add(`article:${r.id}`)
  }
  const missing = links.find((l) => !found.has(`${l.type}:${l.targetId}`))
  if (missing) throw unknownReference(`${missing.path}.link.id`, missing.type)
}

async function writeLinks(tx: Db, menuId: string, items: MenuItemRow[], replace: boolean) {
  const links = linksOf(menuId, items)
  await assertTargets(tx, links)
  if (replace) await tx.delete(menuLinks).where(eq(menuLinks.menuId, menuId))
  if (links.length) await tx.insert(menuLinks).values(links)
}

export async function createMenu(db: Db, input: MenuInput, auth: Principal): Promise<MenuRow> {
  return claimingSlug('menus_slug_key', input.slug, () =>
    write(db, async (tx) => {
      const now = new Date()
      const items = (input.items ?? []) as MenuItemRow[]
      const [row] = await tx
        .insert(menus)
        .values({
          id: newId(),
          slug: input.slug ?? (await claimFreeSlug(tx, menus, input.name, 'menu')),
          name: input.name,
          items,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      await writeLinks(tx, row!.id, items, false)
      return { result: row!, change: rowChange('menu', 'menu.created', row!, auth) }
    }),
  )
}

async function lockMenu(db: Db, idOrSlug: string, required: ExpectedVersion): Promise<MenuRow> {
  const [row] = await db.select().from(menus).where(menuByIdOrSlug(idOrSlug)).for('update')
  if (!row) throw new NotFound('Menu', idOrSlug)
  checkVersion(required, row.version)
  return row
}

/** Items are replaced whole. A patch that changes nothing writes nothing. */
export async function updateMenu(db: Db, idOrSlug: string, patch: MenuPatch, auth: Principal, required?: ExpectedVersion): Promise<MenuRow> {
  return claimingSlug('menus_slug_key', patch.slug, () =>
    write(db, async (tx) => {
      const current = await lockMenu(tx, idOrSlug, required)
      const changes = changedFields(current, patch)
      if (!changes) return { result: current, change: null }
      if (changes.items) await writeLinks(tx, current.id, changes.items as MenuItemRow[], true)
      const [row] = await tx
        .update(menus)
        .set({ ...changes, items: (changes.items ?? current.items) as MenuItemRow[], version: current.version + 1, updatedAt: new Date() })
        .where(eq(menus.id, current.id))
        .returning()
      return { result: row!, change: rowChange('menu', 'menu.updated', row!, auth) }
    }),
  )
}

export async function deleteMenu(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => {
    const current = await lockMenu(tx, idOrSlug, required)
    await tx.delete(menus).where(eq(menus.id, current.id))
    return { result: undefined, change: rowChange('menu', 'menu.deleted', current, auth, 'delete') }
  })
}
