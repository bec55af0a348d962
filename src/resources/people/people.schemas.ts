import { z } from 'zod'
import { Cursor, Limit, Offset, OptionalText, Slug, Timestamp } from '../../shared/schemas.js'
import { SearchText } from '../../shared/search.js'
import { personExample } from '../../shared/examples.js'

export const Person = z
  .object({
    id: z.uuid(),
    slug: Slug,
    name: z.string(),
    honorific: z.string().nullable().meta({ example: 'đồng chí' }),
    title: z.string().nullable().meta({ example: 'Phó Trưởng Ban Dân vận Tỉnh ủy' }),
    organization: z.string().nullable().meta({ example: 'Tỉnh ủy Hà Nam' }),
    bio: z.string().nullable(),
    photoId: z.uuid().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Person', example: personExample })
export type Person = z.infer<typeof Person>

export const PersonInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    slug: Slug.optional(),
    honorific: OptionalText(100),
    title: OptionalText(500),
    organization: OptionalText(500),
    bio: OptionalText(20_000),
    photoId: z.uuid().nullish().describe('Media shown as the person\'s photo'),
  })
  
export type PersonInput = z.infer<typeof PersonInput>

export const PersonPatch = PersonInput.partial()
export type PersonPatch = z.infer<typeof PersonPatch>

export const personSorts = ['name', '-updatedAt'] as const

export const PersonListQuery = z.strictObject({
  q: SearchText(200).optional().describe('Parts of the name (every word); diacritics, case and one typo in a word of 4+ letters do not matter; "phrase", -word'),
  sort: z.enum(personSorts).default('name'),
  limit: Limit,
  offset: Offset,
  cursor: Cursor,
})
export type PersonListQuery = z.infer<typeof PersonListQuery>
