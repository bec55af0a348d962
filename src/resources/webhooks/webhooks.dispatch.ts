import { eq, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { type ResourceType, systemState, webhooks } from '../../db/schema.js'
import { newId } from '../../shared/ids.js'
import { type ChangeRow, changesAfter, currentState, type Position } from '../sync/sync.service.js'
import { subscribes } from './webhooks.events.js'

const KEY = 'webhooks'

/** The body of a webhook for one event of one change, exactly as it is signed and sent. */
export function eventPayload(event: string, change: ChangeRow, object: unknown): string {
  return JSON.stringify({
    type: event,
    timestamp: change.at.toISOString(),
    data: {
      type: change.type,
      id: change.resource_id,
      op: change.op,
      version: change.version,
      slug: change.slug,
      actor: change.actor,
      object: change.op === 'delete' ? null : (object ?? null),
    },
  })
}

async function readPosition(db: Db): Promise<Position> {
  const [state] = await db.select({ value: systemState.value }).from(systemState).where(eq(systemState.key, KEY))
  return (state?.value as Position | undefined) ?? { tx: '0', seq: 0 }
}

/**
 * Turns the changes recorded since the last run into one message per event per webhook that
 * subscribes to it. It reads the change log as the sync feed does (see changesAfter in
 * sync.service.ts): in (tx, seq) order and only below the oldest transaction still running, so a
 * write that commits late is read late, never skipped. The messages and the new position are
 * written in one transaction, under a lock on the position, and only if the position is still
 * the one read: a crash leaves both as they were, and of two instances dispatching at once one
 * writes and the other finds the work done. So nothing is lost, nothing is made twice, and
 * messages are made in commit order, the order they are delivered in per resource.
 */
export async function dispatchEvents(
  db: Db,
  { now = new Date(), limit = 500, firstDelayMs = 0 }: { now?: Date; limit?: number; firstDelayMs?: number } = {},
): Promise<{ changes: number; messages: number }> {
  const read = await readPosition(db)
  let position = read
  // A database restored into another server, whose change log was rebased (tx set to 0, see
  // rebaseChangeLogIfRestored): a position from the old server's ids would skip every new change.
  const [future] = await rawRows<{ ahead: boolean }>(db, sql`select ${read.tx}::xid8 >= pg_snapshot_xmax(pg_current_snapshot()) as ahead`)
  if (future?.ahead) position = { tx: '0', seq: read.seq }

  const rows = await changesAfter(db, position, limit)
  const last = rows.at(-1)
  if (!last) return { changes: 0, messages: 0 }

  const subscribers = await db
    .select({ id: webhooks.id, events: webhooks.events, sinceSeq: webhooks.sinceSeq })
    .from(webhooks)
    .where(eq(webhooks.enabled, true))
  const wanted = rows.flatMap((change) =>
    change.events.flatMap((event) =>
      subscribers.filter((w) => change.seq > w.sinceSeq && subscribes(w.events, event)).map((w) => ({ change, event, webhookId: w.id })),
    ),
  )
  const ids = new Map<ResourceType, string[]>()
  for (const { change } of wanted) if (change.op !== 'delete') ids.set(change.type, [...new Set([...(ids.get(change.type) ?? []), change.resource_id])])
  // The state as it is now, read outside the transaction (the article reads are prepared statements).
  const objects = ids.size ? await currentState(db, ids) : new Map()
  const next = new Date(now.getTime() + firstDelayMs).toISOString()
  // Built once per event, whatever the number of webhooks that get it, and sent to PostgreSQL
  // once: each message names its payload by its place in the list.
  const payloads: string[] = []
  const payloadPlaces = new Map<string, number>()
  const payloadOf = (change: ChangeRow, event: string) => {
    const key = `${change.seq}/${event}`
    let place = payloadPlaces.get(key)
    if (place === undefined) {
      const object = objects.get(change.type)?.get(change.resource_id)
      payloads.push(eventPayload(event, change, object && JSON.parse(object.toString('utf8'))))
      payloadPlaces.set(key, (place = payloads.length))
    }
    return place
  }
  const values = wanted.map(({ change, event, webhookId }) => ({
    id: newId(),
    webhook_id: webhookId,
    event,
    ordering_key: `${change.type}:${change.resource_id}`,
    resource_type: change.type,
    resource_id: change.resource_id,
    payload_place: payloadOf(change, event),
    next_attempt_at: next,
    event_at: change.at.toISOString(),
  }))

  return db.transaction(async (tx) => {
    await tx.insert(systemState).values({ key: KEY, value: { tx: '0', seq: 0 } }).onConflictDoNothing()
    const [state] = await tx.select({ value: systemState.value }).from(systemState).where(eq(systemState.key, KEY)).for('update')
    const current = state!.value as Position
    if (current.tx !== read.tx || current.seq !== read.seq) return { changes: 0, messages: 0 }
    // The rows as one parameter of JSON rather than ten per row (many parameters cost more than
    // the rows), and each payload as a parameter of its own, as it is: inside JSON its every
    // quote would be escaped and parsed again, once per webhook. Inserted in the order made, so
    // that `seq` follows commit order. A webhook deleted meanwhile is left out.
    let made = 0
    if (values.length) {
      const inserted = await rawRows<{ n: number }>(
        tx,
        sql`with made as (
            insert into webhook_messages (id, webhook_id, event, ordering_key, resource_type, resource_id, payload, next_attempt_at, event_at, created_at)
            select m.id, m.webhook_id, m.event, m.ordering_key, m.resource_type, m.resource_id, p.payload, m.next_attempt_at, m.event_at, ${now}
            from rows from (jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as (id uuid, webhook_id uuid, event text, ordering_key text,
              resource_type text, resource_id uuid, payload_place int, next_attempt_at timestamptz, event_at timestamptz))
              with ordinality as m(id, webhook_id, event, ordering_key, resource_type, resource_id, payload_place, next_attempt_at, event_at, n)
            join unnest(array[${sql.join(payloads.map((payload) => sql`${payload}`), sql`, `)}]::text[]) with ordinality as p(payload, place)
              on p.place = m.payload_place
            where exists (select 1 from webhooks w where w.id = m.webhook_id)
            order by m.n
            returning 1)
          select count(*)::int as n from made`,
      )
      made = inserted[0]?.n ?? 0
      if (made) await tx.execute(sql`select pg_notify('bantin_webhooks', '')`)
    }
    await tx
      .update(systemState)
      .set({ value: { tx: last.tx, seq: last.seq }, updatedAt: now })
      .where(eq(systemState.key, KEY))
    return { changes: rows.length, messages: made }
  })
}
