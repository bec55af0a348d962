import { z } from 'zod'
import { tokenRoles } from '../../db/schema.js'
import { Limit, QueryInt, Timestamp } from '../../shared/schemas.js'

export const TokenRole = z.enum(tokenRoles).meta({ id: 'TokenRole' })

export const Token = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: TokenRole,
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable().describe('Recorded at most once a minute'),
  })
  .meta({ id: 'Token' })
export type Token = z.infer<typeof Token>

export const NewToken = Token.extend({
  token: z.string().describe('The secret: shown this once, stored only as a hash'),
}).meta({ id: 'NewToken' })

export const TokenInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  role: TokenRole,
})
export type TokenInput = z.infer<typeof TokenInput>

export const TokenListQuery = z.strictObject({
  limit: Limit.describe('1–100, default 20; oldest first'),
  offset: QueryInt(0, 1_000_000).default(0),
})
export type TokenListQuery = z.infer<typeof TokenListQuery>
