import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { inlineValues, NamedValues, type StatementValues } from '../../db/prepared.js'
import { articlePeople, articleRevisions, articles, type ArticleSnapshot, type RevisionOp } from '../../db/schema.js'
import { InUse, NotFound } from '../../errors.js'
import { newId } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import { lexiconMemory } from '../../shared/search.js'
import { seoColumnsIn, seoColumnsOf } from '../../shared/seo.js'
import { claimFreeSlug, claimingSlug, freeSlug } from '../../shared/slugs.js'
import { slugify } from '../../shared/text.js'
import { checkVersion, type ExpectedVersion } from '../../shared/versions.js'
import { type Change, type OneStatement, sameJson, write, writeInOneStatement, type Written } from '../../shared/write.js'
import { assertMediaExist, assertSeoImage } from '../media/media.service.js'
import { revisionSnapshot } from '../revisions/revisions.service.js'
import { type ArticleRow, toArticle } from './articles.json.js'
import { articleRevisionRow, articleRevisionSubject } from './articles.revisions.js'
import { articleSearchDoc, searchStatements } from './articles.search-index.js'
import type { Article, ArticleInput, ArticlePatch } from './articles.schemas.js'
import { articleByIdOrSlug, isPublic } from './articles.visibility.js'
import { deriveReadingFields } from './blocks.js'

type PersonLinks = { personId: string; role: Article['people'][number]['role'] }[]

/** An article as a write finds it: the row, locked, and its people in order. */
interface Current {
  row: ArticleRow
  links: PersonLinks
}

/**
 * Media in image blocks must exist, and the SEO image must be an image: a 422 names the first that
 * is not. The category, the people and the cover are foreign keys, checked by the database as the
 * rows are written.
 */
async function assertReferences(db: Db, input: ArticlePatch) {
  await assertMediaExist(db, [
    ...(input.body ?? []).flatMap((b, i) => (b.type === 'image' ? [{ path: `body.${i}.mediaId`, id: b.mediaId }] : [])),
  ])
  await assertSeoImage(db, input.seo)
}

/** Each person once per role, in the order given. */
function uniqueLinks(links: PersonLinks): PersonLinks {
  const seen = new Set<string>()
  return links
    .filter((l) => !seen.has(`${l.personId}/${l.role}`) && seen.add(`${l.personId}/${l.role}`))
    .map((l) => ({ personId: l.personId, role: l.role }))
}

const linkRows = (articleId: string, links: PersonLinks) => links.map((l, position) => ({ articleId, ...l, position }))

/** Publishing without a date publishes now; a date given is kept, in the future it schedules. */
function publicationDate(status: ArticleRow['status'], given: Date | null | undefined, current: Date | null, now: Date): Date | null {
  if (given !== undefined && given !== null) return given
  if (status === 'published') return given === null ? now : (current ?? now)
  return given === null ? null : current
}

function opFor(before: ArticleRow['status'], after: ArticleRow['status']): RevisionOp {
  if (before === after) return 'update'
  if (after === 'published') return 'publish'
  return after === 'archived' ? 'archive' : 'unpublish'
}

/**
 * The webhook events of a write: what it did, and whether the article became visible to the
 * public (`article.published`) or stopped being visible (`article.unpublished`). A scheduled
 * article is published later, when its time comes (see publications.ts).
 */
function eventsOf(op: RevisionOp, before: ArticleRow | null, after: ArticleRow, now: Date): string[] {
  if (op === 'trash') return ['article.deleted']
  const was = before !== null && isPublic(before, now)
  const is = isPublic(after, now)
  return [
    op === 'create' ? 'article.created' : op === 'restore' ? 'article.restored' : 'article.updated',
    ...(is && !was ? ['article.published'] : []),
    ...(was && !is ? ['article.unpublished'] : []),
  ]
}

function changeOf(op: RevisionOp, before: ArticleRow | null, after: ArticleRow, auth: Principal, now: Date): Change {
  return {
    type: 'article',
    id: after.id,
    op: after.deletedAt ? 'delete' : 'upsert',
    events: eventsOf(op, before, after, now),
    version: after.version,
    slug: after.slug,
    actor: auth,
    at: now,
  }
}

/**
 * The statements of a new article: its row, its people, its first revision and its search row.
 * The one list that both ways of creating run, so neither can forget a table. The article's row
 * comes first and returns its id, so a taken slug fails before the rest is written. Their values
 * are taken as `values` says (named, for the one-statement write); the statements themselves
 * are made by `statements`, which that write calls only for a shape it has not written out yet.
 */
