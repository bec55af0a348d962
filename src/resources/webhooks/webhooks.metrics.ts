import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Db } from '../../db/client.js'
import { queueStats } from './webhooks.queue.js'

/** Counted by the delivery worker of this process. */
const counters = new Registry()

export const webhookMetrics = {
  attempts: new Counter({
    name: 'bantin_webhook_attempts_total',
    help: 'Webhook delivery attempts made by this instance, by outcome (success: a 2xx answer)',
    labelNames: ['outcome'] as const,
    registers: [counters],
  }),
  deliveries: new Counter({
    name: 'bantin_webhook_deliveries_total',
    help: 'Webhook deliveries finished by this instance, by outcome: succeeded, or failed after the last retry',
    labelNames: ['outcome'] as const,
    registers: [counters],
  }),
  duration: new Histogram({
    name: 'bantin_webhook_attempt_duration_seconds',
    help: 'Time from connecting to the answer of webhook delivery attempts',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [counters],
  }),
  disabled: new Counter({
    name: 'bantin_webhook_disabled_total',
    help: 'Webhooks this instance disabled because every attempt failed for too long',
    registers: [counters],
  }),
}

/** The worker's counters, and the queue as the database holds it (for every instance), read at each scrape. */
export function webhookRegistry(db: Db): Registry {
  const queue = new Registry()
  let stats: Promise<{ depth: number; oldestAgeSeconds: number }> | undefined
  // One query per scrape for both gauges.
  const read = () => (stats ??= queueStats(db).finally(() => setImmediate(() => (stats = undefined))))
  new Gauge({
    name: 'bantin_webhook_queue_depth',
    help: 'Webhook deliveries not finished yet (pending or in flight), all instances',
    registers: [queue],
    async collect() {
      this.set((await read()).depth)
    },
  })
  new Gauge({
    name: 'bantin_webhook_oldest_undelivered_age_seconds',
    help: 'Age of the oldest event whose delivery is not finished (0 when none)',
    registers: [queue],
    async collect() {
      this.set((await read()).oldestAgeSeconds)
    },
  })
  return Registry.merge([counters, queue])
}
