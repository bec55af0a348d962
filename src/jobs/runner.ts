import type { Logger } from 'pino'

/**
 * Work the server does in the background, apart from requests: sweeps, scheduled publications,
 * webhook deliveries. A job is a plain function over the database; whether it may run on several
 * instances at once is its own business (SKIP LOCKED, or `tryLockForTransaction` with LOCKS.job).
 * `server.ts` starts the runner and stops it on shutdown; `buildApp` never does, so tests call a
 * job's function directly, with an injected clock where time matters.
 */
export interface Job {
  name: string
  /** Time between the end of one run and the start of the next. */
  everyMs: number
  /** Run once straight away at start, instead of after the first interval. */
  atStart?: boolean
  /** One run. `signal` aborts when the runner stops: long work checks it between items. */
  run(signal: AbortSignal): Promise<void>
}

export interface JobRunner {
  /** Runs a job now (or right after its current run), instead of waiting for its interval. */
  wake(name: string): void
  /** Stops scheduling, aborts the signal and waits for runs in progress to finish. */
  stop(): Promise<void>
}

export function startJobs(jobs: Job[], logger: Pick<Logger, 'error' | 'debug'>): JobRunner {
  const controller = new AbortController()
  const states = new Map<string, { job: Job; timer?: NodeJS.Timeout; running?: Promise<void>; again: boolean }>()

  const schedule = (name: string, delay: number) => {
    const state = states.get(name)!
    clearTimeout(state.timer)
    if (controller.signal.aborted) return
    state.timer = setTimeout(() => void runNow(name), delay)
    state.timer.unref()
  }

  const runNow = async (name: string): Promise<void> => {
    const state = states.get(name)!
    if (state.running) {
      state.again = true
      return
    }
    clearTimeout(state.timer)
    state.running = (async () => {
      try {
        await state.job.run(controller.signal)
      } catch (err) {
        if (!controller.signal.aborted) logger.error({ err, job: name }, 'background job failed')
      }
    })()
    await state.running
    state.running = undefined
    if (state.again) {
      state.again = false
      schedule(name, 0)
    } else schedule(name, state.job.everyMs)
  }

  for (const job of jobs) {
    if (states.has(job.name)) throw new Error(`Two background jobs are named ${job.name}`)
    states.set(job.name, { job, again: false })
    schedule(job.name, job.atStart ? 0 : job.everyMs)
  }

  return {
    wake(name) {
      if (!states.has(name)) throw new Error(`No background job is named ${name}`)
      if (!controller.signal.aborted) void runNow(name)
    },
    async stop() {
      controller.abort()
      for (const state of states.values()) clearTimeout(state.timer)
      await Promise.all([...states.values()].map((s) => s.running))
    },
  }
}
