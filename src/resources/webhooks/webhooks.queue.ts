import { and, eq, inArray, lt, sql } from 'drizzle-orm'
import { type Db, rawRows } from '../../db/client.js'
import { type FixedStatement, fixedStatementOf, pageLimit, runFixed } from '../../db/prepared.js'
import { webhookMessages, webhooks } from '../../db/schema.js'
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

const claimStatements = new Map<string, FixedStatement>()

/**
 * The claim of up to `limit` messages, written out once per limit and prepared: the worker claims
 * after almost every attempt, and planning the statement anew each time cost PostgreSQL as much
 * as running it. The limit is in the text (see pageLimit), so the plan walks the due index in
 * claim order and stops at it.
 */
export function claimStatement(limit: number): FixedStatement {
  return fixedStatementOf(claimStatements, String(limit), () => {
    const now = sql.placeholder('now')
    return sql`with due as (
        select m.id from webhook_messages m
        join webhooks w on w.id = m.webhook_id
        where ((m.status = 'pending' and m.next_attempt_at <= ${now}) or (m.status = 'delivering' and m.lease_until < ${now}))
          and (w.enabled or m.event = ${PING})
          and (m.ordering_key is null or not exists (
            select 1 from webhook_messages e
            where e.webhook_id = m.webhook_id and e.ordering_key = m.ordering_key and e.seq < m.seq
              and e.status in ('pending', 'delivering')))
        order by m.next_attempt_at, m.seq
        limit ${pageLimit(limit)}
        for update of m skip locked)
      update webhook_messages m set status = 'delivering', claim_token = ${sql.placeholder('token')}, lease_until = ${sql.placeholder('lease')}
      from due, webhooks w
      where m.id = due.id and w.id = m.webhook_id
      returning m.id, m.webhook_id, m.event, m.payload, m.attempts, w.url, w.secret, w.previous_secret, w.previous_secret_expires_at`
  })
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
  const rows = (await runFixed(db, claimStatement(limit), { now, token, lease })) as {
    id: string
    webhook_id: string
    event: string
    payload: string
    attempts: number
    url: string
    secret: string
    previous_secret: string | null
    previous_secret_expires_at: Date | string | null
  }[]
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

export interface RecordOptions {
  now: Date
  schedule: number[]
  disableAfterMs: number
  random?: () => number
}

/** Records one attempt: see recordAttempts. */
export async function recordAttempt(db: Db, claimed: Claimed, result: AttemptResult, options: RecordOptions): Promise<Outcome> {
  const [outcome] = await recordAttempts(db, [{ claimed, result }], options)
  return outcome!
}

/**
 * Records attempts and what follows from each: a success finishes the message and ends the
 * webhook's run of failures; a failure schedules the next attempt, or after the last one marks
 * the message `failed`. A webhook whose attempts have all failed for `disableAfterMs` is
 * disabled, with the reason. A message whose claim was lost meanwhile (its lease ran out and
 * another worker took it) is left as it is; its attempt is logged all the same. One statement
 * for any number of attempts: the worker records those that finish together at once.
 */
export async function recordAttempts(db: Db, attempts: { claimed: Claimed; result: AttemptResult }[], options: RecordOptions): Promise<Outcome[]> {
  const { now, schedule, disableAfterMs, random } = options
  const rows = attempts.map(({ claimed, result }) => {
    const count = claimed.attempts + 1
    const delay = result.ok ? null : retryDelay(schedule, count, random)
    const status = result.ok ? 'succeeded' : delay === null ? 'failed' : 'pending'
    return {
      id: claimed.id,
      token: claimed.claimToken,
      status,
      attempts: count,
      finished_at: status === 'pending' ? null : now.toISOString(),
      next_attempt_at: delay === null ? null : new Date(now.getTime() + delay).toISOString(),
      attempt_id: newId(),
      at: new Date(now.getTime() - result.durationMs).toISOString(),
      duration_ms: result.durationMs,
      http_status: result.httpStatus,
      error: result.error?.slice(0, 1000) ?? null,
      response_body: result.responseBody?.slice(0, 1024) ?? null,
    }
  })
  // Each webhook's run of failures, in the order the attempts ended: a success ends it, the first
  // failure after that starts it. Pings say nothing about it.
  const runs = new Map<string, { reset: boolean; since: string | null }>()
  attempts.forEach(({ claimed, result }, i) => {
    if (claimed.event === PING) return
    const run = runs.get(claimed.webhookId) ?? { reset: false, since: null }
    if (result.ok) runs.set(claimed.webhookId, { reset: true, since: null })
    else runs.set(claimed.webhookId, { reset: run.reset, since: run.since ?? rows[i]!.at })
  })
  const webhookRows = [...runs].map(([id, run]) => ({ id, reset: run.reset, since: run.since }))
  const changed = await rawRows<{ id: string; failing_since: Date | string | null; enabled: boolean }>(
    db,
    sql`with r as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, token uuid, status text, attempts int,
          finished_at timestamptz, next_attempt_at timestamptz, attempt_id uuid, at timestamptz, duration_ms int, http_status int,
          error text, response_body text)),
      message as (
        update webhook_messages m set status = r.status, attempts = r.attempts, claim_token = null, lease_until = null,
          finished_at = r.finished_at, next_attempt_at = coalesce(r.next_attempt_at, m.next_attempt_at)
        from r where m.id = r.id and m.claim_token = r.token
        returning m.id),
      attempt as (
        insert into webhook_attempts (id, message_id, at, duration_ms, http_status, error, response_body)
        select r.attempt_id, r.id, r.at, r.duration_ms, r.http_status, r.error, r.response_body
        from r where exists (select 1 from webhook_messages m where m.id = r.id))
      update webhooks w set failing_since = case when h.reset then h.since else coalesce(w.failing_since, h.since) end
      from jsonb_to_recordset(${JSON.stringify(webhookRows)}::jsonb) as h(id uuid, reset boolean, since timestamptz)
      where w.id = h.id and (w.failing_since is not null or h.since is not null)
      returning w.id, w.failing_since, w.enabled`,
  )
  const disabled = new Set<string>()
  for (const webhook of changed) {
    if (!webhook.enabled || !webhook.failing_since) continue
    const failingSince = new Date(webhook.failing_since)
    if (now.getTime() - failingSince.getTime() < disableAfterMs) continue
    const last = [...attempts].reverse().find((a) => a.claimed.webhookId === webhook.id && !a.result.ok)!
    const days = Math.round((now.getTime() - failingSince.getTime()) / 86_400_000)
    const [off] = await db
      .update(webhooks)
      .set({
        enabled: false,
        disabledAt: now,
        disabledReason: `Every attempt since ${failingSince.toISOString()} failed (${days} days); the last: ${describe(last.result)}. PATCH enabled: true to resume.`,
        updatedAt: now,
      })
      .where(and(eq(webhooks.id, webhook.id), eq(webhooks.enabled, true)))
      .returning({ id: webhooks.id })
    if (off) disabled.add(webhook.id)
  }
  return attempts.map(({ claimed }, i) => {
    const status = rows[i]!.status
    const outcome = status === 'pending' ? 'retrying' : (status as 'succeeded' | 'failed')
    const last = [...attempts].reverse().find((a) => a.claimed.webhookId === claimed.webhookId)
    return { status: outcome, disabled: disabled.has(claimed.webhookId) && last?.claimed === claimed }
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
