import { z } from 'zod'
import { StartupError } from './shared/startup.js'
import { DEFAULT_PATHS, patternProblem, type UrlKind } from './site/urls.js'

/** Types the media library can recognise from the bytes; what it accepts is MEDIA_ALLOWED_TYPES. */
export const KNOWN_MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/avif',
  'image/gif',
  'application/pdf',
  'video/mp4',
  'audio/mpeg',
] as const
export type MediaType = (typeof KNOWN_MEDIA_TYPES)[number]
const DEFAULT_MEDIA_TYPES = KNOWN_MEDIA_TYPES

/** A duration: milliseconds, or a number with a unit (`500ms`, `5s`, `30m`, `2h`, `5d`). */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const Duration = z
  .string()
  .trim()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'A duration such as 500ms, 5s, 30m, 2h or 5d')
  .transform((v) => {
    const [, n, unit] = /^(\d+)(ms|s|m|h|d)?$/.exec(v)!
    return Number(n) * UNITS[unit ?? 'ms']!
  })
const DurationList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(Duration).min(1).max(50))

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

const Milliseconds = (fallback: number) => z.coerce.number().int().min(100).max(24 * 60 * 60 * 1000).default(fallback)

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:3[0-2]|[12]?\d))?$/
const IPV6 = /^[0-9a-f:.]*:[0-9a-f:.]*(?:\/(?:12[0-8]|1[01]\d|\d?\d))?$/i

/** `false` (default), a number of proxy hops, or a comma list of proxy addresses and CIDR ranges. */
const TrustProxy = z
  .string()
  .default('false')
  .transform((v, ctx): false | number | string[] => {
    const value = v.trim().toLowerCase()
    if (value === 'false' || value === '0') return false
    if (/^\d{1,2}$/.test(value)) return Number(value)
    const list = value.split(',').map((s) => s.trim()).filter(Boolean)
    const bad = list.find((a) => !IPV4.test(a) && !IPV6.test(a) && !['loopback', 'linklocal', 'uniquelocal'].includes(a))
    if (bad || list.length === 0) {
      ctx.addIssue({ code: 'custom', message: `false, a hop count, or a comma list of addresses/CIDRs (not "${bad ?? v}")` })
      return z.NEVER
    }
    return list
  })

/** Values that say "put a secret here" rather than being one; or one character over and over. */
const PLACEHOLDER = /change.?me|replace.?me|placeholder|^(.)\1*$/i

