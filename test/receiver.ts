import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import type { Test } from 'tap'
import { loadConfig } from '../src/config.js'
import { type Db, rawRows } from '../src/db/client.js'
import { webhookWorker, type WorkerOptions } from '../src/jobs/webhooks.js'

export interface Received {
  url: string
  headers: Record<string, string>
  body: string
  json: { type: string; timestamp: string; data: Record<string, unknown> & { id?: string; type?: string; object?: Record<string, unknown> | null } }
}

type Responder = (req: IncomingMessage, received: Received, res: ServerResponse) => void | Promise<void>

/** A webhook receiver on 127.0.0.1 that keeps every request; answers 204 unless told otherwise. */
export async function startReceiver(t: Test, respond?: Responder) {
  const received: Received[] = []
  let responder: Responder | undefined = respond
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
      const entry = { url: req.url ?? '', headers, body, json: JSON.parse(body || 'null') }
      received.push(entry)
      if (responder) await responder(req, entry, res)
      else res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    respond(next: Responder | undefined) {
      responder = next
    },
    types: () => received.map((r) => r.json.type),
  }
}

export const quiet = { info: () => {}, warn: () => {}, debug: () => {}, error: () => {} }

/** The env the webhook tests run with: a receiver on 127.0.0.1, and a schedule of milliseconds. */
export const webhookEnv = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,4s', WEBHOOK_TIMEOUT: '2s', WEBHOOK_CONNECT_TIMEOUT: '1s' }

/** A worker as server.ts makes one, with the test's clock. */
export function testWorker(db: Db, env: Record<string, string> = webhookEnv, options: Partial<WorkerOptions> = {}) {
  return webhookWorker(db, { settings: loadConfig(env).webhooks, logger: quiet, ...options })
}

/** Changes the dispatcher has not passed yet, whether or not it may read them already. */
export async function undispatched(db: Db): Promise<number> {
  const [row] = await rawRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from changes, (select coalesce((select value from system_state where key = 'webhooks'), '{"tx": "0", "seq": 0}') as p) s
      where (tx, seq) > ((s.p->>'tx')::xid8, (s.p->>'seq')::bigint)`,
  )
  return row!.n
}

/**
 * Dispatches every change recorded so far, then delivers until nothing is due. On a server the
 * dispatcher may have to wait a moment: it reads no change while an older transaction is still
 * running anywhere on the server (another test file's, say), which is the rule that makes it
 * miss none.
 */
export async function flush(worker: ReturnType<typeof testWorker>, db: Db) {
  for (let i = 0; i < 500; i++) {
    await worker.dispatch()
    if (!(await undispatched(db))) break
    await sleep(10)
  }
  return worker.deliver()
}
