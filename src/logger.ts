import { createRequire } from 'node:module'
import { type DestinationStream, type LoggerOptions, pino } from 'pino'
import type { Config } from './config.js'

/** Query parameters whose values are secrets by their name. */
const SECRET_PARAM = /^(?:access[_-]?)?(?:token|key|api[_-]?key|secret|password|passwd|auth|authorization|signature|sig|code)$/i
/** A bantin token anywhere, whatever the parameter is called. */
const TOKEN = /bantin_[0-9a-f]{8,}/gi
/** What a URL holds before any of the above can be in it: a token, an encoded name, or a secret's word. */
const MAYBE_SECRET = /bantin_|%|token|key|secret|pass|auth|sig|code/i

/**
 * A URL fit for the log: values of parameters named like secrets, and anything shaped like a
 * token, are replaced. A token sent in the query string is refused (unknown parameter) but the
 * request line is still logged.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  // Most URLs hold neither a token nor a parameter that could name a secret: sent as they are.
  if (!MAYBE_SECRET.test(url)) return url
  if (q === -1) return url.replace(TOKEN, '[redacted]')
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq === -1) return pair
      let name = pair.slice(0, eq)
      try {
        name = decodeURIComponent(name)
      } catch {
        // A name that does not decode is judged as sent.
      }
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=[redacted]` : pair
    })
    .join('&')
  return `${url.slice(0, q)}?${query}`.replace(TOKEN, '[redacted]')
}

/** The server's logger options, in one place: server.ts uses them, and so do the tests of what is logged. */
export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' },
  }
}

/** pino-pretty is a development tool: a production install (`npm ci --omit=dev`) has none. */
export function canPrettyPrint(resolve: (id: string) => string = createRequire(import.meta.url).resolve): boolean {
  try {
    resolve('pino-pretty')
    return true
  } catch {
    return false
  }
}

/**
 * Pretty on a terminal when pino-pretty is installed; otherwise JSON lines written in batches
 * (4 KB, or what a second brought), off the request's path, and flushed before the process
 * exits (`flush`). `destination` replaces stdout (tests).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream) {
  const options = loggerOptions(config)
  if (destination) return { logger: pino(options, destination), flush: () => {} }
  if (process.stdout.isTTY && canPrettyPrint()) {
    return { logger: pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } }), flush: () => {} }
  }
  // A write every 4 KB of lines or every second, whichever comes first: one write a line was
  // 5–8 % of a detail read's CPU.
  const stream = pino.destination({ sync: false, minLength: 4096, periodicFlush: 1000 })
  return { logger: pino(options, stream), flush: () => stream.flushSync() }
}
