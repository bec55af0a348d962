import { z } from 'zod'
import { webhookStatuses } from '../../db/schema.js'
import { Cursor, Limit, OptionalText, Timestamp } from '../../shared/schemas.js'
import { SECRET_PREFIX } from './webhooks.delivery.js'
import { subscribableEvents } from './webhooks.events.js'

export const WebhookEvent = z
  .enum(subscribableEvents)
  .meta({ id: 'WebhookEvent', description: 'An event name (`article.published`), all of a type (`article.*`), or everything (`*`)' })

const Events = z
  .array(WebhookEvent)
  .min(1)
  .max(50)
  .transform((list) => [...new Set(list)])

const Url = z
  .url({ protocol: /^https?$/, error: 'An http:// or https:// URL' })
  .max(2000)
  .refine((v) => {
    const url = new URL(v)
    return !url.username && !url.password
  }, 'No user or password in the URL: put a secret in the path or verify the signature')
  .describe('Where events are POSTed. Its host must not resolve to a private, loopback or link-local address.')

const Secret = z
  .string()
  .regex(new RegExp(`^${SECRET_PREFIX}[A-Za-z0-9+/]{32,88}={0,2}$`), `${SECRET_PREFIX} followed by the base64 of 24 to 64 random bytes`)
  .refine((v) => {
    const bytes = Buffer.from(v.slice(SECRET_PREFIX.length), 'base64').length
    return bytes >= 24 && bytes <= 64
  }, 'The secret must be 24 to 64 bytes')

export const Webhook = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().describe('Why the server disabled it; PATCH enabled: true resumes it'),
    disabledAt: Timestamp.nullable(),
    failingSince: Timestamp.nullable().describe('The first failed attempt since the last success'),
    previousSecretExpiresAt: Timestamp.nullable().describe('After a rotation: until then, deliveries carry a signature with the old secret too'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Webhook' })
export type Webhook = z.infer<typeof Webhook>

export const WebhookWithSecret = Webhook.extend({
  secret: z.string().describe('whsec_… : shown only in this answer. Verify deliveries with it (Standard Webhooks).'),
}).meta({ id: 'WebhookWithSecret' })

export const WebhookInput = z.strictObject({
  url: Url,
  events: Events,
  description: OptionalText(500),
  enabled: z.boolean().optional(),
  secret: Secret.optional().describe('Your own secret; without one the server makes one'),
})
export type WebhookInput = z.infer<typeof WebhookInput>

export const WebhookPatch = z.strictObject({
  url: Url.optional(),
  events: Events.optional(),
  description: OptionalText(500),
  enabled: z.boolean().optional().describe('true resumes a disabled webhook, with the deliveries it had waiting'),
})
export type WebhookPatch = z.infer<typeof WebhookPatch>

export const WebhookParams = z.strictObject({ id: z.uuid() })
export const DeliveryParams = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() })

export const DeliveryStatus = z.enum(webhookStatuses).meta({
  id: 'DeliveryStatus',
  description: 'pending: waiting for its next attempt (or for an earlier event of the same resource); delivering: an attempt is in flight; succeeded; failed: every attempt failed',
})

export const Attempt = z
  .object({
    at: Timestamp,
    durationMs: z.number().int(),
    httpStatus: z.number().int().nullable().describe('null when no answer came'),
    error: z.string().nullable(),
    responseBody: z.string().nullable().describe('The start of the answer (at most 1 KiB)'),
  })
  .meta({ id: 'DeliveryAttempt' })

export const Delivery = z
  .object({
    id: z.uuid().describe('Also the webhook-id header: the same on every attempt, so receivers can skip one they already have'),
    webhookId: z.uuid(),
    event: z.string(),
    resource: z.object({ type: z.string(), id: z.uuid() }).nullable(),
    status: DeliveryStatus,
    nextAttemptAt: Timestamp.nullable(),
    eventAt: Timestamp,
    createdAt: Timestamp,
    finishedAt: Timestamp.nullable(),
    attempts: z.array(Attempt).describe('Oldest first'),
  })
  .meta({ id: 'Delivery' })
export type Delivery = z.infer<typeof Delivery>

export const DeliveryWithPayload = Delivery.extend({
  payload: z.record(z.string(), z.unknown()).describe('The body sent: { type, timestamp, data }'),
}).meta({ id: 'DeliveryWithPayload' })

export const DeliveryQuery = z.strictObject({
  status: DeliveryStatus.optional(),
  limit: Limit,
  cursor: Cursor,
})
export type DeliveryQuery = z.infer<typeof DeliveryQuery>

export const DeliveryPage = z.object({
  data: z.array(Delivery),
  meta: z.object({ limit: z.number().int(), nextCursor: z.string().nullable() }),
})
