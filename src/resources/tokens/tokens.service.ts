import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type TokenRole, tokens } from '../../db/schema.js'
import { newId } from '../../shared/ids.js'

/** Tokens start with this, so secret scanners can recognise a leaked one. */
export const TOKEN_PREFIX = 'bantin_'

export interface Principal {
  tokenId: string
  name: string
  role: TokenRole
}

const ROLE_RANK: Record<TokenRole, number> = { reader: 1, editor: 2, admin: 3 }

export const hasRole = (principal: Principal, needed: TokenRole) => ROLE_RANK[principal.role] >= ROLE_RANK[needed]

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export const generateToken = () => TOKEN_PREFIX + randomBytes(32).toString('base64url')

/** The live token with this secret, or null. Looks up by hash, then compares the hashes in constant time. */
export async function findToken(db: Db, token: string): Promise<Principal | null> {
  const hash = hashToken(token)
  const [row] = await db
    .select({ id: tokens.id, name: tokens.name, role: tokens.role, tokenHash: tokens.tokenHash })
    .from(tokens)
    .where(and(eq(tokens.tokenHash, hash), isNull(tokens.revokedAt)))
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return null
  return { tokenId: row.id, name: row.name, role: row.role }
}

/** Makes the `ADMIN_TOKEN` of the environment an admin token, unless it already is one. */
export async function ensureAdminToken(db: Db, token: string): Promise<void> {
  await db
    .insert(tokens)
    .values({ id: newId(), name: 'ADMIN_TOKEN', role: 'admin', tokenHash: hashToken(token) })
    .onConflictDoNothing({ target: tokens.tokenHash })
}

/** Records when a token was last used, at most once a minute per token. */
export async function touchToken(db: Db, tokenId: string): Promise<void> {
  await db.update(tokens).set({ lastUsedAt: new Date() }).where(eq(tokens.id, tokenId))
}
