/** Official documents (văn bản): decisions, plans, notices, with their managed list of kinds. */
import { sql } from 'drizzle-orm'
import { type AnyPgColumn, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, tsvector, updatedAt } from './columns.js'
import { people } from './content.js'

/**
 * The kinds a document may be (Quyết định, Kế hoạch…), managed by admins: configuration, like
 * webhooks, not content. The migration that makes the table fills it with the kinds of the
 * Law on legal documents and the administrative ones every portal lists.
 */
export const documentKinds = pgTable(
  'document_kinds',
  {
    slug: text('slug').primaryKey(),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('document_kinds_name_key').on(t.name), index('document_kinds_position_idx').on(t.position, t.name)],
)

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    /** Số ký hiệu as written: "15/2023/QĐ-UBND". */
    number: text('number').notNull(),
    /** The number folded to lowercase ASCII words ("15 2023 qd ubnd"): what uniqueness and exact search compare. */
    numberFolded: text('number_folded').notNull(),
    kind: text('kind')
      .notNull()
      .references(() => documentKinds.slug, { onDelete: 'restrict', onUpdate: 'cascade' }),
    issuer: text('issuer').notNull(),
    signerId: uuid('signer_id').references((): AnyPgColumn => people.id, { onDelete: 'restrict' }),
    issuedAt: date('issued_at', { mode: 'string' }).notNull(),
    /** Null: in force from `issuedAt`. */
    effectiveAt: date('effective_at', { mode: 'string' }),
    /** The first day the document is no longer in force; null while nothing ends it. */
    expiredAt: date('expired_at', { mode: 'string' }),
    summary: text('summary').notNull(),
    field: text('field'),
    /** Media (usually PDF), in order; checked at write time, and media in use here cannot be deleted. */
    fileIds: uuid('file_ids').array().notNull().default(sql`'{}'::uuid[]`),
    articleIds: uuid('article_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** Lexemes of the number ("t:" copies too), issuer and field ("m:") and summary, made by `indexTerms` as for articles. */
    search: tsvector('search').notNull().default(sql`''::tsvector`),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('documents_slug_key').on(t.slug),
    index('documents_slug_prefix_idx').on(t.slug.op('text_pattern_ops')),
    uniqueIndex('documents_issuer_number_key').on(t.issuer, t.numberFolded),
    index('documents_number_folded_idx').on(t.numberFolded),
    index('documents_issued_idx').on(t.issuedAt.desc(), t.id.desc()),
    index('documents_kind_issued_idx').on(t.kind, t.issuedAt.desc(), t.id.desc()),
    index('documents_issuer_issued_idx').on(t.issuer, t.issuedAt.desc(), t.id.desc()),
    index('documents_field_issued_idx').on(t.field, t.issuedAt.desc(), t.id.desc()),
    index('documents_number_idx').on(t.number, t.id),
    index('documents_updated_idx').on(t.updatedAt.desc(), t.id.desc()),
    index('documents_in_force_idx').on(sql`coalesce(${t.effectiveAt}, ${t.issuedAt})`, t.expiredAt),
    index('documents_search_idx').using('gin', t.search),
    index('documents_signer_idx').on(t.signerId),
    index('documents_file_ids_idx').using('gin', t.fileIds),
    index('documents_article_ids_idx').using('gin', t.articleIds),
  ],
)
