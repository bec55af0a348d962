import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { startJobs } from '../../src/jobs/runner.js'

const quiet = { error: () => {}, debug: () => {} }

t.test('a job runs at start when asked, again after its interval, and never twice at once', async (t) => {
  let runs = 0
  let concurrent = 0
  let most = 0
  const runner = startJobs(
    [
      {
        name: 'count',
        everyMs: 20,
        atStart: true,
        run: async () => {
          concurrent++
          most = Math.max(most, concurrent)
          runs++
          await sleep(5)
          concurrent--
        },
      },
    ],
    quiet,
  )
  runner.wake('count')
  runner.wake('count')
  await sleep(100)
  await runner.stop()
  const after = runs
  await sleep(50)
  t.ok(after >= 3, `ran ${after} times`)
  t.equal(most, 1, 'one run at a time')
  t.equal(runs, after, 'nothing runs after stop')
})

t.test('a failing job is logged and keeps its schedule; stop waits for a run in progress', async (t) => {
  const errors: unknown[] = []
  let runs = 0
  let finished = false
  const runner = startJobs(
    [
      { name: 'fails', everyMs: 10, atStart: true, run: async () => { runs++; throw new Error('boom') } },
      { name: 'slow', everyMs: 1000, atStart: true, run: async () => { await sleep(50); finished = true } },
    ],
    { error: (obj: unknown) => errors.push(obj), debug: () => {} },
  )
  await sleep(40)
  await runner.stop()
  t.ok(runs >= 2, 'ran again after failing')
  t.ok(errors.length >= 2, 'each failure logged')
  t.ok(finished, 'stop waited for the slow run')
  t.throws(() => startJobs([{ name: 'a', everyMs: 1, run: async () => {} }, { name: 'a', everyMs: 1, run: async () => {} }], quiet))
  t.throws(() => runner.wake('nobody'))
})
