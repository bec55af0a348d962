import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { categories, type ChangeOp, media, menus, pages, people, type ResourceType, systemState } from '../../db/schema.js'
import { badRequest, CursorExpired } from '../../errors.js'
import { answerBytes } from '../../db/json-shape.js'
import { articleStatements } from '../articles/articles.prepared.js'
import { toCategory } from '../categories/categories.service.js'
import { documentsByIds } from '../documents/documents.queries.js'
import { toMedia } from '../media/media.shape.js'
import { toMenu } from '../menus/menus.queries.js'
import { pageColumns, toPage } from '../pages/pages.queries.js'
import { toPerson } from '../people/people.service.js'
import type { SyncEntry, SyncQuery } from './sync.schemas.js'

/**
 * The feed's own facts, kept in the database: the key its cursors are signed with, and the epoch
 * of its positions (a new epoch means old cursors can no longer be served).
 */
interface FeedState {
  key: Buffer
  epoch: string
}

const states = new WeakMap<Db, Promise<FeedState>>()

function feedState(db: Db): Promise<FeedState> {
  let state = states.get(db)
  if (!state) {
    state = loadFeedState(db)
    state.catch(() => states.delete(db))
    states.set(db, state)
  }
  return state
}

async function loadFeedState(db: Db): Promise<FeedState> {
  const fresh = { key: randomBytes(32).toString('base64url'), epoch: randomUUID() }
  // Made on first use, not by the migration: every embedded database starts from one template.
  await db.insert(systemState).values({ key: 'sync', value: fresh }).onConflictDoNothing()
  const [row] = await db.select({ value: systemState.value }).from(systemState).where(eq(systemState.key, 'sync'))
  const value = row!.value as { key: string; epoch: string }
  return { key: Buffer.from(value.key, 'base64url'), epoch: value.epoch }
}

/** A place in the change log: after the change (tx, seq); (0, 0) is the beginning. */
export interface Position {
  tx: string
  seq: number
}

const START: Position = { tx: '0', seq: 0 }

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 12)

export function encodeSyncCursor(state: FeedState, position: Position): string {
  const payload = `${state.epoch}.${position.tx}.${position.seq}`
  return `${Buffer.from(payload).toString('base64url')}.${mac(state.key, payload).toString('base64url')}`
}

/** A cursor this server signed; a garbled or forged one is a 400, one of an earlier epoch a 410. */
export function decodeSyncCursor(state: FeedState, cursor: string): Position {
  const invalid = () => badRequest('cursor', 'Not a cursor from meta.nextCursor of this feed')
  const [encoded, signature, extra] = cursor.split('.')
  if (!encoded || !signature || extra !== undefined) throw invalid()
  const payload = Buffer.from(encoded, 'base64url').toString('utf8')
  const given = Buffer.from(signature, 'base64url')
  const expected = mac(state.key, payload)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid()
  const match = /^([0-9a-f-]{36})\.(\d{1,20})\.(\d{1,18})$/.exec(payload)
  if (!match) throw invalid()
  if (match[1] !== state.epoch) {
    throw new CursorExpired('This cursor is from before the change log was rebuilt: start a full sync without a cursor')
  }
  return { tx: match[2]!, seq: Number(match[3]) }
}

/** A row of the change log, as the feed and the webhook dispatcher read it. */
export interface ChangeRow {
  tx: string
  seq: number
  type: ResourceType
  resource_id: string
  op: ChangeOp
  events: string[]
  version: number | null
  slug: string | null
  actor: string
  at: Date
}

/**
 * The changes after `position`, oldest first, that can no longer be joined by an earlier one:
 * only those of transactions older than the oldest still running. A transaction that took its id
 * earlier but commits later is therefore served after it commits, never skipped. The one reader
 * of the change log: the sync feed and the webhook dispatcher both page through it here.
 */
export async function changesAfter(db: Db, position: Position, limit: number, types?: ResourceType[]): Promise<ChangeRow[]> {
  const typeFilter: SQL = types ? sql`and type in ${types}` : sql``
  const rows = await rawRows<ChangeRow & { at: Date | string; seq: number | string }>(
    db,
    sql`select tx::text as tx, seq, type, resource_id, op, events, version, slug, actor, at from changes
      where (tx, seq) > (${position.tx}::xid8, ${position.seq}::bigint)
        and tx < pg_snapshot_xmin(pg_current_snapshot()) ${typeFilter}
      order by changes.tx, changes.seq -- the columns, not the text alias tx
      limit ${limit}`,
  )
  return rows.map((r) => ({ ...r, seq: Number(r.seq), at: new Date(r.at) }))
}

/** Each resource's current state as JSON bytes, by id. */
type Loaded = Map<string, Buffer>

const jsonOf = (value: unknown) => Buffer.from(JSON.stringify(value))

/**
 * The current state of each resource named, as its own GET answers it (JSON bytes: an
 * article's as PostgreSQL built it); absent when it is gone.
 */
