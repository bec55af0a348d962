import { and, count, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { field, type Shape, shapeObject } from '../../db/json-shape.js'
import { articlePeople, documents, people } from '../../db/schema.js'
import { InUse, NotFound } from '../../errors.js'
import { isUuid, newId } from '../../shared/ids.js'
import { afterCursor, cursorValue, orderBy, type SortSpec } from '../../shared/keyset.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import type { Principal } from '../../shared/principal.js'
import { foldedTextMatch, isEmptyQuery, refreshPeopleTerms, rememberWords, searchQuery } from '../../shared/search.js'
import { claimFreeSlug, claimingSlug } from '../../shared/slugs.js'
import { checkVersion, type ExpectedVersion } from '../../shared/versions.js'
import { changedFields, rowChange, write } from '../../shared/write.js'
import { fold } from '../../shared/text.js'
import { assertMediaExist } from '../media/media.service.js'
import type { Person, PersonInput, PersonListQuery, PersonPatch } from './people.schemas.js'

export type PersonRow = typeof people.$inferSelect

/** A person as the API answers it: built in JavaScript (`toPerson`) or by PostgreSQL where an article embeds it. */
export const personShape: Shape<PersonRow> = {
  id: field.column(people.id, 'id'),
  slug: field.column(people.slug, 'slug'),
  name: field.column(people.name, 'name'),
  honorific: field.column(people.honorific, 'honorific'),
  title: field.column(people.title, 'title'),
  organization: field.column(people.organization, 'organization'),
  bio: field.column(people.bio, 'bio'),
  photoId: field.column(people.photoId, 'photoId'),
  createdAt: field.timestamp(people.createdAt, 'createdAt'),
  updatedAt: field.timestamp(people.updatedAt, 'updatedAt'),
}

export const toPerson = (row: PersonRow): Person => shapeObject(personShape, row)

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
  const search = query.q === undefined ? undefined : await searchQuery(db, query.q)
  const filter = search && (isEmptyQuery(search) ? sql`false` : foldedTextMatch(people.nameFolded, search))
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

export async function createPerson(db: Db, input: PersonInput, auth: Principal): Promise<PersonRow> {
  return claimingSlug('people_slug_key', input.slug, () =>
    write(db, async (tx) => {
      // Inside the transaction: the photo is locked against a concurrent delete until the person exists.
      if (input.photoId) await assertMediaExist(tx, [{ path: 'photoId', id: input.photoId }])
      const now = new Date()
      const [row] = await tx
        .insert(people)
        .values({
          id: newId(),
          slug: input.slug ?? (await claimFreeSlug(tx, people, input.name, 'person')),
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
      await rememberWords(tx, input.name)
      return { result: row!, change: rowChange('person', 'person.created', row!, auth) }
    }),
  )
}

/** The person, locked until the transaction ends, at the version If-Match requires. */
async function lockPerson(db: Db, idOrSlug: string, required: ExpectedVersion): Promise<PersonRow> {
  const [row] = await db.select().from(people).where(personByIdOrSlug(idOrSlug)).for('update')
  if (!row) throw new NotFound('Person', idOrSlug)
  checkVersion(required, row.version)
  return row
}

/** A patch that changes nothing writes nothing: no new version, the same ETag. */
export async function updatePerson(db: Db, idOrSlug: string, patch: PersonPatch, auth: Principal, required?: ExpectedVersion): Promise<PersonRow> {
  return claimingSlug('people_slug_key', patch.slug, () =>
    write(db, async (tx) => {
      const current = await lockPerson(tx, idOrSlug, required)
      const changes = changedFields(current, patch)
      if (!changes) return { result: current, change: null }
      if (changes.photoId) await assertMediaExist(tx, [{ path: 'photoId', id: changes.photoId }])
      const [row] = await tx
        .update(people)
        .set({
          ...changes,
          ...(changes.name !== undefined && { nameFolded: fold(changes.name) }),
          version: current.version + 1,
          updatedAt: new Date(),
        })
        .where(eq(people.id, current.id))
        .returning()
      // Articles that link the person are found by the new name, and no longer by the old.
      if (changes.name !== undefined) await refreshPeopleTerms(tx, current.id, changes.name)
      return { result: row!, change: rowChange('person', 'person.updated', row!, auth) }
    }),
  )
}

/** A person still linked to articles (trashed ones included) or signing documents cannot go: the 409 says how many. */
export async function deletePerson(db: Db, idOrSlug: string, auth: Principal, required?: ExpectedVersion): Promise<void> {
  await write(db, async (tx) => {
    const current = await lockPerson(tx, idOrSlug, required)
    const [[used], [signed]] = await Promise.all([
      tx.select({ n: count() }).from(articlePeople).where(eq(articlePeople.personId, current.id)),
      tx.select({ n: count() }).from(documents).where(eq(documents.signerId, current.id)),
    ])
    const reasons = [used?.n ? `linked to ${used.n} articles` : '', signed?.n ? `the signer of ${signed.n} documents` : ''].filter(Boolean)
    if (reasons.length) throw new InUse(`Person ${current.slug} is ${reasons.join(' and ')}`)
    await tx.delete(people).where(eq(people.id, current.id))
    return { result: undefined, change: rowChange('person', 'person.deleted', current, auth, 'delete') }
  })
}
