import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type Config, uploadBudgetMs } from '../config.js'
import { RequestTimeout } from '../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body is an upload: it may take longer to arrive, as long as it keeps coming at a minimum rate. */
    upload?: boolean
  }
}

/**
 * How long a connection whose body was not read stays open after its answer, reading and
 * discarding what the client still sends (at most the time a request may take). Closing at once,
 * with bytes unread, makes the kernel reset the connection, and a client still sending then often
 * gets EPIPE instead of the answer.
 */
const LINGER_MS = 5_000

/** Sockets closed after an answer that did not read the body: no second answer may be written. */
const answered = new WeakSet<Socket>()

/** True when this socket has had its last answer (a late timeout must not write another). */
export const hasAnswered = (socket: Socket) => answered.has(socket)

/** The Node server's own limits: the backstop under the per-request budgets of the plugin below. */
export function serverTimeouts(config: Config): Pick<
  FastifyServerOptions,
  'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout'
> & { http: { headersTimeout: number; connectionsCheckingInterval: number } } {
  const { headersTimeoutMs, idleTimeoutMs, keepAliveTimeoutMs, requestTimeoutMs } = config.http
  return {
    connectionTimeout: idleTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Longer than any upload may take: the plugin below cuts requests first, with an answer.
    requestTimeout: uploadBudgetMs(config) + requestTimeoutMs,
    // Node checks these limits on an interval (30 s by default), so a 10 s limit could take 40.
    http: { headersTimeout: headersTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(1_000, headersTimeoutMs / 4)) },
  }
}

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0

/**
 * After an answer sent before the body arrived: the client is told `Connection: close`, the
 * connection is half-closed once the answer is out, and what the client still sends is read and
 * dropped for a moment, so that it can read the answer; then the socket goes.
 */
function closeAfterAnswer(req: IncomingMessage, lingerMs: number) {
  const socket = req.socket as Socket & { destroySoon?: () => void }
  if (answered.has(socket)) return
  answered.add(socket)
  // Node calls destroySoon once the answer is flushed on a `Connection: close` response.
  socket.destroySoon = () => {
    socket.end()
    req.resume()
    const timer = setTimeout(() => socket.destroy(), lingerMs)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
  }
}

/**
 * A body must arrive within HTTP_REQUEST_TIMEOUT_MS; an upload within that plus its bytes at
 * UPLOAD_MIN_BYTES_PER_SECOND, checked as it goes, so that a client dripping a byte at a time is
 * cut early whatever size it claims. A late body is answered 408 and its connection closed.
 */
function watchBody(req: FastifyRequest, reply: FastifyReply, config: Config) {
  const raw = req.raw
  const started = Date.now()
  // An injected request's socket counts no bytes.
  const bytesRead = () => raw.socket.bytesRead ?? 0
  const firstByte = bytesRead()
  const { requestTimeoutMs, uploadMinBytesPerSecond } = config.http
  const upload = req.routeOptions.config.upload === true
  let timer: NodeJS.Timeout
  const allowedMs = () =>
    upload ? requestTimeoutMs + ((bytesRead() - firstByte) / uploadMinBytesPerSecond) * 1000 : requestTimeoutMs
  const check = () => {
    if (raw.complete || raw.destroyed || reply.sent) return
    const late = Date.now() - started - allowedMs()
    if (late < 0) {
      timer = setTimeout(check, Math.max(250, -late))
      timer.unref()
      return
    }
    // The body's reader (the JSON parser, multipart) fails with this and the error handler answers.
    // Nobody reading yet means the request waits in a hook: the server's own timeout is the backstop.
    if (raw.listenerCount('error') === 0) return
    raw.emit('error', new RequestTimeout(`The request body did not arrive within ${Math.round(allowedMs() / 1000)} s`))
  }
  timer = setTimeout(check, allowedMs())
  timer.unref()
  const stop = () => clearTimeout(timer)
  raw.once('end', stop)
  reply.raw.once('close', stop)
}

/** Limits on how slowly a client may send, and connections closed after answers that did not read the body. */
export default fp(
  async function slowClients(app: FastifyInstance, { config }: { config: Config }) {
    // Callback hooks: they run on every request, reads included, and cost no promise.
    app.addHook('onRequest', (req, reply, done) => {
      if (hasBody(req.raw)) watchBody(req, reply, config)
      done()
    })

    app.addHook('onSend', (req, reply, payload, done) => {
      // `complete` is false while the body is still arriving (injected requests leave it unset).
      if (req.raw.complete === false) {
        reply.header('connection', 'close')
        closeAfterAnswer(req.raw, Math.min(LINGER_MS, config.http.requestTimeoutMs))
      }
      done(null, payload)
    })
  },
  { name: 'slow-clients' },
)
