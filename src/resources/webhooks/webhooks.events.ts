import { type ResourceType, resourceTypes } from '../../db/schema.js'

/** Every event the change log records, by resource: what a webhook may subscribe to. */
export const EVENTS = {
  article: ['created', 'updated', 'published', 'unpublished', 'deleted', 'restored', 'purged'],
  category: ['created', 'updated', 'deleted'],
  person: ['created', 'updated', 'deleted'],
  media: ['created', 'updated', 'deleted'],
  page: ['created', 'updated', 'published', 'unpublished', 'deleted', 'restored', 'purged'],
  menu: ['created', 'updated', 'deleted'],
  document: ['created', 'updated', 'deleted'],
} as const satisfies Record<ResourceType, readonly string[]>

export const eventNames = resourceTypes.flatMap((type) => EVENTS[type].map((e) => `${type}.${e}`))

/** What `events` of a webhook may hold: an event name, `<type>.*`, or `*` for everything. */
export const subscribableEvents = ['*', ...resourceTypes.map((type) => `${type}.*`), ...eventNames] as [string, ...string[]]

/** Sent by `POST /v1/webhooks/{id}/ping`, whatever the webhook subscribes to. */
export const PING = 'webhook.ping'

/** Whether a webhook subscribed to `patterns` wants `event`. */
export function subscribes(patterns: readonly string[], event: string): boolean {
  const type = event.slice(0, event.indexOf('.'))
  return patterns.some((p) => p === '*' || p === event || p === `${type}.*`)
}
