import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articles, documents } from '../../db/schema.js'
import { badRequest, NotFound, numberTaken, unknownReference } from '../../errors.js'
import { isUuid, newId } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import { lexiconInsert, tsvectorLiteral } from '../../shared/search.js'
import { claimFreeSlug, claimingSlug, isUniqueViolation } from '../../shared/slugs.js'
import { fold, indexTerms } from '../../shared/text.js'
import { checkVersion, type ExpectedVersion } from '../../shared/versions.js'
import { changedFields, rowChange, write } from '../../shared/write.js'
import { assertMediaExist } from '../media/media.service.js'
import { documentAnswer, type DocumentRow, writeColumns } from './documents.json.js'
import type { DocumentInput, DocumentPatch } from './documents.schemas.js'

/**
 * A number as uniqueness and exact search compare it: folded as search folds (lowercase, no
 * diacritics, đ → d), every run of other characters one space. "15/2023/QĐ-UBND", "15 2023 qd ubnd"
 * and "15/2023/qđ-ubnd" are all "15 2023 qd ubnd".
 */
export const foldNumber = (number: string) =>
  fold(number)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

/**
 * The search lexemes of a document, made as an article's are (`indexTerms`): the number as the
 * title ("t:" copies, so that number matches rank first), issuer and field as metadata ("m:"),
 * the summary as the body.
 */
export function documentSearch(doc: { number: string; issuer: string; field: string | null; summary: string }) {
  const { terms, words } = indexTerms([
    ['t:', doc.number],
    ['m:', [doc.issuer, doc.field].filter((v) => v !== null).join('\n')],
    ['', doc.summary],
  ])
  return { search: tsvectorLiteral(terms), words }
}

export const documentByIdOrSlug = (idOrSlug: string): SQL =>
  isUuid(idOrSlug) ? eq(documents.id, idOrSlug.toLowerCase()) : eq(documents.slug, idOrSlug)

/** A document as a write answers it: its JSON as a token reads it, read in the write's own transaction. */
export interface WrittenDocument {
  id: string
  version: number
  json: string
}

async function answerIn(tx: Db, row: DocumentRow): Promise<WrittenDocument> {
  const [found] = await tx.select({ answer: documentAnswer('documents', { anonymous: false }).mapWith(String) }).from(documents).where(eq(documents.id, row.id))
  return { id: row.id, version: row.version, json: found!.answer }
}

type Dated = Pick<DocumentRow, 'issuedAt' | 'effectiveAt' | 'expiredAt'>

/** A document cannot expire before it takes effect. */
function checkDates(doc: Dated) {
  const from = doc.effectiveAt ?? doc.issuedAt
  if (doc.expiredAt !== null && doc.expiredAt < from) {
    throw badRequest('expiredAt', `Cannot be before ${doc.effectiveAt === null ? 'issuedAt' : 'effectiveAt'} (${from})`)
  }
}

/**
 * Files and related articles must exist (articles not in the trash): a 422 names the first index
 * that does not. Both are locked for share, so a concurrent delete waits and then sees the link.
 */
async function assertLinks(tx: Db, links: { fileIds?: string[] | undefined; articleIds?: string[] | undefined }) {
  if (links.fileIds) await assertMediaExist(tx, links.fileIds.map((id, i) => ({ path: `fileIds.${i}`, id })))
  if (!links.articleIds?.length) return
  const found = new Set(
    (await tx.select({ id: articles.id }).from(articles).where(and(inArray(articles.id, links.articleIds), isNull(articles.deletedAt))).for('share')).map((r) => r.id),
  )
  const missing = links.articleIds.findIndex((id) => !found.has(id))
  if (missing >= 0) throw unknownReference(`articleIds.${missing}`, 'article')
}

/** A number that the issuer already used is a 409 naming `number`, however the write met it. */
async function claimingNumber<T>(attempted: () => { number: string; issuer: string }, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (isUniqueViolation(err, 'documents_issuer_number_key')) throw numberTaken(attempted().number, attempted().issuer)
    throw err
  }
}

const lower = (ids: string[] | undefined) => ids?.map((id) => id.toLowerCase())