export async function currentState(db: Db, wanted: Map<ResourceType, string[]>): Promise<Map<ResourceType, Loaded>> {
  const load = async (type: ResourceType, ids: string[]): Promise<Loaded> => {
    switch (type) {
      case 'article':
        return new Map((await articleStatements(db).live.execute({ ids })).map((row) => [row.id, answerBytes(row)]))
      case 'category':
        return new Map((await db.select().from(categories).where(inArray(categories.id, ids))).map((r) => [r.id, jsonOf(toCategory(r))]))
      case 'person':
        return new Map((await db.select().from(people).where(inArray(people.id, ids))).map((r) => [r.id, jsonOf(toPerson(r))]))
      case 'media':
        return new Map((await db.select().from(media).where(inArray(media.id, ids))).map((r) => [r.id, jsonOf(toMedia(r))]))
      case 'page': {
        const rows = await db.select(pageColumns).from(pages).where(and(inArray(pages.id, ids), isNull(pages.deletedAt)))
        return new Map(rows.map((r) => [r.id, jsonOf(toPage(r))]))
      }
      case 'menu':
        return new Map((await db.select().from(menus).where(inArray(menus.id, ids))).map((r) => [r.id, jsonOf(toMenu(r))]))
      case 'document':
        return documentsByIds(db, ids)
    }
  }
  const loaded = await Promise.all([...wanted].map(async ([type, ids]) => [type, await load(type, ids)] as const))
  return new Map(loaded)
}

/** Entries are loaded and written this many at a time, so a page of 1,000 long articles is never all objects at once. */
const CHUNK = 100

/**
 * One page of the feed, as the JSON text of a `SyncPage`: the resources that changed after the
 * cursor, each once, with its current state (or a tombstone), in the order of their last change
 * within the page. Built a chunk of entries at a time; any error comes before a byte is sent.
 */
export async function readSync(db: Db, query: SyncQuery): Promise<Buffer> {
  const state = await feedState(db)
  const from = query.cursor ? decodeSyncCursor(state, query.cursor) : START
  const rows = await changesAfter(db, from, query.limit + 1, query.types)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)

  const latest = new Map<string, ChangeRow>()
  for (const row of page) {
    const key = `${row.type}:${row.resource_id}`
    latest.delete(key)
    latest.set(key, row)
  }
  const entries = [...latest.values()]
  const load = (from: number) => {
    const chunk = entries.slice(from, from + CHUNK)
    const wanted = new Map<ResourceType, string[]>()
    for (const row of chunk) wanted.set(row.type, [...(wanted.get(row.type) ?? []), row.resource_id])
    return { chunk, found: currentState(db, wanted) }
  }
  const parts: Buffer[] = [Buffer.from('{"data":[')]
  // The next chunk is read while this one is written: PostgreSQL and Node take turns less.
  let next = entries.length ? load(0) : undefined
  for (let i = 0; next; i += CHUNK) {
    const { chunk, found: loading } = next
    const found = await loading
    next = i + CHUNK < entries.length ? load(i + CHUNK) : undefined
    chunk.forEach((row, j) => {
      if (i + j > 0) parts.push(COMMA)
      parts.push(...entryParts(row, found.get(row.type)?.get(row.resource_id) ?? null))
    })
  }
  const meta = {
    limit: query.limit,
    nextCursor: encodeSyncCursor(state, last ? { tx: last.tx, seq: last.seq } : from),
    hasMore: rows.length > query.limit,
  }
  parts.push(Buffer.from(`],"meta":${JSON.stringify(meta)}}`))
  return Buffer.concat(parts)
}

/** A `SyncEntry` as JSON bytes, around the bytes of the resource's current state. */
function entryParts(row: ChangeRow, current: Buffer | null): Buffer[] {
  const head = { type: row.type, id: row.resource_id, op: current ? 'upsert' : 'delete', at: row.at.toISOString() } satisfies Omit<SyncEntry, 'data'>
  return [Buffer.from(`${JSON.stringify(head).slice(0, -1)},"data":`), current ?? NULL, END]
}
const COMMA = Buffer.from(',')
const NULL = Buffer.from('null')
const END = Buffer.from('}')

/**
 * Positions are transaction ids, which only grow on one server. A database restored from a dump
 * into another server may hold ids above the new server's: new changes would then sort before
 * old ones and be skipped by cursors. Run at start, before any write: the old changes
 * move to position 0, in their order, and a new epoch makes earlier cursors a 410.
 */
export async function rebaseChangeLogIfRestored(db: Db): Promise<boolean> {
  const [row] = await rawRows<{ restored: boolean }>(
    db,
    sql`select exists(select 1 from changes where tx >= pg_snapshot_xmax(pg_current_snapshot())) as restored`,
  )
  if (!row?.restored) return false
  await db.transaction(async (tx) => {
    await tx.execute(sql`update changes set tx = '0'::xid8`)
    await tx
      .update(systemState)
      .set({ value: sql`jsonb_set(${systemState.value}, '{epoch}', to_jsonb(${randomUUID()}::text))`, updatedAt: new Date() })
      .where(eq(systemState.key, 'sync'))
  })
  states.delete(db)
  return true
}
