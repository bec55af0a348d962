import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { type ArticleSnapshot, articlePeople, articles, type RevisionOp } from '../../db/schema.js'
import { InUse, NotFound, SlugTaken } from '../../errors.js'
import { checkVersion } from '../../plugins/http-cache.js'
import { newId } from '../../shared/ids.js'
import { claimingSlug, freeSlug } from '../../shared/slugs.js'
import { slugify } from '../../shared/text.js'
import { getRevision, recordRevision, revisionOf } from '../revisions/revisions.service.js'
import { assertMediaExist } from '../media/media.service.js'
import type { Principal } from '../tokens/tokens.service.js'
import { type ArticleRow, articleByIdOrSlug, hydrate, toArticle } from './articles.read.js'
import type { Article, ArticleInput, ArticlePatch } from './articles.schemas.js'
import { deriveReadingFields } from './blocks.js'

type PersonLinks = NonNullable<ArticleInput['people']>
/** The version an If-Match header requires, or `*`, or nothing. */
type Required = number | '*' | undefined

/**
 * Media in image blocks must exist: a 422 names the first that does not. The category, the people
 * and the cover are foreign keys, checked by the database as the rows are written.
 */
async function assertReferences(db: Db, input: ArticlePatch) {
  await assertMediaExist(db, [
    ...(input.body ?? []).flatMap((b, i) => (b.type === 'image' ? [{ path: `body.${i}.mediaId`, id: b.mediaId }] : [])),
  ])
}

/** Each person once per role, in the order given. */
function uniqueLinks(links: PersonLinks): PersonLinks {
  const seen = new Set<string>()
  return links
    .filter((l) => !seen.has(`${l.personId}/${l.role}`) && seen.add(`${l.personId}/${l.role}`))
    .map((l) => ({ personId: l.personId, role: l.role }))
}

async function replacePeople(db: Db, articleId: string, links: PersonLinks) {
  await db.delete(articlePeople).where(eq(articlePeople.articleId, articleId))
  const rows = uniqueLinks(links).map((l, position) => ({ articleId, ...l, position }))
  if (rows.length) await db.insert(articlePeople).values(rows)
}

/** Publishing without a date publishes now; a date given is kept, in the future it schedules. */
function publicationDate(status: ArticleRow['status'], given: Date | null | undefined, current: Date | null): Date | null {
  if (given !== undefined && given !== null) return given
  if (status === 'published') return given === null ? new Date() : (current ?? new Date())
  return given === null ? null : current
}

function opFor(before: ArticleRow['status'], after: ArticleRow['status']): RevisionOp {
  if (before === after) return 'update'
  if (after === 'published') return 'publish'
  return after === 'archived' ? 'archive' : 'unpublish'
}

async function readBack(db: Db, id: string): Promise<Article> {
  const [row] = await db.select().from(articles).where(eq(articles.id, id))
  const [article] = await hydrate(db, [row!], { include: [] })
  return article!
}

/** Reads the article back as the write left it and keeps that as its revision. */
async function finishWrite(db: Db, id: string, op: RevisionOp, auth: Principal, deleted = false): Promise<Article> {
  const article = await readBack(db, id)
  await recordRevision(db, article, op, auth, deleted)
  return article
}

export async function createArticle(db: Db, input: ArticleInput, auth: Principal): Promise<Article> {
  const now = new Date()
  const status = input.status ?? 'draft'
  const body = input.body ?? []
  const values = {
    id: newId(),
    slug: input.slug ?? (slugify(input.title) || 'article'),
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
  }
  const links = uniqueLinks(input.people ?? [])
  // The answer is what is written: no read-back queries on the write path.
  const article = toArticle({ ...values, version: 1, deletedAt: null }, links)
  // Image blocks need their media checked (and locked) first; anything else goes in one statement.
  if (!body.some((b) => b.type === 'image')) {
    if (await insertInOneStatement(db, values, links, article, auth)) return article
    if (input.slug !== undefined) throw new SlugTaken(input.slug)
  }
  return claimingSlug('articles_slug_key', input.slug, () =>
    db.transaction(async (tx) => {
      await assertReferences(tx, input)
      // The plain slug is taken (or media had to be checked first): find a free one.
      const [row] = await tx
        .insert(articles)
        .values({ ...values, slug: input.slug ?? (await freeSlug(tx, articles, input.title, 'article')) })
        .returning()
      if (links.length) await tx.insert(articlePeople).values(links.map((l, position) => ({ articleId: values.id, ...l, position })))
      const created = toArticle(row!, links)
      await recordRevision(tx, created, 'create', auth)
      return created
    }),
  )
}

/**
 * Writes a new article, its people and its first revision in one statement, atomic without a
 * transaction: two round trips fewer per create. The category, people and cover are foreign keys;
 * a missing one fails the whole statement (a 422). False when the slug was taken: nothing written.
 */
