import type { TokenRole } from '../db/schema.js'

/** Who makes a request: the token's id, name and role. Anonymous callers have none. */
export interface Principal {
  tokenId: string
  name: string
  role: TokenRole
}

const ROLE_RANK: Record<TokenRole, number> = { reader: 1, editor: 2, admin: 3 }

export const hasRole = (principal: Principal, needed: TokenRole) => ROLE_RANK[principal.role] >= ROLE_RANK[needed]

/** Writes made by the server itself (sample content, scheduled publications) have no token. */
export const SYSTEM: Principal = { tokenId: '00000000-0000-0000-0000-000000000000', name: 'bantin', role: 'admin' }
