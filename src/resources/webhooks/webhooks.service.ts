import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { webhookAttempts, webhookMessages, webhooks } from '../../db/schema.js'
import { badRequest, NotFound } from '../../errors.js'
import { decodeCursor, encodeCursor } from '../../shared/cursor.js'
import { newId } from '../../shared/ids.js'
import { generateSecret } from './webhooks.delivery.js'
import { PING } from './webhooks.events.js'
import type { Delivery, DeliveryQuery, Webhook, WebhookInput, WebhookPatch } from './webhooks.schemas.js'
import { checkDestination, type Lookup, RefusedDestination } from './webhooks.ssrf.js'

/** How long deliveries carry the old secret's signature too, after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000

type WebhookRow = typeof webhooks.$inferSelect
type MessageRow = typeof webhookMessages.$inferSelect
type AttemptRow = typeof webhookAttempts.$inferSelect

export const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  url: row.url,
  description: row.description,
  events: row.events,
  enabled: row.enabled,
  disabledReason: row.disabledReason,
  disabledAt: row.disabledAt?.toISOString() ?? null,
  failingSince: row.failingSince?.toISOString() ?? null,
  previousSecretExpiresAt: row.previousSecret ? (row.previousSecretExpiresAt?.toISOString() ?? null) : null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

export interface DestinationPolicy {
  allowPrivate: boolean
  lookup?: Lookup
}

/** A URL that cannot be delivered to is refused now, with the reason, rather than at every delivery. */
async function assertDeliverable(url: string, policy: DestinationPolicy) {
  try {
    await checkDestination(new URL(url), policy.allowPrivate, policy.lookup)
  } catch (err) {
    if (err instanceof RefusedDestination) throw badRequest('url', `${err.message}: refused (see WEBHOOK_ALLOW_PRIVATE)`)
    throw err
  }
}

/** A new webhook; its secret is in the answer and in no later one. */
export async function createWebhook(db: Db, input: WebhookInput, policy: DestinationPolicy): Promise<Webhook & { secret: string }> {
  await assertDeliverable(input.url, policy)
  const secret = input.secret ?? generateSecret()
  const now = new Date()
  const [row] = await db
    .insert(webhooks)
    .values({
      id: newId(),
      url: input.url,
      description: input.description ?? null,
      events: input.events,
      enabled: input.enabled ?? true,
      secret,
      // Changes recorded from now on are its to receive (the sequence counts uncommitted ones too).
      sinceSeq: sql`coalesce(pg_sequence_last_value('changes_seq_seq'::regclass), 0)`,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  return { ...toWebhook(row!), secret }
}

export async function listWebhooks(db: Db): Promise<Webhook[]> {
  return (await db.select().from(webhooks).orderBy(asc(webhooks.createdAt), asc(webhooks.id))).map(toWebhook)
}

async function findWebhook(db: Db, id: string, lock = false): Promise<WebhookRow> {
  const query = db.select().from(webhooks).where(eq(webhooks.id, id))
  const [row] = lock ? await query.for('update') : await query
  if (!row) throw new NotFound('Webhook', id)
  return row
}

export const getWebhook = async (db: Db, id: string) => toWebhook(await findWebhook(db, id))

/**
 * Changes a webhook. Enabling it (again) clears the reason it was disabled and its run of
 * failures; the deliveries it had waiting go out at once.
 */
export async function updateWebhook(db: Db, id: string, patch: WebhookPatch, policy: DestinationPolicy): Promise<Webhook> {
  if (patch.url !== undefined) await assertDeliverable(patch.url, policy)
  return db.transaction(async (tx) => {
    const current = await findWebhook(tx, id, true)
    const now = new Date()
    const enabling = patch.enabled === true && !current.enabled
    const [row] = await tx
      .update(webhooks)
      .set({
        ...(patch.url !== undefined && { url: patch.url }),
        ...(patch.events !== undefined && { events: patch.events }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled }),
        ...(patch.enabled === false && { disabledAt: now, disabledReason: null }),
        ...(enabling && { disabledAt: null, disabledReason: null, failingSince: null }),
        updatedAt: now,
      })
      .where(eq(webhooks.id, id))
      .returning()
    if (enabling) {
      await tx
        .update(webhookMessages)
        .set({ nextAttemptAt: now })
        .where(and(eq(webhookMessages.webhookId, id), eq(webhookMessages.status, 'pending'), sql`${webhookMessages.nextAttemptAt} > ${now}`))
      await notifyWorkers(tx)
    }
    return toWebhook(row!)
  })
}

/** Deletes a webhook and its delivery log; an attempt in flight finishes unrecorded. */
export async function deleteWebhook(db: Db, id: string): Promise<void> {
  const [row] = await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id })
  if (!row) throw new NotFound('Webhook', id)
}

/**
 * A new secret, shown in this answer only. For ROTATION_OVERLAP_MS deliveries are signed with
 * both, so receivers can switch when they like.
 */
export async function rotateSecret(db: Db, id: string, now = new Date()): Promise<Webhook & { secret: string }> {
  return db.transaction(async (tx) => {
    const current = await findWebhook(tx, id, true)
    const secret = generateSecret()
    const [row] = await tx
      .update(webhooks)
      .set({ secret, previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS), updatedAt: now })
      .where(eq(webhooks.id, id))
      .returning()
    return { ...toWebhook(row!), secret }
  })
}

