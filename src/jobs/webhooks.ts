import type { Logger } from 'pino'
import type { WebhookSettings } from '../config.js'
import type { Db } from '../db/client.js'
import { Agents, type AttemptResult, send, signatures } from '../resources/webhooks/webhooks.delivery.js'
import { dispatchEvents } from '../resources/webhooks/webhooks.dispatch.js'
import { webhookMetrics } from '../resources/webhooks/webhooks.metrics.js'
import { type Claimed, claimDue, describe, type Outcome, pruneLog, recordAttempts, releaseClaims } from '../resources/webhooks/webhooks.queue.js'
import { checkDestination, type Lookup, RefusedDestination, systemLookup } from '../resources/webhooks/webhooks.ssrf.js'

/** At shutdown, attempts in flight get this long to finish; the rest are aborted and given back. */
const SHUTDOWN_GRACE_MS = 3_000
const SHUTTING_DOWN = 'the server was shutting down'

export interface WorkerOptions {
  settings: WebhookSettings
  logger: Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>
  /** For tests: the resolver, the clock that schedules (signatures carry the real time) and jitter. */
  lookup?: Lookup
  clock?: () => Date
  random?: () => number
  /** At shutdown, how long attempts in flight may take to finish before they are aborted. */
  shutdownGraceMs?: number
}

export interface WebhookWorker {
  /** Turns new changes into messages, until it has caught up. Returns the messages made. */
  dispatch(signal?: AbortSignal): Promise<number>
  /**
   * Delivers what is due, `concurrency` attempts at a time, claiming more as attempts finish
   * (one that succeeds may let the next event of its resource go), until nothing is due and
   * nothing is in flight. When `signal` aborts, attempts in flight get a moment to finish; the
   * others are aborted and their messages given back, untried, for another instance or the next
   * start. Returns the attempts made.
   */
  deliver(signal?: AbortSignal): Promise<number>
  /** New messages exist: a delivery run in progress claims them at once. */
  nudge(): void
  /** Removes old finished deliveries from the log. */
  prune(): Promise<number>
}

export function webhookWorker(
  db: Db,
  { settings, logger, lookup = systemLookup, clock = () => new Date(), random, shutdownGraceMs = SHUTDOWN_GRACE_MS }: WorkerOptions,
): WebhookWorker {
  const leaseMs = settings.timeoutMs * 2 + 10_000
  const agents = new Agents()
  let nudged = false
  let wakeUp: (() => void) | undefined
  const nudge = () => {
    nudged = true
    wakeUp?.()
  }

  async function attempt(claimed: Claimed, signal: AbortSignal): Promise<AttemptResult> {
    const started = performance.now()
    try {
      const url = new URL(claimed.url)
      const destination = await checkDestination(url, settings.allowPrivate, lookup)
      const timestamp = Math.floor(Date.now() / 1000)
      const headers = {
        'webhook-id': claimed.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatures(claimed.secrets, claimed.id, timestamp, claimed.payload),
      }
      return await send(url, destination, headers, claimed.payload, {
        timeoutMs: settings.timeoutMs,
        connectTimeoutMs: settings.connectTimeoutMs,
        signal,
        agents,
      })
    } catch (err) {
      const error = err instanceof RefusedDestination ? `refused: ${err.message}` : (err as Error).message
      return { ok: false, httpStatus: null, durationMs: Math.round(performance.now() - started), error, responseBody: null }
    }
  }

  // Attempts that end while others are being recorded are recorded together, in one statement.
  const unrecorded: { claimed: Claimed; result: AttemptResult; done: (o: Outcome) => void; failed: (err: unknown) => void }[] = []
  let recording: Promise<void> | undefined
  const record = (claimed: Claimed, result: AttemptResult) =>
    new Promise<Outcome>((done, failed) => {
      unrecorded.push({ claimed, result, done, failed })
      recording ??= (async () => {
        while (unrecorded.length) {
          const batch = unrecorded.splice(0, 200)
          try {
            const options = { now: clock(), schedule: settings.retrySchedule, disableAfterMs: settings.disableAfterMs, ...(random && { random }) }
            const outcomes = await recordAttempts(db, batch, options)
            batch.forEach((b, i) => b.done(outcomes[i]!))
          } catch (err) {
            for (const b of batch) b.failed(err)
          }
        }
        recording = undefined
      })()
    })

  async function deliverOne(claimed: Claimed, signal: AbortSignal): Promise<void> {
    const result = await attempt(claimed, signal)
    if (!result.ok && signal.aborted && result.error === SHUTTING_DOWN) {
      await releaseClaims(db, [claimed])
      return
    }
    webhookMetrics.attempts.inc({ outcome: result.ok ? 'success' : 'failure' })
    webhookMetrics.duration.observe(result.durationMs / 1000)
    const outcome = await record(claimed, result)
    if (outcome.status !== 'retrying') webhookMetrics.deliveries.inc({ outcome: outcome.status })
    const context = { webhook: claimed.webhookId, delivery: claimed.id, event: claimed.event, attempt: claimed.attempts + 1, ms: result.durationMs }
    if (result.ok) logger.debug({ ...context, status: result.httpStatus }, 'webhook delivered')
    else logger.warn({ ...context, status: result.httpStatus, error: describe(result), outcome: outcome.status }, 'webhook attempt failed')
    if (outcome.disabled) {
      webhookMetrics.disabled.inc()
      logger.warn({ webhook: claimed.webhookId }, 'webhook disabled: its attempts have failed for too long')
    }
  }

  return {
    nudge,

    async dispatch(signal) {
      let made = 0
      for (;;) {
        const { changes, messages } = await dispatchEvents(db, { now: clock(), firstDelayMs: settings.retrySchedule[0] ?? 0 })
        made += messages
        if (messages) nudge()
        if (changes < 500 || signal?.aborted) return made
      }
    },

    async deliver(signal) {
      const inFlight = new Map<string, Promise<void>>()
      const attempts = new AbortController()
      let grace: NodeJS.Timeout | undefined
      const onAbort = () => {
        wakeUp?.()
        grace = setTimeout(() => attempts.abort(), shutdownGraceMs)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      let made = 0
      try {
        while (!signal?.aborted) {
          nudged = false
          const free = settings.concurrency - inFlight.size
          const claimed = free > 0 ? await claimDue(db, { limit: free, now: clock(), leaseMs }) : []
          for (const message of claimed) {
            made++
            const running = deliverOne(message, attempts.signal)
              .catch((err) => logger.error({ err, delivery: message.id }, 'webhook attempt could not be recorded'))
              .finally(() => inFlight.delete(message.id))
            inFlight.set(message.id, running)
          }
          if (!inFlight.size) break
          // Wait for a slot, or for news of more messages.
          if (nudged) continue
          await new Promise<void>((resolve) => {
            wakeUp = resolve
            void Promise.race(inFlight.values()).then(resolve)
          })
          wakeUp = undefined
        }
        await Promise.all(inFlight.values())
        if (signal?.aborted) agents.close()
      } finally {
        clearTimeout(grace)
        signal?.removeEventListener('abort', onAbort)
      }
      return made
    },

    prune: () => pruneLog(db, { now: clock(), retentionMs: settings.logRetentionMs }),
  }
}
