import { and, count, desc, eq, lt, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import type { RevisionOp, RevisionTable } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { newId } from '../../shared/ids.js'
import { finishPage, pageStart } from '../../shared/paging.js'
import { type Principal, SYSTEM } from '../../shared/principal.js'
import type { RevisionListQuery } from './revisions.schemas.js'

/**
 * A resource that keeps revisions: what the one implementation of revisions needs to know of it.
 * Each resource gives its own (articles.revisions.ts, pages.revisions.ts).
 */
export interface RevisionSubject<Snapshot> {
  /** How answers and problems name the resource: `article`. */
  noun: string
  /** The answer's field that holds the resource's id: `articleId`. */
  key: string
  table: RevisionTable<Snapshot>
  /** The resource's id, in the trash too: its history is what restoring relies on. */
  findId(db: Db, idOrSlug: string): Promise<string | undefined>
}

/** `Article` for `article`: how problems and operation ids name the resource. */
export const capitalized = (noun: string) => noun[0]!.toUpperCase() + noun.slice(1)

async function resourceId<S>(db: Db, subject: RevisionSubject<S>, idOrSlug: string): Promise<string> {
  const id = await subject.findId(db, idOrSlug)
  if (!id) throw new NotFound(capitalized(subject.noun), idOrSlug)
  return id
}

/** The revision row that keeps a resource as this write left it, as number `resource.version`. */
export function revisionRow<S>(resource: { id: string; version: number; updatedAt: Date | string }, op: RevisionOp, snapshot: S, auth: Principal) {
  return {
    id: newId(),
    resourceId: resource.id,
    number: resource.version,
    op,
    snapshot,
    actor: auth.name,
    tokenId: auth.tokenId === SYSTEM.tokenId ? null : auth.tokenId,
    createdAt: new Date(resource.updatedAt),
  }
}

/** Newest first, paged by the revision number: as fast for the 1,000th page as for the first. */
export async function listRevisions<S>(db: Db, subject: RevisionSubject<S>, idOrSlug: string, query: RevisionListQuery) {
  const { table } = subject
  const id = await resourceId(db, subject, idOrSlug)
  const start = pageStart(query, '-number')
  const where = and(eq(table.resourceId, id), start.after ? lt(table.number, Number(start.after.value)) : undefined)
  const [rows, total] = await Promise.all([
    db
      .select({
        id: table.id,
        resourceId: table.resourceId,
        number: table.number,
        op: table.op,
        actor: table.actor,
        createdAt: table.createdAt,
        title: sql<string>`${table.snapshot}->>'title'`,
        status: sql<string>`${table.snapshot}->>'status'`,
      })
      .from(table)
      .where(where)
      .orderBy(desc(table.number))
      .limit(query.limit + 1)
      .offset(start.offset),
    query.offset === undefined ? undefined : db.select({ n: count() }).from(table).where(eq(table.resourceId, id)),
  ])
  const page = finishPage(rows, query.limit, '-number', (row) => ({ value: row.number, id: row.id }))
  const data = page.rows.map((row) => ({
    number: row.number,
    [subject.key]: row.resourceId,
    op: row.op,
    actor: row.actor,
    createdAt: row.createdAt.toISOString(),
    title: row.title,
    status: row.status,
  }))
  return { data, nextCursor: page.nextCursor, total: total?.[0]?.n }
}

export async function getRevision<S>(db: Db, subject: RevisionSubject<S>, idOrSlug: string, number: number) {
  const { table } = subject
  const id = await resourceId(db, subject, idOrSlug)
  const [row] = await db
    .select()
    .from(table)
    .where(and(eq(table.resourceId, id), eq(table.number, number)))
  if (!row) throw new NotFound('Revision', `${number} of ${subject.noun} ${idOrSlug}`)
  return {
    number: row.number,
    [subject.key]: row.resourceId,
    op: row.op,
    actor: row.actor,
    createdAt: row.createdAt.toISOString(),
    snapshot: row.snapshot,
  }
}

/** What revision `number` of a resource kept: what a restore of it writes. */
export async function revisionSnapshot<S>(db: Db, subject: RevisionSubject<S>, id: string, number: number): Promise<S> {
  const { table } = subject
  const [row] = await db
    .select({ snapshot: table.snapshot })
    .from(table)
    .where(and(eq(table.resourceId, id), eq(table.number, number)))
  if (!row) throw new NotFound('Revision', `${number} of ${subject.noun} ${id}`)
  return row.snapshot
}