export async function createDocument(db: Db, input: DocumentInput, auth: Principal): Promise<WrittenDocument> {
  const doc = {
    ...input,
    signerId: input.signerId?.toLowerCase() ?? null,
    effectiveAt: input.effectiveAt ?? null,
    expiredAt: input.expiredAt ?? null,
    field: input.field ?? null,
    fileIds: lower(input.fileIds) ?? [],
    articleIds: lower(input.articleIds) ?? [],
  }
  checkDates(doc)
  return claimingNumber(() => doc, () =>
    claimingSlug('documents_slug_key', doc.slug, () =>
      write(db, async (tx) => {
        await assertLinks(tx, doc)
        const { search, words } = documentSearch(doc)
        const now = new Date()
        const [row] = await tx
          .insert(documents)
          .values({
            id: newId(),
            slug: doc.slug ?? (await claimFreeSlug(tx, documents, `${doc.kind} ${doc.number}`, 'van-ban')),
            number: doc.number,
            numberFolded: foldNumber(doc.number),
            kind: doc.kind,
            issuer: doc.issuer,
            signerId: doc.signerId,
            issuedAt: doc.issuedAt,
            effectiveAt: doc.effectiveAt,
            expiredAt: doc.expiredAt,
            summary: doc.summary,
            field: doc.field,
            fileIds: doc.fileIds,
            articleIds: doc.articleIds,
            search,
            createdAt: now,
            updatedAt: now,
          })
          .returning(writeColumns)
        if (words.length) await tx.execute(lexiconInsert(words))
        return { result: await answerIn(tx, row!), change: rowChange('document', 'document.created', row!, auth) }
      }),
    ),
  )
}

/** The document, locked until the transaction ends, at the version If-Match requires. */
async function lockDocument(db: Db, idOrSlug: string, required: ExpectedVersion): Promise<DocumentRow> {
  const [row] = await db.select(writeColumns).from(documents).where(documentByIdOrSlug(idOrSlug)).for('update')
  if (!row) throw new NotFound('Document', idOrSlug)
  checkVersion(required, row.version)
  return row
}

/** A patch that changes nothing writes nothing: no new version, the same ETag. */
export async function updateDocument(db: Db, idOrSlug: string, patch: DocumentPatch, auth: Principal, required?: ExpectedVersion): Promise<WrittenDocument> {
  const given = { ...patch, signerId: patch.signerId?.toLowerCase() ?? patch.signerId, fileIds: lower(patch.fileIds), articleIds: lower(patch.articleIds) }
  // What the write tried, known once the row is read: the 409 names it.
  let attempted = { number: patch.number ?? '', issuer: patch.issuer ?? '' }
  return claimingNumber(() => attempted, () =>
    claimingSlug('documents_slug_key', patch.slug, () =>
      write(db, async (tx) => {
        const current = await lockDocument(tx, idOrSlug, required)
        const changes = changedFields(current, given)
        if (!changes) return { result: await answerIn(tx, current), change: null }
        const next = { ...current, ...changes } as DocumentRow
        checkDates(next)
        attempted = { number: next.number, issuer: next.issuer }
        await assertLinks(tx, changes)
        const searched = ['number', 'issuer', 'field', 'summary'].some((k) => k in changes)
        const index = searched ? documentSearch(next) : undefined
        const [row] = await tx
          .update(documents)
          .set({
            ...changes,
            ...(changes.number !== undefined && { numberFolded: foldNumber(changes.number) }),
            ...(index && { search: index.search }),
            version: current.version + 1,
            updatedAt: new Date(),
          })
          .where(eq(documents.id, current.id))
          .returning(writeColumns)
        if (index?.words.length) await tx.execute(lexiconInsert(index.words))
        return { result: await answerIn(tx, row!), change: rowChange('document', 'document.updated', row!, auth) }
      }),
    ),
  )
}

/** Documents are records, deleted for good: nothing refers to them. */
export async function deleteDocument(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => {
    const current = await lockDocument(tx, idOrSlug, required)
    await tx.delete(documents).where(eq(documents.id, current.id))
    return { result: undefined, change: rowChange('document', 'document.deleted', current, auth, 'delete') }
  })
}
