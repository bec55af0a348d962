import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { preparedStatements } from '../../db/prepared.js'
import { tokens } from '../../db/schema.js'
import { NotFound } from '../../errors.js'
import { isUuid, newId } from '../../shared/ids.js'
import type { Principal } from '../../shared/principal.js'
import type { Token, TokenInput, TokenListQuery } from './tokens.schemas.js'

/** Tokens start with this, so secret scanners can recognise a leaked one. */
export const TOKEN_PREFIX = 'bantin_'

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export const generateToken = () => TOKEN_PREFIX + randomBytes(32).toString('hex')

/** Every request with a token runs this lookup. */
const lookup = preparedStatements((db) =>
  db
    .select({ id: tokens.id, name: tokens.name, role: tokens.role, tokenHash: tokens.tokenHash })
    .from(tokens)
    .where(and(eq(tokens.tokenHash, sql.placeholder('hash')), isNull(tokens.revokedAt)))
    .prepare('token_by_hash'),
)

/**
 * The live token with this secret, or null. Looks up by hash, then compares the hashes in
 * constant time. No cache: a revoked token is refused from the next request on.
 */
export async function findToken(db: Db, token: string): Promise<Principal | null> {
  const hash = hashToken(token)
  const [row] = await lookup(db).execute({ hash })
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return null
  return { tokenId: row.id, name: row.name, role: row.role }
}

/**
 * Makes the `ADMIN_TOKEN` of the environment a live admin token: the operator's environment
 * overrules an earlier revocation through the API.
 */
export async function ensureAdminToken(db: Db, token: string): Promise<void> {
  await db
    .insert(tokens)
    .values({ id: newId(), name: 'ADMIN_TOKEN', role: 'admin', tokenHash: hashToken(token) })
    .onConflictDoUpdate({ target: tokens.tokenHash, set: { role: 'admin', revokedAt: null } })
}

type TokenRow = typeof tokens.$inferSelect

export const toToken = (row: TokenRow): Token => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
})

/** A new token; its secret is in the answer and nowhere else, ever. */
export async function createToken(db: Db, input: TokenInput): Promise<Token & { token: string }> {
  const token = generateToken()
  const [row] = await db
    .insert(tokens)
    .values({ id: newId(), name: input.name, role: input.role, tokenHash: hashToken(token), createdAt: new Date() })
    .returning()
  return { ...toToken(row!), token }
}

/** The live tokens, oldest first, a page at a time; `total` counts them all. */
export async function listTokens(db: Db, page: TokenListQuery): Promise<{ tokens: Token[]; total: number }> {
  const live = isNull(tokens.revokedAt)
  const [rows, [counted]] = await Promise.all([
    db.select().from(tokens).where(live).orderBy(asc(tokens.createdAt), asc(tokens.id)).limit(page.limit).offset(page.offset),
    db.select({ n: count() }).from(tokens).where(live),
  ])
  return { tokens: rows.map(toToken), total: counted?.n ?? 0 }
}

export async function getToken(db: Db, id: string): Promise<Token> {
  const [row] = isUuid(id) ? await db.select().from(tokens).where(and(eq(tokens.id, id), isNull(tokens.revokedAt))) : []
  if (!row) throw new NotFound('Token', id)
  return toToken(row)
}

/** Revokes a token at once: the next request that shows it is a 401. */
export async function revokeToken(db: Db, id: string): Promise<void> {
  const [row] = isUuid(id)
    ? await db
        .update(tokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(tokens.id, id), isNull(tokens.revokedAt)))
        .returning({ id: tokens.id })
    : []
  if (!row) throw new NotFound('Token', id)
}

/** Records when a token was last used, at most once a minute per token. */
export async function touchToken(db: Db, tokenId: string): Promise<void> {
  await db.update(tokens).set({ lastUsedAt: new Date() }).where(eq(tokens.id, tokenId))
}
