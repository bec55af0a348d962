import { and, eq, inArray, isNull, isNotNull, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articlePeople, articles, categories, people } from '../../db/schema.js'
import { NotFound, unknownReference } from '../../errors.js'
import { newId } from '../../shared/ids.js'
import { claimingSlug, freeSlug } from '../../shared/slugs.js'
import { assertMediaExist } from '../media/media.service.js'
import type { Principal } from '../tokens/tokens.service.js'
import { type ArticleRow, articleByIdOrSlug, hydrate } from './articles.read.js'
import type { Article, ArticleInput, ArticlePatch } from './articles.schemas.js'
import { deriveReadingFields } from './blocks.js'

type PersonLinks = NonNullable<ArticleInput['people']>

/** Every category and person the write refers to must exist: a 422 names the first that does not. */
async function assertReferences(db: Db, input: ArticlePatch) {
  if (input.categoryId) {
    const [found] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, input.categoryId))
    if (!found) throw unknownReference('categoryId', 'category')
  }
  if (input.people?.length) {
    const ids = [...new Set(input.people.map((p) => p.personId))]
    const found = new Set((await db.select({ id: people.id }).from(people).where(inArray(people.id, ids))).map((r) => r.id))
    const missing = input.people.findIndex((p) => !found.has(p.personId))
    if (missing >= 0) throw unknownReference(`people.${missing}.personId`, 'person')
  }
  await assertMediaExist(db, [
    ...(input.coverId ? [{ path: 'coverId', id: input.coverId }] : []),
    ...(input.body ?? []).flatMap((b, i) => (b.type === 'image' ? [{ path: `body.${i}.mediaId`, id: b.mediaId }] : [])),
  ])
}

async function replacePeople(db: Db, articleId: string, links: PersonLinks) {
  await db.delete(articlePeople).where(eq(articlePeople.articleId, articleId))
  const seen = new Set<string>()
  const rows = links
    .filter((l) => !seen.has(`${l.personId}/${l.role}`) && seen.add(`${l.personId}/${l.role}`))
    .map((l, position) => ({ articleId, personId: l.personId, role: l.role, position }))
  if (rows.length) await db.insert(articlePeople).values(rows)
}

/** Publishing without a date publishes now; a date given is kept, in the future it schedules. */
function publicationDate(status: ArticleRow['status'], given: Date | null | undefined, current: Date | null): Date | null {
  if (given !== undefined && given !== null) return given
  if (status === 'published') return given === null ? new Date() : (current ?? new Date())
  return given === null ? null : current
}

async function readBack(db: Db, id: string): Promise<Article> {
  const [row] = await db.select().from(articles).where(eq(articles.id, id))
  const [article] = await hydrate(db, [row!], { include: [] })
  return article!
}

export async function createArticle(db: Db, input: ArticleInput, _auth: Principal): Promise<Article> {
  return claimingSlug('articles_slug_key', input.slug, () =>
    db.transaction(async (tx) => {
      await assertReferences(tx, input)
      const id = newId()
      const now = new Date()
      const status = input.status ?? 'draft'
      const body = input.body ?? []
      await tx.insert(articles).values({
        id,
        slug: input.slug ?? (await freeSlug(tx, articles, input.title, 'article')),
        title: input.title,
        summary: input.summary ?? null,
        body,
        status,
        publishedAt: publicationDate(status, input.publishedAt, null),
        categoryId: input.categoryId ?? null,
        coverId: input.coverId ?? null,
        tags: [...new Set(input.tags ?? [])],
        ...deriveReadingFields(input.summary, body),
        createdAt: now,
        updatedAt: now,
      })
      if (input.people?.length) await replacePeople(tx, id, input.people)
      return readBack(tx, id)
    }),
  )
}

/** The article as it stands, locked until the transaction ends; in the trash it is not found. */
async function lockArticle(db: Db, idOrSlug: string): Promise<ArticleRow> {
  const [row] = await db
    .select()
    .from(articles)
    .where(and(articleByIdOrSlug(idOrSlug), isNull(articles.deletedAt)))
    .for('update')
  if (!row) throw new NotFound('Article', idOrSlug)
  return row
}

export async function updateArticle(db: Db, idOrSlug: string, patch: ArticlePatch, _auth: Principal): Promise<Article> {
  return claimingSlug('articles_slug_key', patch.slug, () =>
    db.transaction(async (tx) => {
      const current = await lockArticle(tx, idOrSlug)
      await assertReferences(tx, patch)
      const status = patch.status ?? current.status
      const summary = patch.summary !== undefined ? patch.summary : current.summary
      const body = patch.body ?? current.body
      await tx
        .update(articles)
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.slug !== undefined && { slug: patch.slug }),
          ...(patch.categoryId !== undefined && { categoryId: patch.categoryId }),
          ...(patch.coverId !== undefined && { coverId: patch.coverId }),
          ...(patch.tags !== undefined && { tags: [...new Set(patch.tags)] }),
          summary,
          body,
          status,
          publishedAt: publicationDate(status, patch.publishedAt, current.publishedAt),
          ...deriveReadingFields(summary, body),
          version: sql`${articles.version} + 1`,
          updatedAt: new Date(),
        })
        .where(eq(articles.id, current.id))
      if (patch.people !== undefined) await replacePeople(tx, current.id, patch.people)
      return readBack(tx, current.id)
    }),
  )
}

/** Moves an article to the trash: gone from reads, its slug still reserved. */
export async function trashArticle(db: Db, idOrSlug: string, _auth: Principal): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockArticle(tx, idOrSlug)
    await tx
      .update(articles)
      .set({ deletedAt: new Date(), updatedAt: new Date(), version: sql`${articles.version} + 1` })
      .where(eq(articles.id, current.id))
  })
}

export async function restoreArticle(db: Db, idOrSlug: string, _auth: Principal): Promise<Article> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(articles)
      .set({ deletedAt: null, updatedAt: new Date(), version: sql`${articles.version} + 1` })
      .where(and(articleByIdOrSlug(idOrSlug), isNotNull(articles.deletedAt)))
      .returning({ id: articles.id })
    if (!row) throw new NotFound('Trashed article', idOrSlug)
    return readBack(tx, row.id)
  })
}
