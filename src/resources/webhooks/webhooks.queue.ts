import { and, eq, inArray, lt, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { webhookAttempts, webhookMessages, webhooks } from '../../db/schema.js'
import { newId } from '../../shared/ids.js'
import type { AttemptResult } from './webhooks.delivery.js'
import { PING } from './webhooks.events.js'

/** A message the worker holds: what to send, where, and signed with which secrets. */
export interface Claimed {
  id: string
  webhookId: string
  event: string
  payload: string
  attempts: number
  claimToken: string
  url: string
  secrets: string[]
}

/**
 * Takes up to `limit` messages that are due, for this worker alone: pending ones whose time has
 * come, and ones another worker held past its lease (it crashed). A message is not due while an
 * earlier one of the same webhook and resource is unfinished, so each resource's events arrive
 * in commit order; other resources pass it. Rows another worker is claiming are skipped
 * (FOR UPDATE SKIP LOCKED), so no two workers take the same message. A message of a disabled
 * webhook waits, except a ping. Marked `delivering` with a lease and committed at once: the HTTP
 * request runs outside any transaction.
 */
export async function claimDue(db: Db, { limit, now, leaseMs }: { limit: number; now: Date; leaseMs: number }): Promise<Claimed[]> {
  const token = newId()
  const lease = new Date(now.getTime() + leaseMs)
  const rows = await rawRows<{
    id: string
    webhook_id: string
    event: string
    payload: string
    attempts: number
    url: string
    secret: string
    previous_secret: string | null
    previous_secret_expires_at: Date | string | null
  }>(
    db,
    sql`with due as (
        select m.id from webhook_messages m
        join webhooks w on w.id = m.webhook_id
        where ((m.status = 'pending' and m.next_attempt_at <= ${now}) or (m.status = 'delivering' and m.lease_until < ${now}))
          and (w.enabled or m.event = ${PING})
          and (m.ordering_key is null or not exists (
            select 1 from webhook_messages e
            where e.webhook_id = m.webhook_id and e.ordering_key = m.ordering_key and e.seq < m.seq
              and e.status in ('pending', 'delivering')))
        order by m.next_attempt_at, m.seq
        limit ${limit}
        for update of m skip locked)
      update webhook_messages m set status = 'delivering', claim_token = ${token}, lease_until = ${lease}
      from due, webhooks w
      where m.id = due.id and w.id = m.webhook_id
      returning m.id, m.webhook_id, m.event, m.payload, m.attempts, w.url, w.secret, w.previous_secret, w.previous_secret_expires_at`,
  )
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.webhook_id,
    event: r.event,
    payload: r.payload,
    attempts: r.attempts,
    claimToken: token,
    url: r.url,
    secrets: [
      r.secret,
      ...(r.previous_secret && r.previous_secret_expires_at && new Date(r.previous_secret_expires_at) > now ? [r.previous_secret] : []),
    ],
  }))
}

/** The wait before attempt `n + 1` after `n` failed ones, with up to 20 % added at random so that retries spread out. */
export function retryDelay(schedule: number[], failed: number, random = Math.random): number | null {
  const base = schedule[failed]
  if (base === undefined) return null
  return Math.round(base * (1 + 0.2 * random()))
}

export interface Outcome {
  status: 'succeeded' | 'retrying' | 'failed'
  /** Set when this failure disabled the webhook. */
  disabled: boolean
}

/**
 * Records an attempt and what follows from it: a success finishes the message and ends the
 * webhook's run of failures; a failure schedules the next attempt, or after the last one marks
 * the message `failed`. A webhook whose attempts have all failed for `disableAfterMs` is
 * disabled, with the reason. Nothing changes if the claim was lost meanwhile (its lease ran out
 * and another worker took the message), except that the attempt is logged.
 */
