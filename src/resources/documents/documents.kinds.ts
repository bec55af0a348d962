import { asc, count, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { documentKinds, documents } from '../../db/schema.js'
import { badRequest, InUse, NameTaken, NotFound, SlugTaken } from '../../errors.js'
import { isUniqueViolation } from '../../shared/slugs.js'
import { slugify } from '../../shared/text.js'
import type { DocumentKind, DocumentKindInput, DocumentKindPatch } from './documents.schemas.js'

// Kinds are configuration, like webhooks: written without a change record, and not in the sync
// feed. A document names its kind by slug, which never changes.

type KindRow = typeof documentKinds.$inferSelect

export const toDocumentKind = (row: KindRow): DocumentKind => ({ slug: row.slug, name: row.name, position: row.position })

export function listDocumentKinds(db: Db): Promise<KindRow[]> {
  return db.select().from(documentKinds).orderBy(asc(documentKinds.position), asc(documentKinds.name))
}

export async function getDocumentKind(db: Db, slug: string): Promise<KindRow> {
  const [row] = await db.select().from(documentKinds).where(eq(documentKinds.slug, slug))
  if (!row) throw new NotFound('Document kind', slug)
  return row
}

export async function createDocumentKind(db: Db, input: DocumentKindInput): Promise<KindRow> {
  const slug = input.slug ?? slugify(input.name)
  if (!slug) throw badRequest('slug', 'The name makes no slug: give one')
  try {
    const [row] = await db.insert(documentKinds).values({ slug, name: input.name, position: input.position ?? 0 }).returning()
    return row!
  } catch (err) {
    if (isUniqueViolation(err, 'document_kinds_pkey')) throw new SlugTaken(slug)
    if (isUniqueViolation(err, 'document_kinds_name_key')) throw new NameTaken(input.name)
    throw err
  }
}

/** Renames or moves a kind; its slug, which documents hold, stays. */
export async function updateDocumentKind(db: Db, slug: string, patch: DocumentKindPatch): Promise<KindRow> {
  const changes = { ...(patch.name !== undefined && { name: patch.name }), ...(patch.position !== undefined && { position: patch.position }) }
  if (Object.keys(changes).length === 0) return getDocumentKind(db, slug)
  try {
    const [row] = await db
      .update(documentKinds)
      .set(changes)
      .where(eq(documentKinds.slug, slug))
      .returning()
    if (!row) throw new NotFound('Document kind', slug)
    return row
  } catch (err) {
    if (isUniqueViolation(err, 'document_kinds_name_key')) throw new NameTaken(patch.name!)
    throw err
  }
}

/** A kind that documents still have cannot go: the 409 says how many. */
export async function deleteDocumentKind(db: Db, slug: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(documentKinds).where(eq(documentKinds.slug, slug)).for('update')
    if (!row) throw new NotFound('Document kind', slug)
    const [used] = await tx.select({ n: count() }).from(documents).where(eq(documents.kind, slug))
    if (used?.n) throw new InUse(`Document kind ${slug} is the kind of ${used.n} documents`)
    await tx.delete(documentKinds).where(eq(documentKinds.slug, slug))
  })
}