async function insertInOneStatement(
  db: Db,
  values: typeof articles.$inferInsert & { id: string },
  links: PersonLinks,
  article: Article,
  auth: Principal,
): Promise<boolean> {
  const revision = revisionOf(article, 'create', auth)
  const people = JSON.stringify(links.map((l, position) => ({ person_id: l.personId, role: l.role, position })))
  const rows = await rawRows<{ id: string }>(
    db,
    sql`with a as (${db.insert(articles).values(values).onConflictDoNothing({ target: articles.slug }).returning({ id: articles.id }).getSQL()}),
      l as (
        insert into article_people (article_id, person_id, role, position)
        select a.id, x.person_id, x.role, x.position
        from a, jsonb_to_recordset(${people}::jsonb) as x(person_id uuid, role text, position int)
      ),
      r as (
        insert into article_revisions (id, article_id, number, op, snapshot, actor, token_id, created_at)
        select ${revision.id}::uuid, a.id, 1, 'create', ${JSON.stringify(revision.snapshot)}::jsonb, ${revision.actor},
               ${revision.tokenId}::uuid, ${revision.createdAt.toISOString()}::timestamptz
        from a
      )
      select id from a`,
  )
  return rows.length === 1
}

/**
 * The article as it stands, locked until the transaction ends, after checking If-Match: of two
 * writers holding the same version, the second to get the lock finds it changed and gets a 412.
 */
async function lockArticle(db: Db, idOrSlug: string, required: Required, trashed = false): Promise<ArticleRow> {
  const [row] = await db
    .select()
    .from(articles)
    .where(and(articleByIdOrSlug(idOrSlug), trashed ? isNotNull(articles.deletedAt) : isNull(articles.deletedAt)))
    .for('update')
  if (!row) throw new NotFound(trashed ? 'Trashed article' : 'Article', idOrSlug)
  checkVersion(required, row.version)
  return row
}

/** The columns a change of content sets; the version goes up by one. */
function contentChange(current: ArticleRow, patch: ArticlePatch) {
  const status = patch.status ?? current.status
  const summary = patch.summary !== undefined ? patch.summary : current.summary
  const body = patch.body ?? current.body
  return {
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
  }
}

export async function updateArticle(db: Db, idOrSlug: string, patch: ArticlePatch, auth: Principal, required?: Required): Promise<Article> {
  return claimingSlug('articles_slug_key', patch.slug, () =>
    db.transaction(async (tx) => {
      const current = await lockArticle(tx, idOrSlug, required)
      await assertReferences(tx, patch)
      const change = contentChange(current, patch)
      await tx.update(articles).set(change).where(eq(articles.id, current.id))
      if (patch.people !== undefined) await replacePeople(tx, current.id, patch.people)
      return finishWrite(tx, current.id, opFor(current.status, change.status), auth)
    }),
  )
}

/** Moves an article to the trash: gone from reads, its slug still reserved, its history kept. */
export async function trashArticle(db: Db, idOrSlug: string, auth: Principal, required?: Required): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockArticle(tx, idOrSlug, required)
    await tx
      .update(articles)
      .set({ deletedAt: new Date(), updatedAt: new Date(), version: sql`${articles.version} + 1` })
      .where(eq(articles.id, current.id))
    await finishWrite(tx, current.id, 'trash', auth, true)
  })
}

export async function restoreArticle(db: Db, idOrSlug: string, auth: Principal, required?: Required): Promise<Article> {
  return db.transaction(async (tx) => {
    const current = await lockArticle(tx, idOrSlug, required, true)
    await tx
      .update(articles)
      .set({ deletedAt: null, updatedAt: new Date(), version: sql`${articles.version} + 1` })
      .where(eq(articles.id, current.id))
    return finishWrite(tx, current.id, 'restore', auth)
  })
}

/** Deletes an article from the trash for good, with its history. */
export async function purgeArticle(db: Db, idOrSlug: string, required?: Required): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(articles).where(articleByIdOrSlug(idOrSlug)).for('update')
    if (!row) throw new NotFound('Article', idOrSlug)
    if (!row.deletedAt) throw new InUse('Only an article in the trash can be purged: DELETE it first')
    checkVersion(required, row.version)
    await tx.delete(articles).where(eq(articles.id, row.id))
  })
}

/**
 * Makes a revision's content the article's current content, as a new revision. The slug stays
 * as it is when the old one has been taken by another article meanwhile.
 */
export async function revertArticle(db: Db, idOrSlug: string, number: number, auth: Principal, required?: Required): Promise<Article> {
  return db.transaction(async (tx) => {
    const current = await lockArticle(tx, idOrSlug, required)
    const { snapshot } = await getRevision(tx, current.id, number)
    const patch = patchFrom(snapshot)
    const [owner] = await tx.select({ id: articles.id }).from(articles).where(eq(articles.slug, snapshot.slug))
    if (owner && owner.id !== current.id) delete patch.slug
    await assertReferences(tx, patch)
    await tx.update(articles).set(contentChange(current, patch)).where(eq(articles.id, current.id))
    await replacePeople(tx, current.id, patch.people ?? [])
    return finishWrite(tx, current.id, 'revert', auth)
  })
}

function patchFrom(snapshot: ArticleSnapshot): ArticlePatch {
  return {
    slug: snapshot.slug,
    title: snapshot.title,
    summary: snapshot.summary,
    body: snapshot.body,
    status: snapshot.status,
    publishedAt: snapshot.publishedAt ? new Date(snapshot.publishedAt) : null,
    categoryId: snapshot.categoryId,
    coverId: snapshot.coverId ?? null,
    tags: snapshot.tags,
    people: snapshot.people,
  }
}