/** Wakes the delivery workers of every instance (at commit). */
export const notifyWorkers = (db: Db) => db.execute(sql`select pg_notify('bantin_webhooks', '')`)

/** Queues a `webhook.ping` to the webhook: it waits for no other delivery, and goes out even when the webhook is disabled. */
export async function pingWebhook(db: Db, id: string): Promise<Delivery> {
  return db.transaction(async (tx) => {
    const webhook = await findWebhook(tx, id)
    const now = new Date()
    const messageId = newId()
    const payload = JSON.stringify({ type: PING, timestamp: now.toISOString(), data: { webhookId: webhook.id, url: webhook.url } })
    const [row] = await tx
      .insert(webhookMessages)
      .values({ id: messageId, webhookId: id, event: PING, orderingKey: null, payload, nextAttemptAt: now, eventAt: now, createdAt: now })
      .returning()
    await notifyWorkers(tx)
    return toDelivery(row!, [])
  })
}

const toAttempt = (row: AttemptRow) => ({
  at: row.at.toISOString(),
  durationMs: row.durationMs,
  httpStatus: row.httpStatus,
  error: row.error,
  responseBody: row.responseBody,
})

function toDelivery(row: MessageRow, attempts: AttemptRow[]): Delivery {
  const open = row.status === 'pending' || row.status === 'delivering'
  return {
    id: row.id,
    webhookId: row.webhookId,
    event: row.event,
    resource: row.resourceType && row.resourceId ? { type: row.resourceType, id: row.resourceId } : null,
    status: row.status,
    nextAttemptAt: open ? row.nextAttemptAt.toISOString() : null,
    eventAt: row.eventAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    attempts: attempts.map(toAttempt),
  }
}

async function attemptsOf(db: Db, ids: string[]): Promise<Map<string, AttemptRow[]>> {
  const byMessage = new Map<string, AttemptRow[]>()
  if (!ids.length) return byMessage
  const rows = await db.select().from(webhookAttempts).where(inArray(webhookAttempts.messageId, ids)).orderBy(asc(webhookAttempts.at), asc(webhookAttempts.id))
  for (const row of rows) byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), row])
  return byMessage
}

/** The delivery log of a webhook, newest first, each delivery with its attempts. */
export async function listDeliveries(db: Db, webhookId: string, query: DeliveryQuery) {
  await findWebhook(db, webhookId)
  const after = query.cursor ? decodeCursor(query.cursor, 'deliveries') : undefined
  if (after && (typeof after.value !== 'number' || !Number.isSafeInteger(after.value))) throw badRequest('cursor', 'Not a cursor from meta.nextCursor')
  const rows = await db
    .select()
    .from(webhookMessages)
    .where(
      and(
        eq(webhookMessages.webhookId, webhookId),
        query.status ? eq(webhookMessages.status, query.status) : undefined,
        after ? lt(webhookMessages.seq, after.value as number) : undefined,
      ),
    )
    .orderBy(desc(webhookMessages.seq))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const attempts = await attemptsOf(db, page.map((r) => r.id))
  const last = page.at(-1)
  return {
    data: page.map((row) => toDelivery(row, attempts.get(row.id) ?? [])),
    meta: { limit: query.limit, nextCursor: rows.length > query.limit && last ? encodeCursor({ sort: 'deliveries', value: last.seq, id: last.id }) : null },
  }
}

async function findDelivery(db: Db, webhookId: string, deliveryId: string, lock = false) {
  const query = db.select().from(webhookMessages).where(and(eq(webhookMessages.id, deliveryId), eq(webhookMessages.webhookId, webhookId)))
  const [row] = lock ? await query.for('update') : await query
  if (!row) throw new NotFound('Delivery', deliveryId)
  return row
}

export async function getDelivery(db: Db, webhookId: string, deliveryId: string) {
  const row = await findDelivery(db, webhookId, deliveryId)
  const attempts = await attemptsOf(db, [row.id])
  return { ...toDelivery(row, attempts.get(row.id) ?? []), payload: JSON.parse(row.payload) as Record<string, unknown> }
}

/**
 * Sends a delivery again now, whatever its state: a failed one gets one more attempt, a
 * succeeded one is sent again (receivers skip it by its webhook-id if they have it). One in
 * flight is left to finish. Later events of the same resource wait for it, as they would have.
 */
export async function retryDelivery(db: Db, webhookId: string, deliveryId: string): Promise<Delivery> {
  return db.transaction(async (tx) => {
    const current = await findDelivery(tx, webhookId, deliveryId, true)
    let row = current
    if (current.status !== 'delivering') {
      const now = new Date()
      ;[row] = (await tx
        .update(webhookMessages)
        .set({ status: 'pending', nextAttemptAt: now, finishedAt: null, claimToken: null, leaseUntil: null })
        .where(eq(webhookMessages.id, deliveryId))
        .returning()) as [MessageRow]
      await notifyWorkers(tx)
    }
    const attempts = await attemptsOf(tx, [row.id])
    return toDelivery(row, attempts.get(row.id) ?? [])
  })
}
