import { asc, count, eq, getTableColumns, type SQL, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { field, type Shape, shapeObject } from '../../db/json-shape.js'
import { articles, categories } from '../../db/schema.js'
import { InUse, InvalidReference, NotFound, unknownReference } from '../../errors.js'
import { isUuid, newId } from '../../shared/ids.js'
import { assertNotInMenus } from '../../shared/menu-links.js'
import type { Principal } from '../../shared/principal.js'
import { claimFreeSlug, claimingSlug } from '../../shared/slugs.js'
import { checkVersion, type ExpectedVersion } from '../../shared/versions.js'
import { seoColumnsOf, seoOf, seoSql, type Share, type ShareSettings, shareSql } from '../../shared/seo.js'
import { assertSeoImage } from '../media/media.service.js'
import { changedFields, rowChange, write } from '../../shared/write.js'
import type { Category, CategoryInput, CategoryListQuery, CategoryPatch } from './categories.schemas.js'

export type CategoryRow = typeof categories.$inferSelect

/** A category as the API answers it: built in JavaScript (`toCategory`) or by PostgreSQL where an article embeds it. */
export const categoryShape: Shape<CategoryRow> = {
  id: field.column(categories.id, 'id'),
  slug: field.column(categories.slug, 'slug'),
  name: field.column(categories.name, 'name'),
  description: field.column(categories.description, 'description'),
  parentId: field.column(categories.parentId, 'parentId'),
  position: field.column(categories.position, 'position'),
  seo: field.derived(seoSql, seoOf),
  createdAt: field.timestamp(categories.createdAt, 'createdAt'),
  updatedAt: field.timestamp(categories.updatedAt, 'updatedAt'),
}

export const toCategory = (row: CategoryRow): Category => shapeObject(categoryShape, row)

export const byIdOrSlug = (idOrSlug: string): SQL =>
  isUuid(idOrSlug) ? eq(categories.id, idOrSlug.toLowerCase()) : eq(categories.slug, idOrSlug)

export async function findCategory(db: Db, idOrSlug: string): Promise<CategoryRow | undefined> {
  const [row] = await db.select().from(categories).where(byIdOrSlug(idOrSlug))
  return row
}

/** A category's row with its `url` (null without a site) and `share`, as reads answer it. */
type SharedRow = CategoryRow & { url: string | null; share: Share }
const sharedColumns = (share: ShareSettings) => ({
  ...getTableColumns(categories),
  url: sql<string | null>`${share.siteUrl('category', 'categories')}`,
  share: sql<Share>`${shareSql({ alias: 'categories', title: sql`categories.name`, description: sql`categories.description`, url: share.siteUrl('category', 'categories') }, share.mediaBase)}`,
})

/** A category as a read answers it: with `url` (with a site) and `share`. */
export const toSharedCategory = (row: SharedRow): Category => ({ ...toCategory(row), ...(row.url !== null && { url: row.url }), share: row.share })

export async function getCategory(db: Db, idOrSlug: string, share: ShareSettings): Promise<SharedRow> {
  const [row] = await db.select(sharedColumns(share)).from(categories).where(byIdOrSlug(idOrSlug))
  if (!row) throw new NotFound('Category', idOrSlug)
  return row
}

export async function listCategories(db: Db, query: CategoryListQuery, share: ShareSettings) {
  let where: SQL | undefined
  if (query.parent !== undefined) {
    const parent = await findCategory(db, query.parent)
    if (!parent) throw new NotFound('Category', query.parent)
    where = eq(categories.parentId, parent.id)
  }
  const [rows, [total]] = await Promise.all([
    db
      .select(sharedColumns(share))
      .from(categories)
      .where(where)
      .orderBy(asc(categories.position), asc(categories.name), asc(categories.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ n: count() }).from(categories).where(where),
  ])
  return { rows, total: total?.n ?? 0 }
}

/** The ids of a category and all of its descendants. */
export function subtreeIds(rootId: string): SQL {
  return sql`(with recursive sub(id) as (
    select ${rootId}::uuid
    union all
    select c.id from ${categories} c join sub on c.parent_id = sub.id
  ) select id from sub)`
}

async function assertParent(db: Db, parentId: string, selfId?: string) {
  const [parent] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, parentId))
  if (!parent) throw unknownReference('parentId', 'category')
  if (selfId === undefined) return
  const [cycle] = await rawRows<{ hit: boolean }>(
    db,
    sql`select exists(select 1 from ${subtreeIds(selfId)} s where s.id = ${parentId}::uuid) as hit`,
  )
  if (cycle?.hit) throw new InvalidReference('parentId: a category cannot be placed under itself or its own descendant')
}

