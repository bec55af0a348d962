import { z } from 'zod'

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
  }
}