export async function recordAttempt(
  db: Db,
  claimed: Claimed,
  result: AttemptResult,
  { now, schedule, disableAfterMs, random }: { now: Date; schedule: number[]; disableAfterMs: number; random?: () => number },
): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const attempted = new Date(now.getTime() - result.durationMs)
    const [message] = await tx
      .select({ id: webhookMessages.id })
      .from(webhookMessages)
      .where(and(eq(webhookMessages.id, claimed.id), eq(webhookMessages.claimToken, claimed.claimToken)))
      .for('update')
    const [exists] = message ? [message] : await tx.select({ id: webhookMessages.id }).from(webhookMessages).where(eq(webhookMessages.id, claimed.id))
    if (exists) {
      await tx.insert(webhookAttempts).values({
        id: newId(),
        messageId: claimed.id,
        at: attempted,
        durationMs: result.durationMs,
        httpStatus: result.httpStatus,
        error: result.error?.slice(0, 1000) ?? null,
        responseBody: result.responseBody?.slice(0, 1024) ?? null,
      })
    }
    const failed = claimed.attempts + 1
    if (!message) return { status: result.ok ? 'succeeded' : 'retrying', disabled: false }
    const done = { claimToken: null, leaseUntil: null, attempts: failed }
    if (result.ok) {
      await tx.update(webhookMessages).set({ ...done, status: 'succeeded', finishedAt: now }).where(eq(webhookMessages.id, claimed.id))
      await tx.update(webhooks).set({ failingSince: null }).where(and(eq(webhooks.id, claimed.webhookId), sql`${webhooks.failingSince} is not null`))
      return { status: 'succeeded', disabled: false }
    }
    const delay = retryDelay(schedule, failed, random)
    await tx
      .update(webhookMessages)
      .set(delay === null ? { ...done, status: 'failed', finishedAt: now } : { ...done, status: 'pending', nextAttemptAt: new Date(now.getTime() + delay) })
      .where(eq(webhookMessages.id, claimed.id))
    if (claimed.event === PING) return { status: delay === null ? 'failed' : 'retrying', disabled: false }
    const [webhook] = await tx
      .update(webhooks)
      .set({ failingSince: sql`coalesce(${webhooks.failingSince}, ${attempted})` })
      .where(eq(webhooks.id, claimed.webhookId))
      .returning({ failingSince: webhooks.failingSince, enabled: webhooks.enabled })
    let disabled = false
    if (webhook?.enabled && webhook.failingSince && now.getTime() - webhook.failingSince.getTime() >= disableAfterMs) {
      const days = Math.round((now.getTime() - webhook.failingSince.getTime()) / 86_400_000)
      await tx
        .update(webhooks)
        .set({
          enabled: false,
          disabledAt: now,
          disabledReason: `Every attempt since ${webhook.failingSince.toISOString()} failed (${days} days); the last: ${describe(result)}. PATCH enabled: true to resume.`,
          updatedAt: now,
        })
        .where(eq(webhooks.id, claimed.webhookId))
      disabled = true
    }
    return { status: delay === null ? 'failed' : 'retrying', disabled }
  })
}

export const describe = (result: AttemptResult) => (result.error ?? `HTTP ${result.httpStatus}`).slice(0, 300)

/** Gives claimed messages back, untried, for another worker or a later run: at shutdown. */
export async function releaseClaims(db: Db, claims: Claimed[]): Promise<void> {
  if (!claims.length) return
  for (const claim of claims) {
    await db
      .update(webhookMessages)
      .set({ status: 'pending', claimToken: null, leaseUntil: null })
      .where(and(eq(webhookMessages.id, claim.id), eq(webhookMessages.claimToken, claim.claimToken)))
  }
}

/** Removes finished messages (and their attempts) older than the retention from the log. */
export async function pruneLog(db: Db, { now, retentionMs }: { now: Date; retentionMs: number }): Promise<number> {
  const before = new Date(now.getTime() - retentionMs)
  let removed = 0
  for (;;) {
    const batch = await db
      .select({ id: webhookMessages.id })
      .from(webhookMessages)
      .where(and(inArray(webhookMessages.status, ['succeeded', 'failed']), lt(webhookMessages.finishedAt, before)))
      .limit(1000)
    if (!batch.length) return removed
    await db.delete(webhookMessages).where(inArray(webhookMessages.id, batch.map((r) => r.id)))
    removed += batch.length
  }
}

/** Depth and age of the queue, for /metrics: messages not yet finished, and the oldest event among them. */
export async function queueStats(db: Db, now = new Date()): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const [row] = await rawRows<{ depth: number; oldest: Date | string | null }>(
    db,
    sql`select count(*)::int as depth, min(event_at) as oldest from webhook_messages where status in ('pending', 'delivering')`,
  )
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null
  return { depth: row?.depth ?? 0, oldestAgeSeconds: oldest === null ? 0 : Math.max(0, (now.getTime() - oldest) / 1000) }
}
