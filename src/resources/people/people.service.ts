import { and, count, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { articlePeople, people } from '../../db/schema.js'
import { InUse, NotFound } from '../../errors.js'
import { isUuid, newId } from '../../shared/ids.js'
import { afterCursor, cursorValue, orderBy, type SortSpec } from '../../shared/keyset.js'
import { escapeLike, finishPage, pageStart } from '../../shared/paging.js'
import { checkVersion } from '../../plugins/http-cache.js'
import { claimingSlug, freeSlug } from '../../shared/slugs.js'
import { fold } from '../../shared/text.js'
import { assertMediaExist } from '../media/media.service.js'
import type { Person, PersonInput, PersonListQuery, PersonPatch } from './people.schemas.js'

type PersonRow = typeof people.$inferSelect

export const toPerson = (row: PersonRow): Person => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  honorific: row.honorific,
  title: row.title,
  organization: row.organization,
  bio: row.bio,
  photoId: row.photoId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

export const personByIdOrSlug = (idOrSlug: string): SQL =>
  isUuid(idOrSlug) ? eq(people.id, idOrSlug.toLowerCase()) : eq(people.slug, idOrSlug)

export async function getPerson(db: Db, idOrSlug: string): Promise<PersonRow> {
  const [row] = await db.select().from(people).where(personByIdOrSlug(idOrSlug))
  if (!row) throw new NotFound('Person', idOrSlug)
  return row
}

const sorts: Record<PersonListQuery['sort'], SortSpec> = {
  name: { column: people.name, direction: 'asc', nullable: false, cast: 'text' },
  '-updatedAt': { column: people.updatedAt, direction: 'desc', nullable: false, cast: 'timestamptz' },
}

export async function listPeople(db: Db, query: PersonListQuery) {
  const spec = sorts[query.sort]
  const start = pageStart(query, query.sort)
  const filter = query.q ? sql`${people.nameFolded} like ${`%${escapeLike(fold(query.q))}%`}` : undefined
  const where = and(filter, start.after && afterCursor(spec, people.id, start.after))
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(people)
      .where(where)
      .orderBy(...orderBy(spec, people.id))
      .limit(query.limit + 1)
      .offset(start.offset),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(people).where(filter),
  ])
  const page = finishPage(rows, query.limit, query.sort, (row) => ({
    value: cursorValue(query.sort === 'name' ? row.name : row.updatedAt),
    id: row.id,
  }))
  return { ...page, total: total?.[0]?.n }
}

export async function createPerson(db: Db, input: PersonInput): Promise<PersonRow> {
  return claimingSlug('people_slug_key', input.slug, () =>
    db.transaction(async (tx) => {
      // Inside the transaction: the photo is locked against a concurrent delete until the person exists.
      if (input.photoId) await assertMediaExist(tx, [{ path: 'photoId', id: input.photoId }])
      const now = new Date()
      const [row] = await tx
        .insert(people)
        .values({
          id: newId(),
          slug: input.slug ?? (await freeSlug(tx, people, input.name, 'person')),
          name: input.name,
          nameFolded: fold(input.name),
          honorific: input.honorific ?? null,
          title: input.title ?? null,
          organization: input.organization ?? null,
          bio: input.bio ?? null,
          photoId: input.photoId ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      return row!
    }),
  )
}

/** The person, locked until the transaction ends, at the version If-Match requires. */
async function lockPerson(db: Db, idOrSlug: string, required: number | '*' | undefined): Promise<PersonRow> {
  const [row] = await db.select().from(people).where(personByIdOrSlug(idOrSlug)).for('update')
  if (!row) throw new NotFound('Person', idOrSlug)
  checkVersion(required, row.version)
  return row
}

export async function updatePerson(db: Db, idOrSlug: string, patch: PersonPatch, required?: number | '*'): Promise<PersonRow> {
  return claimingSlug('people_slug_key', patch.slug, () =>
    db.transaction(async (tx) => {
      const current = await lockPerson(tx, idOrSlug, required)
      if (patch.photoId) await assertMediaExist(tx, [{ path: 'photoId', id: patch.photoId }])
      const { name, ...rest } = patch
      const [row] = await tx
        .update(people)
        .set({
          ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
          ...(name !== undefined && { name, nameFolded: fold(name) }),
          version: sql`${people.version} + 1`,
          updatedAt: new Date(),
        })
        .where(eq(people.id, current.id))
        .returning()
      return row!
    }),
  )
}

/** A person still linked to articles (trashed ones included) cannot go: the 409 says how many. */
export async function deletePerson(db: Db, idOrSlug: string, required?: number | '*'): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockPerson(tx, idOrSlug, required)
    const [used] = await tx.select({ n: count() }).from(articlePeople).where(eq(articlePeople.personId, current.id))
    if (used?.n) throw new InUse(`Person ${current.slug} is linked to ${used.n} articles`)
    await tx.delete(people).where(eq(people.id, current.id))
  })
}