function creation(db: Db, values: StatementValues, row: ArticleRow, links: PersonLinks, index: SearchIndex, auth: Principal, now: Date) {
  const article = toArticle(row, links)
  const articleValues = values.row('article', articles, row)
  const linkValues = linkRows(row.id, links).map((link, i) => values.row(`link${i}`, articlePeople, link))
  const revisionValues = values.row('revision', articleRevisions, articleRevisionRow(article, 'create', auth))
  const search = searchStatements(row, links, index, values)
  const statements = (): OneStatement => ({
    first: db.insert(articles).values(articleValues).returning({ id: articles.id }).getSQL(),
    rest: [
      ...(linkValues.length ? [db.insert(articlePeople).values(linkValues).getSQL()] : []),
      db.insert(articleRevisions).values(revisionValues).getSQL(),
      ...search,
    ],
  })
  return { article, statements, change: changeOf('create', null, row, auth, now) }
}

export async function createArticle(db: Db, input: ArticleInput, auth: Principal): Promise<Article> {
  const now = new Date()
  const status = input.status ?? 'draft'
  const body = input.body ?? []
  const row: ArticleRow = {
    id: newId(),
    slug: input.slug ?? (slugify(input.title) || 'article'),
    title: input.title,
    summary: input.summary ?? null,
    body,
    status,
    publishedAt: publicationDate(status, input.publishedAt, null, now),
    categoryId: input.categoryId ?? null,
    coverId: input.coverId ?? null,
    tags: [...new Set(input.tags ?? [])],
    version: 1,
    ...deriveReadingFields(input.summary, body),
    ...seoColumnsOf(input.seo),
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  }
  const links = uniqueLinks(input.people ?? [])
  // Made once, whichever way the article is written; the lexicon is only sent the words it lacks.
  const { doc, words } = articleSearchDoc(row)
  const index = { doc, words: lexiconMemory.unknown(db, words) }
  const article = await insertArticle(db, input, row, links, index, auth, now)
  lexiconMemory.committed(db, index.words)
  return article
}

type SearchIndex = ReturnType<typeof articleSearchDoc>

/**
 * Writes a new article, its search row and the lexicon words not known to be there yet. Without
 * image blocks there is nothing to check first: one statement, one round trip, and the answer is
 * what was written, so nothing is read back. A generated slug found taken costs a statement that
 * failed on its first row; it runs again with the next slug free, and a writer that loses that
 * race too waits its turn in a transaction that claims one. Image blocks' media are checked and
 * locked in that transaction.
 */
async function insertArticle(db: Db, input: ArticleInput, row: ArticleRow, links: PersonLinks, index: SearchIndex, auth: Principal, now: Date) {
  const oneStatement = !row.body.some((b) => b.type === 'image') && !row.seoImageId
  return claimingSlug('articles_slug_key', input.slug, async (attempt) => {
    if (oneStatement && attempt <= 2) {
      const slug = attempt === 1 ? row.slug : await freeSlug(db, articles, row.slug)
      const values = new NamedValues('article.create')
      const { article, statements, change } = creation(db, values, { ...row, slug }, links, index, auth, now)
      await writeInOneStatement(db, values, statements, change)
      return article
    }
    return write(db, async (tx) => {
      await assertReferences(tx, input)
      const slug = input.slug ?? (await claimFreeSlug(tx, articles, input.title, 'article'))
      const { article, statements, change } = creation(tx, inlineValues, { ...row, slug }, links, index, auth, now)
      const { first, rest } = statements()
      for (const statement of [first, ...rest]) await tx.execute(statement)
      return { result: article, change }
    })
  })
}

/**
 * The article as it stands, locked until the transaction ends, after checking If-Match: of two
 * writers holding the same version, the second to get the lock finds it changed and gets a 412.
 */
async function lockArticle(db: Db, idOrSlug: string, required: ExpectedVersion, trashed = false): Promise<Current> {
  const [row] = await db
    .select()
    .from(articles)
    .where(and(articleByIdOrSlug(idOrSlug), trashed ? isNotNull(articles.deletedAt) : isNull(articles.deletedAt)))
    .for('update')
  if (!row) throw new NotFound(trashed ? 'Trashed article' : 'Article', idOrSlug)
  checkVersion(required, row.version)
  const links = await db
    .select({ personId: articlePeople.personId, role: articlePeople.role })
    .from(articlePeople)
    .where(eq(articlePeople.articleId, row.id))
    .orderBy(asc(articlePeople.position))
  return { row, links }
}

/** The content columns a patch leaves, with the fields derived from them. */
function patched(current: ArticleRow, patch: ArticlePatch, now: Date) {
  const status = patch.status ?? current.status
  const summary = patch.summary !== undefined ? patch.summary : current.summary
  const body = patch.body ?? current.body
  return {
    title: patch.title ?? current.title,
    slug: patch.slug ?? current.slug,
    categoryId: patch.categoryId !== undefined ? patch.categoryId : current.categoryId,
    coverId: patch.coverId !== undefined ? patch.coverId : current.coverId,
    tags: patch.tags !== undefined ? [...new Set(patch.tags)] : current.tags,
    summary,
    body,
    status,
    publishedAt: publicationDate(status, patch.publishedAt, current.publishedAt, now),
    ...deriveReadingFields(summary, body),
    ...(patch.seo !== undefined ? seoColumnsOf(patch.seo) : seoColumnsIn(current)),
  }
}

