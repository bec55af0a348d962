import { z } from 'zod'
import { menuLinkTypes } from '../../db/schema.js'
import { menuExample, menuInputExample, resolvedMenuExample } from '../../shared/examples.js'
import { Limit, QueryInt, Slug, Timestamp } from '../../shared/schemas.js'

export const MENU_DEPTH = 3
const MENU_ITEMS_MAX = 500

const target = (type: 'page' | 'category' | 'article') =>
  z.strictObject({ type: z.literal(type), id: z.uuid().describe(`The ${type}'s id`) })

/** What an item links to: content of the site by id, or an address elsewhere (http or https only). */
export const MenuLinkInput = z.discriminatedUnion('type', [
  target('page'),
  target('category'),
  target('article'),
  z.strictObject({
    type: z.literal('url'),
    url: z.url({ protocol: /^https?$/, error: 'An absolute http or https address' }).max(2000),
  }),
])

const Label = z.string().trim().min(1).max(200)

const deepest = z
  .array(z.unknown())
  .max(0, `Menus nest at most ${MENU_DEPTH} levels: an item of the third level has no children`)
  .default([])

const ItemInput3 = z.strictObject({ label: Label, link: MenuLinkInput, children: deepest })
const ItemInput2 = z.strictObject({ label: Label, link: MenuLinkInput, children: z.array(ItemInput3).max(100).default([]) })
const ItemInput1 = z.strictObject({ label: Label, link: MenuLinkInput, children: z.array(ItemInput2).max(100).default([]) })

const countItems = (items: { children: unknown[] }[]): number =>
  items.reduce((n, item) => n + 1 + countItems(item.children as { children: unknown[] }[]), 0)

export const MenuItemsInput = z
  .array(ItemInput1)
  .max(100)
  .refine((items) => countItems(items) <= MENU_ITEMS_MAX, `A menu holds at most ${MENU_ITEMS_MAX} items in all`)
  .describe(`Ordered items, at most ${MENU_DEPTH} levels deep`)

export const MenuInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    slug: Slug.optional(),
    items: MenuItemsInput.optional(),
  })
  .meta({ example: menuInputExample })
export type MenuInput = z.infer<typeof MenuInput>

export const MenuPatch = MenuInput.partial()
export type MenuPatch = z.infer<typeof MenuPatch>

export const MenuLink = z
  .object({
    type: z.enum(menuLinkTypes),
    id: z.uuid().optional().describe('For page, category and article links'),
    url: z.string().optional().describe('For url links'),
    slug: z.string().optional().describe("When resolved: the target's current slug"),
    path: z.string().optional().describe('When resolved: /pages/<slug>/<slug>… (a page under its parents), /categories/<slug>, /articles/<slug>, or the url itself'),
    broken: z.boolean().optional().describe('When resolved for a token: true when the target is gone, unpublished or in the trash (anonymous callers do not get the item at all)'),
  })
  .meta({ id: 'MenuLink' })

const item = <T extends z.ZodType>(children: T) => z.object({ label: z.string(), link: MenuLink, children })
const Item3 = item(z.array(z.never()))
const Item2 = item(z.array(Item3))
export const MenuItem = item(z.array(Item2)).meta({ id: 'MenuItem' })
export type MenuItem = z.infer<typeof MenuItem>

const menuFields = {
  id: z.uuid(),
  slug: Slug,
  name: z.string(),
  items: z.array(MenuItem),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}

export const Menu = z.object(menuFields).meta({ id: 'Menu', example: menuExample })
export type Menu = z.infer<typeof Menu>

export const ResolvedMenu = z
  .object(menuFields)
  .meta({ id: 'ResolvedMenu', description: 'A menu with every link resolved to its target', example: resolvedMenuExample })

export const MenuListQuery = z.strictObject({
  limit: Limit.describe('1–100, default 20; menus sort by name'),
  offset: QueryInt(0, 1_000_000).default(0),
})
export type MenuListQuery = z.infer<typeof MenuListQuery>