/** An http(s) address without query or fragment, its trailing slash dropped. */
const BaseUrl = z
  .url({ protocol: /^https?$/ })
  .refine((v) => !/[?#]/.test(v), 'An address without ? or #')
  .transform((v) => new URL(v).href.replace(/\/+$/, ''))

const UrlPattern = (kind: UrlKind) =>
  z
    .string()
    .trim()
    .default(DEFAULT_PATHS[kind])
    .superRefine((v, ctx) => {
      const problem = patternProblem(kind, v)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z
    .string()
    .min(16, 'ADMIN_TOKEN must be at least 16 characters')
    // A value copied from an example would be an admin token anyone can read.
    .refine((v) => !PLACEHOLDER.test(v), 'ADMIN_TOKEN looks like a placeholder: set a random secret (openssl rand -hex 32)')
    .optional(),
  LOG_LEVEL: LogLevel.default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 * 1024),
  SEED: z.enum(['auto', 'always', 'never']).default('auto'),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  CORS_ORIGINS: z.string().default('*'),
  TRUST_PROXY: TrustProxy,
  HTTP_HEADERS_TIMEOUT_MS: Milliseconds(10_000),
  HTTP_REQUEST_TIMEOUT_MS: Milliseconds(30_000),
  HTTP_IDLE_TIMEOUT_MS: Milliseconds(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Milliseconds(72_000),
  UPLOAD_MIN_BYTES_PER_SECOND: z.coerce.number().int().min(1024).default(64 * 1024),
  SHUTDOWN_TIMEOUT_MS: Milliseconds(10_000),
  MEDIA_MAX_BYTES: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
  MEDIA_MAX_PIXELS: z.coerce.number().int().min(1).default(100_000_000),
  MEDIA_ALLOWED_TYPES: z
    .string()
    .default(DEFAULT_MEDIA_TYPES.join(','))
    .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(KNOWN_MEDIA_TYPES)).min(1)),
  STORAGE: z.enum(['local', 's3']).default('local'),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  S3_PREFIX: z.string().regex(/^([\w.-]+\/)*$/, 'Empty, or path segments each ending in /').default(''),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  WEBHOOK_DELIVERY: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  WEBHOOK_RETRY_SCHEDULE: DurationList.prefault(['0', '5s', '5m', '30m', '2h', '5h', '10h', '10h'].join(',')),
  WEBHOOK_TIMEOUT: Duration.prefault('10s'),
  WEBHOOK_CONNECT_TIMEOUT: Duration.prefault('5s'),
  WEBHOOK_DISABLE_AFTER: Duration.prefault('5d'),
  WEBHOOK_LOG_RETENTION: Duration.prefault('30d'),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  SITE_URL: BaseUrl.optional(),
  SITE_NAME: z.string().trim().min(1).max(200).optional(),
  SITE_LANGUAGE: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as vi or en-US').default('vi'),
  SITE_ARTICLE_PATH: UrlPattern('article'),
  SITE_CATEGORY_PATH: UrlPattern('category'),
  SITE_PAGE_PATH: UrlPattern('page'),
  SITE_DOCUMENT_PATH: UrlPattern('document'),
  SITEMAP_PAGE_SIZE: z.coerce.number().int().min(1).max(50_000).default(50_000),
  PUBLIC_URL: BaseUrl.optional(),
})
  .refine((e) => e.STORAGE !== 's3' || e.S3_BUCKET, { path: ['S3_BUCKET'], message: 'Required when STORAGE=s3' })
  .refine((e) => e.HTTP_HEADERS_TIMEOUT_MS <= e.HTTP_REQUEST_TIMEOUT_MS, {
    path: ['HTTP_HEADERS_TIMEOUT_MS'],
    message: 'At most HTTP_REQUEST_TIMEOUT_MS: the headers are part of the request',
  })

export type Config = {
  port: number
  host: string
  /** A PostgreSQL server; without it the embedded PGlite under `dataDir` is used. */
  databaseUrl: string | undefined
  databasePoolMax: number
  dataDir: string
  adminToken: string | undefined
  logLevel: z.infer<typeof LogLevel>
  bodyLimitBytes: number
  /**
   * Sample content for a new database: `auto` for an embedded one only, `always` for a server's
   * too (the compose demo), `never` for none.
   */
  seed: 'auto' | 'always' | 'never'
  rateLimit: {
    /** Requests per window per token (or per IP without one); 0 turns limiting off. */
    max: number
    windowMs: number
    /** Shared counters across instances; without it each instance counts for itself. */
    redisUrl: string | undefined
  }
  /** Origins allowed to call from a browser: `*` for any, or an exact list. */
  corsOrigins: '*' | string[]
  /** Which proxies' X-Forwarded-For to believe: none, a hop count, or their addresses (Fastify's trustProxy). */
  trustProxy: false | number | string[]
  /** How long a client may take, so that slow ones cannot hold the server's sockets. */
  http: {
    /** From the first byte of a request to the end of its headers. */
    headersTimeoutMs: number
    /** From the first byte of a request to the end of its body; uploads get more, see uploadBudgetMs. */
    requestTimeoutMs: number
    /** A socket on which nothing moves for this long is closed (a client that stopped reading, say). */
    idleTimeoutMs: number
    /** An idle keep-alive connection is closed after this; longer than a proxy's own, so it closes first. */
    keepAliveTimeoutMs: number
    /** Uploads may take requestTimeoutMs plus their size at this rate. */
    uploadMinBytesPerSecond: number
  }
  /** How long SIGTERM waits for requests in flight before it cuts them and exits 1. */
  shutdownTimeoutMs: number
  media: {
    /** Largest upload, enforced while the bytes arrive. */
    maxBytes: number
    /** Largest image in pixels (width × height) that is decoded: the decompression-bomb limit. */
    maxPixels: number
    allowedTypes: MediaType[]
  }
  /** Where media bytes live: `local` under DATA_DIR/media, or an S3-compatible bucket. */
  storage:
    | { kind: 'local' }
    | { kind: 's3'; bucket: string; endpoint: string | undefined; region: string; forcePathStyle: boolean; prefix: string }
  webhooks: WebhookSettings
  /** The public frontend, for feeds, sitemaps and the URLs of content; undefined without SITE_URL. */
  site: SiteSettings | undefined
  /** This API's own public address, for absolute media URLs; without it, the request's origin. */
  publicUrl: string | undefined
}

