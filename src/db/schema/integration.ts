/** What integrators are served: the change log, the server's own state, webhooks. */
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, nowMs, timestamptz, updatedAt, xid8 } from './columns.js'
import type { ChangeOp, ResourceType } from './content.js'

/**
 * One row per write of any resource, written in the write's own transaction (or statement): what
 * the sync feed serves and webhooks are made from. Rows are read in (tx, seq) order and only
 * below the oldest transaction still running, so one that commits late cannot be skipped.
 */
export const changes = pgTable(
  'changes',
  {
    /** Order within a transaction (and a tie-breaker): not commit order on its own. */
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The transaction that wrote it. */
    tx: xid8('tx').notNull().default(sql`pg_current_xact_id()`),
    type: text('type').$type<ResourceType>().notNull(),
    resourceId: uuid('resource_id').notNull(),
    /** Whether the resource exists for readers after this write (`upsert`) or not (`delete`). */
    op: text('op').$type<ChangeOp>().notNull(),
    /** What happened, as webhook event names: `article.created`, `article.published`… */
    events: text('events').array().notNull(),
    /** The resource's version after the write; null once it is gone for good. */
    version: integer('version'),
    /** The slug at the time, so a receiver can purge a path even after a delete. */
    slug: text('slug'),
    actor: text('actor').notNull(),
    tokenId: uuid('token_id'),
    at: timestamptz('at').notNull().default(nowMs),
  },
  (t) => [
    check('changes_type_check', sql`${t.type} in ('article', 'category', 'person', 'media', 'page', 'menu', 'document')`),
    check('changes_op_check', sql`${t.op} in ('upsert', 'delete')`),
    index('changes_position_idx').on(t.tx, t.seq),
    index('changes_type_position_idx').on(t.type, t.tx, t.seq),
  ],
)

/** Small facts the server keeps about itself: the change log's epoch, job watermarks. */
export const systemState = pgTable('system_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
})

export const webhookStatuses = ['pending', 'delivering', 'succeeded', 'failed'] as const
export type WebhookStatus = (typeof webhookStatuses)[number]

/** Where integrators want events sent. Configuration, not content: not in the change log. */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description'),
    /** Event names, `<type>.*` or `*`. */
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Why the server disabled it (an endpoint failing for days); null when enabled by hand. */
    disabledReason: text('disabled_reason'),
    disabledAt: timestamptz('disabled_at'),
    /** `whsec_` + base64: kept in clear, as the server must sign with it. */
    secret: text('secret').notNull(),
    /** After a rotation, the old secret also signs until `previousSecretExpiresAt`. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamptz('previous_secret_expires_at'),
    /** The first failed attempt since the last success: the endpoint is disabled when it is too old. */
    failingSince: timestamptz('failing_since'),
    /** The change log's sequence when the webhook was made: it gets the changes recorded after. */
    sinceSeq: bigint('since_seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('webhooks_created_idx').on(t.createdAt, t.id)],
)

/**
 * One event to send to one webhook (a "delivery" in the API), made from the change log by the
 * dispatcher. `seq` is the order in which they were made, which is commit order: for one
 * webhook, a message waits while an earlier one with the same `orderingKey` is not finished.
 */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    id: uuid('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** `<type>:<id>` of the resource; null for a ping, which waits for nothing. */
    orderingKey: text('ordering_key'),
    resourceType: text('resource_type').$type<ResourceType>(),
    resourceId: uuid('resource_id'),
    /** The JSON body, exactly as it is signed and sent on every attempt. */
    payload: text('payload').notNull(),
    status: text('status').$type<WebhookStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    /** The worker that holds it while it is `delivering`, and until when; then another may take it. */
    claimToken: uuid('claim_token'),
    leaseUntil: timestamptz('lease_until'),
    /** When the change happened. */
    eventAt: timestamptz('event_at').notNull(),
    createdAt: createdAt(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    check('webhook_messages_status_check', sql`${t.status} in ('pending', 'delivering', 'succeeded', 'failed')`),
    uniqueIndex('webhook_messages_seq_key').on(t.seq),
    // The delivery log: newest first per webhook.
    index('webhook_messages_webhook_seq_idx').on(t.webhookId, t.seq.desc()),
    // What the worker claims, in the order it claims it (all messages of one dispatch share their
    // time, so `seq` in the index lets a claim stop at its limit instead of sorting the batch),
    // and what an earlier unfinished message of the same resource blocks.
    index('webhook_messages_due_idx').on(t.nextAttemptAt, t.seq).where(sql`${t.status} in ('pending', 'delivering')`),
    index('webhook_messages_open_key_idx').on(t.webhookId, t.orderingKey, t.seq).where(sql`${t.status} in ('pending', 'delivering')`),
    index('webhook_messages_finished_idx').on(t.finishedAt).where(sql`${t.finishedAt} is not null`),
  ],
)

/** Every attempt to send a message: when, how long, what the endpoint answered or what went wrong. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => webhookMessages.id, { onDelete: 'cascade' }),
    at: timestamptz('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    httpStatus: integer('http_status'),
    error: text('error'),
    /** The start of the response body. */
    responseBody: text('response_body'),
  },
  (t) => [index('webhook_attempts_message_idx').on(t.messageId, t.at)],
)
