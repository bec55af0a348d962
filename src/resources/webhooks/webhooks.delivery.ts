import { createHmac, randomBytes } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { Destination } from './webhooks.ssrf.js'

/** Secrets look like this, as Standard Webhooks libraries expect them. */
export const SECRET_PREFIX = 'whsec_'

export const generateSecret = () => SECRET_PREFIX + randomBytes(32).toString('base64')

/**
 * `v1,<base64 HMAC-SHA256>` of `id.timestamp.body` under each secret, space-separated, as the
 * Standard Webhooks spec says: during a rotation a receiver verifies with either secret.
 */
export function signatures(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
      return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
    })
    .join(' ')
}

/** The most of an answer's body that is read; the rest is never downloaded. */
export const RESPONSE_LIMIT = 4096

export interface SendOptions {
  timeoutMs: number
  connectTimeoutMs: number
  signal?: AbortSignal
  /** Keeps connections open between attempts to the same destination (see `agents`). */
  agents?: Agents
}

/**
 * Connections kept open per destination: the checked address, the port and the host name
 * (TLS checks the certificate against it). A connection only ever goes to an address that was
 * checked; idle ones close after 2 s, before most servers close them.
 */
export class Agents {
  #agents = new Map<string, http.Agent>()

  for(url: URL, destination: Destination, maxSockets: number): http.Agent {
    const key = `${url.protocol}//${url.hostname}@${destination.address}:${url.port}`
    let agent = this.#agents.get(key)
    if (!agent) {
      const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 2_000 }
      agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options)
      this.#agents.set(key, agent)
    }
    return agent
  }

  close(): void {
    for (const agent of this.#agents.values()) agent.destroy()
    this.#agents.clear()
  }
}

/** What one attempt found: the endpoint's status and the start of its body, or what went wrong. */
export interface AttemptResult {
  ok: boolean
  httpStatus: number | null
  durationMs: number
  error: string | null
  responseBody: string | null
}

/**
 * POSTs `body` to `url`, connecting to `destination` (the address that was checked) and to no
 * other: the name is not resolved again. Redirects are not followed, the whole attempt and the
 * connection each have a timeout, and at most RESPONSE_LIMIT bytes of the answer are read.
 * Only a 2xx answer is a success.
 */
export async function send(url: URL, destination: Destination, headers: Record<string, string>, body: string, options: SendOptions): Promise<AttemptResult> {
  const result = await sendOnce(url, destination, headers, body, options)
  // A kept connection the other end had just closed: once more, on a new one.
  if (result.stale && !options.signal?.aborted) return sendOnce(url, destination, headers, body, { ...options, agents: undefined })
  const { stale: _, ...attempt } = result
  return attempt
}

function sendOnce(
  url: URL,
  destination: Destination,
  headers: Record<string, string>,
  body: string,
  options: SendOptions,
): Promise<AttemptResult & { stale?: boolean }> {
  const started = performance.now()
  const pinned: LookupFunction = (_host, opts, callback) => {
    if (opts.all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [destination])
    else callback(null, destination.address, destination.family)
  }
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve) => {
    let settled = false
    const finish = (result: Omit<AttemptResult, 'durationMs' | 'ok'> & { stale?: boolean }) => {
      if (settled) return
      settled = true
      clearTimeout(total)
      clearTimeout(connecting)
      options.signal?.removeEventListener('abort', onAbort)
      const ok = result.error === null && result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300
      resolve({ ...result, ok, durationMs: Math.round(performance.now() - started) })
      // A connection whose answer was read to the end may serve the next attempt; any other is closed.
      if (!reusable) req.destroy()
    }
    let reusable = false
    const fail = (error: string) => finish({ httpStatus: null, error, responseBody: null })
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'bantin-webhooks/1' },
      lookup: pinned,
      agent: options.agents ? options.agents.for(url, destination, 4) : false,
    })
    const total = setTimeout(() => fail(`no answer within ${options.timeoutMs} ms`), options.timeoutMs)
    const connecting = setTimeout(() => fail(`could not connect within ${options.connectTimeoutMs} ms`), options.connectTimeoutMs)
    const onAbort = () => fail('the server was shutting down')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connecting)
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connecting))
    })
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')
      finish({ httpStatus: null, error: err.code ? `${err.code}: ${err.message}` : err.message, responseBody: null, stale })
    })
    req.on('response', (res) => {
      const status = res.statusCode ?? 0
      const chunks: Buffer[] = []
      let size = 0
      const done = () => {
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8')
        const redirect = status >= 300 && status < 400 ? `a redirect${res.headers.location ? ` to ${res.headers.location}` : ''}: not followed` : null
        finish({ httpStatus: status, error: redirect, responseBody: text || null })
      }
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        if (size >= RESPONSE_LIMIT) done()
      })
      res.on('end', () => {
        reusable = true
        done()
      })
      res.on('error', done)
    })
    req.end(body)
  })
}
