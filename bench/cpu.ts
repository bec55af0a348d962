/**
 * Where a round's CPU went, read from /proc: the server process, the PostgreSQL backends serving
 * its connections, and the whole machine (so that what the load generator, the server and
 * PostgreSQL did not use shows as other work on the machine).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type pg from 'pg'

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100

/** CPU time a process has used, user and system, in ms; NaN once it is gone. */
export function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks
  } catch {
    return Number.NaN
  }
}

/** CPU time all cores have been busy since boot, in ms (idle and I/O wait left out). */
export function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number)
  // user nice system idle iowait irq softirq steal
  const busy = ticks.slice(0, 8).reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0)
  return (busy * 1000) / clockTicks
}

/** The PostgreSQL backends of a server's connections (by application_name) and the CPU each has used. */
export async function backendsCpu(client: pg.Client, applicationNames: string[]): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and application_name = any($1)',
    [applicationNames],
  )
  return new Map(rows.map((r) => [r.pid, processCpuMs(r.pid)]))
}

/**
 * Cancels what the server's backends are still running once a load has ended: a request the
 * load generator gave up on (its 10 s timeout) leaves its query running, which would take the
 * cores from the next load. Waits until they are idle, at most 5 s.
 */
export async function cancelLeftovers(client: pg.Client, applicationNames: string[]): Promise<number> {
  const active = `select pid from pg_stat_activity where datname = current_database() and application_name = any($1) and state = 'active'`
  const { rows } = await client.query<{ pid: number }>(`select pid, pg_cancel_backend(pid) from (${active}) a`, [applicationNames])
  for (let waited = 0; waited < 5000; waited += 50) {
    if ((await client.query(active, [applicationNames])).rowCount === 0) break
    await new Promise((r) => setTimeout(r, 50))
  }
  return rows.length
}

/**
 * What the backends used between two readings. A backend that started meanwhile counts whole; one
 * that ended meanwhile is lost, and counted so that a reader knows the figure is short.
 */
export function backendsDelta(before: Map<number, number>, after: Map<number, number>) {
  let ms = 0
  for (const [pid, cpu] of after) if (!Number.isNaN(cpu)) ms += cpu - (before.get(pid) ?? 0)
  const lost = [...before.keys()].filter((pid) => !after.has(pid)).length
  return { ms, lost }
}
