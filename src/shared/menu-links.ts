import { and, asc, eq } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { type MenuLinkType, menuLinks, menus } from '../db/schema.js'
import { InUse } from '../errors.js'

/**
 * Refuses to delete a page or category that a menu still links to, naming the menus and their
 * items. Called with the target locked for update: a menu write that links to it locks it for
 * share first, so one of the two waits for the other and then sees what it did.
 */
export async function assertNotInMenus(db: Db, type: Exclude<MenuLinkType, 'url'>, id: string, what: string): Promise<void> {
  const uses = await db
    .select({ menu: menus.slug, path: menuLinks.path })
    .from(menuLinks)
    .innerJoin(menus, eq(menus.id, menuLinks.menuId))
    .where(and(eq(menuLinks.type, type), eq(menuLinks.targetId, id)))
    .orderBy(asc(menus.slug), asc(menuLinks.path))
    .limit(10)
  if (uses.length === 0) return
  const where = uses.map((u) => `menu ${u.menu} (${u.path})`).join(', ')
  throw new InUse(`${what} is used by ${where}: change those menu items first`)
}
