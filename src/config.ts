import { z } from 'zod'

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

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  LOG_LEVEL: LogLevel.default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 * 1024),
  SEED: z.enum(['auto', 'never']).default('auto'),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  CORS_ORIGINS: z.string().default('*'),
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
}).refine((e) => e.STORAGE !== 's3' || e.S3_BUCKET, { path: ['S3_BUCKET'], message: 'Required when STORAGE=s3' })

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
  /** `auto` seeds sample content into a new, empty embedded database; never a server's. */
  seed: 'auto' | 'never'
  rateLimit: {
    /** Requests per window per token (or per IP without one); 0 turns limiting off. */
    max: number
    windowMs: number
    /** Shared counters across instances; without it each instance counts for itself. */
    redisUrl: string | undefined
  }
  /** Origins allowed to call from a browser: `*` for any, or an exact list. */
  corsOrigins: '*' | string[]
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

/** The one place that reads the environment. Throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
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
  }
}
