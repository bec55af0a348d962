/** The portal's static pages with their revisions, and its menus with the links each menu makes to content. */
import { sql } from 'drizzle-orm'
import { type AnyPgColumn, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { Block } from '../../shared/blocks.js'
import { media, revisionTable } from './content.js'
import { createdAt, seoColumns, timestamptz, updatedAt } from './columns.js'

export const pageStatuses = ['draft', 'published'] as const
export type PageStatus = (typeof pageStatuses)[number]

export const pages = pgTable(
  'pages',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    body: jsonb('body').$type<Block[]>().notNull().default([]),
    /** Derived from the body at write time, so reads never walk it. */
    excerpt: text('excerpt').notNull().default(''),
    parentId: uuid('parent_id').references((): AnyPgColumn => pages.id, { onDelete: 'restrict' }),
    position: integer('position').notNull().default(0),
    status: text('status').$type<PageStatus>().notNull().default('draft'),
    ...seoColumns(),
    seoImageId: uuid('seo_image_id').references(() => media.id, { onDelete: 'restrict' }),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set when the page is in the trash. */
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [
    uniqueIndex('pages_slug_key').on(t.slug),
    index('pages_slug_prefix_idx').on(t.slug.op('text_pattern_ops')),
    check('pages_status_check', sql`${t.status} in ('draft', 'published')`),
    // Lists sort by position (then id), title or -updatedAt; filter by parent and status.
    index('pages_parent_position_idx').on(t.parentId, t.position, t.id).where(sql`${t.deletedAt} is null`),
    index('pages_position_idx').on(t.position, t.id).where(sql`${t.deletedAt} is null`),
    index('pages_status_position_idx').on(t.status, t.position, t.id).where(sql`${t.deletedAt} is null`),
    index('pages_title_idx').on(t.title, t.id).where(sql`${t.deletedAt} is null`),
    index('pages_updated_idx').on(t.updatedAt.desc(), t.id.desc()).where(sql`${t.deletedAt} is null`),
    index('pages_seo_image_idx').on(t.seoImageId),
    index('pages_trash_idx').on(t.position, t.id).where(sql`${t.deletedAt} is not null`),
  ],
)

/**
 * What a page revision keeps: the page's fields by the keys of the page input (so a field the
 * input gains is kept with no change here), and whether the write left the page in the trash.
 */
export type PageSnapshotRow = { deleted: boolean } & Record<string, unknown>

export const pageRevisions = revisionTable<PageSnapshotRow>('page_revisions', {
  column: 'page_id',
  references: () => pages.id,
  numberKey: 'page_revisions_page_number_key',
})

export const menuLinkTypes = ['page', 'category', 'article', 'url'] as const
export type MenuLinkType = (typeof menuLinkTypes)[number]

/** One item of a menu as it is stored: a label, a link and at most two more levels below it. */
export interface MenuItemRow {
  label: string
  link: { type: Exclude<MenuLinkType, 'url'>; id: string } | { type: 'url'; url: string }
  children: MenuItemRow[]
}

export const menus = pgTable(
  'menus',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    items: jsonb('items').$type<MenuItemRow[]>().notNull().default([]),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('menus_slug_key').on(t.slug),
    index('menus_slug_prefix_idx').on(t.slug.op('text_pattern_ops')),
    index('menus_name_idx').on(t.name, t.id),
  ],
)

/**
 * Every link of a menu to a page, category or article, by the item's path (`items.0.children.1`):
 * what a delete of a page or category asks to find the menus that still use it.
 */
export const menuLinks = pgTable(
  'menu_links',
  {
    menuId: uuid('menu_id')
      .notNull()
      .references(() => menus.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    type: text('type').$type<Exclude<MenuLinkType, 'url'>>().notNull(),
    targetId: uuid('target_id').notNull(),
  },
  (t) => [
    primaryKey({ name: 'menu_links_pkey', columns: [t.menuId, t.path] }),
    check('menu_links_type_check', sql`${t.type} in ('page', 'category', 'article')`),
    index('menu_links_target_idx').on(t.type, t.targetId),
  ],
)