/**
 * Writes new content over an article, its people and a revision. A patch that changes nothing
 * writes nothing: no version, no revision, no change, the same ETag. A revert always writes: it
 * is asked for as a new revision.
 */
async function changeContent(tx: Db, current: Current, patch: ArticlePatch, op: RevisionOp | null, auth: Principal): Promise<Written<Article>> {
  const now = new Date()
  const content = patched(current.row, patch, now)
  const links = patch.people !== undefined ? uniqueLinks(patch.people) : current.links
  const samePeople = sameJson(links, current.links)
  const unchanged = Object.entries(content).every(([key, value]) => sameJson(value, current.row[key as keyof ArticleRow])) && samePeople
  if (unchanged && op === null) return { result: toArticle(current.row, current.links), change: null }

  const writeOp = op ?? opFor(current.row.status, content.status)
  const [row] = await tx
    .update(articles)
    .set({ ...content, version: current.row.version + 1, updatedAt: now })
    .where(eq(articles.id, current.row.id))
    .returning()
  if (!samePeople) {
    await tx.delete(articlePeople).where(eq(articlePeople.articleId, row!.id))
    if (links.length) await tx.insert(articlePeople).values(linkRows(row!.id, links))
  }
  // Visibility alone (status, dates) reaches the search row by a trigger; what search reads, here.
  const searched = (['title', 'summary', 'tags', 'body'] as const).some((key) => !sameJson(content[key], current.row[key]))
  if (searched || !samePeople || writeOp === 'revert') {
    for (const statement of searchStatements(row!, links)) await tx.execute(statement)
  }
  const article = toArticle(row!, links)
  await tx.insert(articleRevisions).values(articleRevisionRow(article, writeOp, auth))
  return { result: article, change: changeOf(writeOp, current.row, row!, auth, now) }
}

export async function updateArticle(db: Db, idOrSlug: string, patch: ArticlePatch, auth: Principal, required?: ExpectedVersion): Promise<Article> {
  return claimingSlug('articles_slug_key', patch.slug, () =>
    write(db, async (tx) => {
      const current = await lockArticle(tx, idOrSlug, required)
      await assertReferences(tx, patch)
      return changeContent(tx, current, patch, null, auth)
    }),
  )
}

/** Moves an article in or out of the trash: a new version and revision, its content untouched. */
async function setTrashed(tx: Db, current: Current, trashed: boolean, auth: Principal): Promise<Written<Article>> {
  const now = new Date()
  const [row] = await tx
    .update(articles)
    .set({ deletedAt: trashed ? now : null, updatedAt: now, version: current.row.version + 1 })
    .where(eq(articles.id, current.row.id))
    .returning()
  const article = toArticle(row!, current.links)
  const op = trashed ? 'trash' : 'restore'
  await tx.insert(articleRevisions).values(articleRevisionRow(article, op, auth, trashed))
  return { result: article, change: changeOf(op, current.row, row!, auth, now) }
}

/** Moves an article to the trash: gone from reads, its slug still reserved, its history kept. */
export async function trashArticle(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => setTrashed(tx, await lockArticle(tx, idOrSlug, required), true, auth))
}

export async function restoreArticle(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<Article> {
  return write(db, async (tx) => setTrashed(tx, await lockArticle(tx, idOrSlug, required, true), false, auth))
}

/** Deletes an article from the trash for good, with its history. */
export async function purgeArticle(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => {
    const [row] = await tx.select().from(articles).where(articleByIdOrSlug(idOrSlug)).for('update')
    if (!row) throw new NotFound('Article', idOrSlug)
    if (!row.deletedAt) throw new InUse('Only an article in the trash can be purged: DELETE it first')
    checkVersion(required, row.version)
    await tx.delete(articles).where(eq(articles.id, row.id))
    const change: Change = { type: 'article', id: row.id, op: 'delete', events: ['article.purged'], version: null, slug: row.slug, actor: auth, at: new Date() }
    return { result: undefined, change }
  })
}

/**
 * Makes a revision's content the article's current content, as a new revision. The slug stays
 * as it is when the old one has been taken by another article meanwhile.
 */
export async function revertArticle(db: Db, idOrSlug: string, number: number, auth: Principal, required?: ExpectedVersion): Promise<Article> {
  return write(db, async (tx) => {
    const current = await lockArticle(tx, idOrSlug, required)
    const patch = patchFrom(await revisionSnapshot(tx, articleRevisionSubject, current.row.id, number))
    const [owner] = await tx.select({ id: articles.id }).from(articles).where(eq(articles.slug, patch.slug!))
    if (owner && owner.id !== current.row.id) delete patch.slug
    await assertReferences(tx, patch)
    return changeContent(tx, current, patch, 'revert', auth)
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
    ...(snapshot.seo && { seo: snapshot.seo }),
  }
}