export async function createCategory(db: Db, input: CategoryInput, auth: Principal): Promise<CategoryRow> {
  return claimingSlug('categories_slug_key', input.slug, () =>
    write(db, async (tx) => {
      if (input.parentId) await assertParent(tx, input.parentId)
      await assertSeoImage(tx, input.seo)
      const now = new Date()
      const [row] = await tx
        .insert(categories)
        .values({
          id: newId(),
          slug: input.slug ?? (await claimFreeSlug(tx, categories, input.name, 'category')),
          name: input.name,
          description: input.description ?? null,
          parentId: input.parentId ?? null,
          position: input.position ?? 0,
          ...seoColumnsOf(input.seo),
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      return { result: row!, change: rowChange('category', 'category.created', row!, auth) }
    }),
  )
}

/** The category, locked until the transaction ends, at the version If-Match requires. */
async function lockCategory(db: Db, idOrSlug: string, required: ExpectedVersion): Promise<CategoryRow> {
  const [row] = await db.select().from(categories).where(byIdOrSlug(idOrSlug)).for('update')
  if (!row) throw new NotFound('Category', idOrSlug)
  checkVersion(required, row.version)
  return row
}

/** A patch that changes nothing writes nothing: no new version, the same ETag. */
export async function updateCategory(db: Db, idOrSlug: string, patch: CategoryPatch, auth: Principal, required?: ExpectedVersion): Promise<CategoryRow> {
  return claimingSlug('categories_slug_key', patch.slug, () =>
    write(db, async (tx) => {
      const current = await lockCategory(tx, idOrSlug, required)
      const { seo, ...rest } = patch
      const changes = changedFields(current, { ...rest, ...(seo !== undefined && seoColumnsOf(seo)) })
      if (!changes) return { result: current, change: null }
      if (changes.seoImageId) await assertSeoImage(tx, seo)
      if (changes.parentId) await assertParent(tx, changes.parentId, current.id)
      const [row] = await tx
        .update(categories)
        .set({ ...changes, version: current.version + 1, updatedAt: new Date() })
        .where(eq(categories.id, current.id))
        .returning()
      return { result: row!, change: rowChange('category', 'category.updated', row!, auth) }
    }),
  )
}

/** A category that still has sub-categories or articles (trashed ones included), or that a menu links to, cannot go. */
export async function deleteCategory(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => {
    const current = await lockCategory(tx, idOrSlug, required)
    const [[children], [used]] = await Promise.all([
      tx.select({ n: count() }).from(categories).where(eq(categories.parentId, current.id)),
      tx.select({ n: count() }).from(articles).where(eq(articles.categoryId, current.id)),
    ])
    const reasons = [
      children?.n ? `${children.n} sub-categories` : '',
      used?.n ? `${used.n} articles (including any in the trash)` : '',
    ].filter(Boolean)
    if (reasons.length) throw new InUse(`Category ${current.slug} still has ${reasons.join(' and ')}`)
    await assertNotInMenus(tx, 'category', current.id, `Category ${current.slug}`)
    await tx.delete(categories).where(eq(categories.id, current.id))
    return { result: undefined, change: rowChange('category', 'category.deleted', current, auth, 'delete') }
  })
}