export interface SiteSettings {
  /** The frontend's address, without a trailing slash: `https://lynhan.hanam.gov.vn`. */
  url: string
  /** The feeds' title and the Google News publication name. */
  name: string
  language: string
  /** Where the frontend shows each kind of content, as patterns of placeholders (see site/urls.ts). */
  paths: Record<UrlKind, string>
  /** URLs in one child sitemap: at most 50,000, as the protocol allows. */
  sitemapPageSize: number
}

export interface WebhookSettings {
  /** Lets webhook URLs reach loopback, private and link-local addresses: for development only. */
  allowPrivate: boolean
  /** Whether this instance runs the delivery worker; an instance that only serves the API says false. */
  deliver: boolean
  /** Wait before each attempt, in ms: the first (usually 0), then after each failure; then `failed`. */
  retrySchedule: number[]
  /** Whole attempt, connection included. */
  timeoutMs: number
  connectTimeoutMs: number
  /** An endpoint whose attempts have all failed for this long is disabled. */
  disableAfterMs: number
  /** Finished deliveries are removed from the log after this. */
  logRetentionMs: number
  /** Attempts in flight at once, per instance. */
  concurrency: number
}

/** The longest the largest upload may take to arrive: the time any request gets, plus its bytes at the slowest rate accepted. */
export function uploadBudgetMs(config: Pick<Config, 'http' | 'media'>): number {
  return config.http.requestTimeoutMs + Math.ceil((config.media.maxBytes / config.http.uploadMinBytesPerSecond) * 1000)
}

/** The one place that reads the environment. Throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new StartupError(`invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    dataDir: e.DATA_DIR,
    adminToken: e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    seed: e.SEED,
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS, redisUrl: e.REDIS_URL },
    corsOrigins:
      e.CORS_ORIGINS.trim() === '*'
        ? '*'
        : e.CORS_ORIGINS.split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    trustProxy: e.TRUST_PROXY,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      uploadMinBytesPerSecond: e.UPLOAD_MIN_BYTES_PER_SECOND,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    media: { maxBytes: e.MEDIA_MAX_BYTES, maxPixels: e.MEDIA_MAX_PIXELS, allowedTypes: e.MEDIA_ALLOWED_TYPES },
    // Credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, instance roles…).
    storage:
      e.STORAGE === 's3'
        ? {
            kind: 's3',
            bucket: e.S3_BUCKET!,
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            prefix: e.S3_PREFIX,
          }
        : { kind: 'local' },
    webhooks: {
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      deliver: e.WEBHOOK_DELIVERY,
      retrySchedule: e.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: e.WEBHOOK_TIMEOUT,
      connectTimeoutMs: Math.min(e.WEBHOOK_CONNECT_TIMEOUT, e.WEBHOOK_TIMEOUT),
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER,
      logRetentionMs: e.WEBHOOK_LOG_RETENTION,
      concurrency: e.WEBHOOK_CONCURRENCY,
    },
    site: e.SITE_URL
      ? {
          url: e.SITE_URL,
          name: e.SITE_NAME ?? new URL(e.SITE_URL).host,
          language: e.SITE_LANGUAGE,
          paths: { article: e.SITE_ARTICLE_PATH, category: e.SITE_CATEGORY_PATH, page: e.SITE_PAGE_PATH, document: e.SITE_DOCUMENT_PATH },
          sitemapPageSize: e.SITEMAP_PAGE_SIZE,
        }
      : undefined,
    publicUrl: e.PUBLIC_URL,
  }
}
