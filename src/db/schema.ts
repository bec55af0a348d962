import { relations, sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type { Block } from '../shared/blocks.js'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
// Millisecond precision, as in JSON: keyset cursors carry these values and must compare exactly.
const nowMs = sql`date_trunc('milliseconds', now())`
const createdAt = () => timestamptz('created_at').notNull().default(nowMs)
const updatedAt = () => timestamptz('updated_at').notNull().default(nowMs)

export const articleStatuses = ['draft', 'published', 'archived'] as const
export type ArticleStatus = (typeof articleStatuses)[number]
export const personRoles = ['author', 'photographer', 'mentioned'] as const
export type PersonRole = (typeof personRoles)[number]
export const mediaKinds = ['image', 'video', 'audio', 'document'] as const
export type MediaKind = (typeof mediaKinds)[number]
export const tokenRoles = ['reader', 'editor', 'admin'] as const
export type TokenRole = (typeof tokenRoles)[number]
export const resourceTypes = ['article', 'category', 'person', 'media'] as const
export type ResourceType = (typeof resourceTypes)[number]
export const changeOps = ['upsert', 'delete'] as const
export type ChangeOp = (typeof changeOps)[number]

/** PostgreSQL's 64-bit transaction id (13+), as the decimal string the drivers give. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' })

export const categories = pgTable(
  'categories',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    parentId: uuid('parent_id').references((): AnyPgColumn => categories.id, { onDelete: 'restrict' }),
    position: integer('position').notNull().default(0),
    /** Raised by every change; the ETag that If-Match is checked against. */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('categories_slug_key').on(t.slug),
    index('categories_parent_position_idx').on(t.parentId, t.position, t.name),
    index('categories_position_idx').on(t.position, t.name),
  ],
)

export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** The name folded to lowercase ASCII, for diacritics-insensitive search. */
    nameFolded: text('name_folded').notNull(),
    honorific: text('honorific'),
    title: text('title'),
    organization: text('organization'),
    bio: text('bio'),
    photoId: uuid('photo_id').references((): AnyPgColumn => media.id, { onDelete: 'restrict' }),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('people_slug_key').on(t.slug),
    index('people_name_idx').on(t.name, t.id),
    index('people_name_folded_trgm_idx').using('gin', t.nameFolded.op('gin_trgm_ops')),
    index('people_photo_idx').on(t.photoId),
  ],
)

export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').$type<MediaKind>().notNull(),
    /** The client's name for the file, stripped of paths and control characters. */
    filename: text('filename').notNull(),
    mimeType: text('mime_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    width: integer('width'),
    height: integer('height'),
    /** SHA-256 of the stored bytes, hex: the storage key, so the same bytes are stored once. */
    sha256: text('sha256').notNull(),
    alt: text('alt'),
    caption: text('caption'),
    credit: text('credit'),
    creditPersonId: uuid('credit_person_id').references((): AnyPgColumn => people.id, { onDelete: 'set null' }),
    /** ThumbHash of an image, base64. */
    placeholder: text('placeholder'),
    /** Filename, caption and credit folded to lowercase ASCII, for diacritics-insensitive search. */
    searchFolded: text('search_folded').notNull(),
    /** Raised by every change of metadata; the ETag that If-Match is checked against. */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('media_kind_check', sql`${t.kind} in ('image', 'video', 'audio', 'document')`),
    index('media_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('media_kind_created_idx').on(t.kind, t.createdAt.desc(), t.id.desc()),
    index('media_sha256_idx').on(t.sha256),
    index('media_credit_person_idx').on(t.creditPersonId),
    index('media_search_folded_trgm_idx').using('gin', t.searchFolded.op('gin_trgm_ops')),
  ],
)

export const articles = pgTable(
  'articles',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary'),
    body: jsonb('body').$type<Block[]>().notNull().default([]),
    status: text('status').$type<ArticleStatus>().notNull().default('draft'),
    publishedAt: timestamptz('published_at'),
    categoryId: uuid('category_id').references(() => categories.id, { onDelete: 'restrict' }),
    coverId: uuid('cover_id').references(() => media.id, { onDelete: 'restrict' }),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(1),
    /** Derived from summary and body at write time, so reads never walk the body. */
    excerpt: text('excerpt').notNull().default(''),
    wordCount: integer('word_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set when the article is in the trash. */
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [
    uniqueIndex('articles_slug_key').on(t.slug),
    check('articles_status_check', sql`${t.status} in ('draft', 'published', 'archived')`),
    check('articles_published_has_date', sql`${t.status} <> 'published' or ${t.publishedAt} is not null`),
    // Anonymous reads: published, not in the trash, newest first; overall and per category.
    index('articles_live_published_idx')
      .on(t.publishedAt.desc(), t.id.desc())
      .where(sql`${t.status} = 'published' and ${t.deletedAt} is null`),
    index('articles_live_category_published_idx')
      .on(t.categoryId, t.publishedAt.desc(), t.id.desc())
      .where(sql`${t.status} = 'published' and ${t.deletedAt} is null`),
    // Reads with a token see every status.
    index('articles_published_idx')
      .on(t.publishedAt.desc().nullsLast(), t.id.desc())
      .where(sql`${t.deletedAt} is null`),
    index('articles_status_published_idx')
      .on(t.status, t.publishedAt.desc().nullsLast(), t.id.desc())
      .where(sql`${t.deletedAt} is null`),
    index('articles_trash_idx')
      .on(t.publishedAt.desc().nullsLast(), t.id.desc())
      .where(sql`${t.deletedAt} is not null`),
    index('articles_updated_idx').on(t.updatedAt.desc(), t.id.desc()).where(sql`${t.deletedAt} is null`),
    index('articles_title_idx').on(t.title, t.id).where(sql`${t.deletedAt} is null`),
    index('articles_category_idx').on(t.categoryId),
    index('articles_cover_idx').on(t.coverId),
    index('articles_tags_idx').using('gin', t.tags),
  ],
)

/** PostgreSQL's text search vector, written as its text form (`'dan' 'dan_van' …`). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/**
 * What article search matches against, one row per article (trashed ones too: a token may search
 * the trash), written in the same transaction as the article. Apart from `articles` so that reads
 * of articles never carry it. The lexemes are made by `searchTerms` (src/shared/text.ts): folded
 * words, accent keys, neighbouring pairs, and title ("t:") and summary/tag/name ("m:") copies.
 */
export const articleSearch = pgTable(
  'article_search',
  {
    articleId: uuid('article_id')
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    /** From the title, summary, tags and body (image captions included). */
    doc: tsvector('doc').notNull().default(sql`''::tsvector`),
    /** From the names of the people linked to the article: rewritten when one of them is renamed. */
    people: tsvector('people').notNull().default(sql`''::tsvector`),
    // The article's visibility and date, kept equal to the article's by a trigger (see the
    // search-backfill migration): a level of relevance is filtered and sorted here, and only the
    // page it keeps is joined to articles.
    status: text('status').$type<ArticleStatus>().notNull().default('draft'),
    publishedAt: timestamptz('published_at'),
    deletedAt: timestamptz('deleted_at'),
  },
  // Every search names this expression (doc || people, in a function whose cost keeps the planner
  // on the index: see the search-functions migration), so one GIN index serves both columns.
  (t) => [index('article_search_document_idx').using('gin', sql`bantin_search_document(${t.doc}, ${t.people})`)],
)

/**
 * Every folded word that any article, person or media has held: what a query word is checked
 * against before typo tolerance steps in, and where its corrections are looked up (by key).
 */
export const searchLexicon = pgTable('search_lexicon', {
  word: text('word').primaryKey(),
})

export const articlePeople = pgTable(
  'article_people',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    role: text('role').$type<PersonRole>().notNull(),
    /** Order of the person within the article's list. */
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'article_people_pkey', columns: [t.articleId, t.personId, t.role] }),
    check('article_people_role_check', sql`${t.role} in ('author', 'photographer', 'mentioned')`),
    index('article_people_person_role_idx').on(t.personId, t.role, t.articleId),
    index('article_people_role_idx').on(t.role, t.articleId),
  ],
)

export const revisionOps = ['create', 'update', 'publish', 'unpublish', 'archive', 'trash', 'restore', 'revert'] as const
export type RevisionOp = (typeof revisionOps)[number]

/** What a revision keeps: the article's content as a write left it. */
export interface ArticleSnapshot {
  slug: string
  title: string
  summary: string | null
  body: Block[]
  status: ArticleStatus
  publishedAt: string | null
  categoryId: string | null
  /** Absent in revisions kept before articles had covers. */
  coverId?: string | null
  tags: string[]
  people: { personId: string; role: PersonRole }[]
  deleted: boolean
}

/**
 * One row per write of an article: revision n is the article as the write that made version n
 * left it, so the state before any write is the revision before it.
 */
export const articleRevisions = pgTable(
  'article_revisions',
  {
    id: uuid('id').primaryKey(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    op: text('op').$type<RevisionOp>().notNull(),
    snapshot: jsonb('snapshot').$type<ArticleSnapshot>().notNull(),
    /** The name of the token that made the write. */
    actor: text('actor').notNull(),
    tokenId: uuid('token_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('article_revisions_article_number_key').on(t.articleId, t.number.desc())],
)

export const tokens = pgTable(
  'tokens',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').$type<TokenRole>().notNull(),
    /** SHA-256 of the token, hex. The token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [
    uniqueIndex('tokens_hash_key').on(t.tokenHash),
    check('tokens_role_check', sql`${t.role} in ('reader', 'editor', 'admin')`),
  ],
)

/**
 * One row per write of any resource, written in the write's own transaction (or statement): what
 * the sync feed serves and webhooks are made from. Rows are read in (tx, seq) order and only
 * below the oldest transaction still running, so one that commits late cannot be skipped.
 */
export const changes = pgTable(
  'changes',
  {
    /** Order within a transaction (and a tie-breaker): not commit order on its own. */
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The transaction that wrote it. */
    tx: xid8('tx').notNull().default(sql`pg_current_xact_id()`),
    type: text('type').$type<ResourceType>().notNull(),
    resourceId: uuid('resource_id').notNull(),
    /** Whether the resource exists for readers after this write (`upsert`) or not (`delete`). */
    op: text('op').$type<ChangeOp>().notNull(),
    /** What happened, as webhook event names: `article.created`, `article.published`… */
    events: text('events').array().notNull(),
    /** The resource's version after the write; null once it is gone for good. */
    version: integer('version'),
    /** The slug at the time, so a receiver can purge a path even after a delete. */
    slug: text('slug'),
    actor: text('actor').notNull(),
    tokenId: uuid('token_id'),
    at: timestamptz('at').notNull().default(nowMs),
  },
  (t) => [
    check('changes_type_check', sql`${t.type} in ('article', 'category', 'person', 'media')`),
    check('changes_op_check', sql`${t.op} in ('upsert', 'delete')`),
    index('changes_position_idx').on(t.tx, t.seq),
    index('changes_type_position_idx').on(t.type, t.tx, t.seq),
  ],
)

/** Small facts the server keeps about itself: the change log's epoch, job watermarks. */
export const systemState = pgTable('system_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
})

export const webhookStatuses = ['pending', 'delivering', 'succeeded', 'failed'] as const
export type WebhookStatus = (typeof webhookStatuses)[number]

/** Where integrators want events sent. Configuration, not content: not in the change log. */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description'),
    /** Event names, `<type>.*` or `*`. */
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Why the server disabled it (an endpoint failing for days); null when enabled by hand. */
    disabledReason: text('disabled_reason'),
    disabledAt: timestamptz('disabled_at'),
    /** `whsec_` + base64: kept in clear, as the server must sign with it. */
    secret: text('secret').notNull(),
    /** After a rotation, the old secret also signs until `previousSecretExpiresAt`. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamptz('previous_secret_expires_at'),
    /** The first failed attempt since the last success: the endpoint is disabled when it is too old. */
    failingSince: timestamptz('failing_since'),
    /** The change log's sequence when the webhook was made: it gets the changes recorded after. */
    sinceSeq: bigint('since_seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('webhooks_created_idx').on(t.createdAt, t.id)],
)

/**
 * One event to send to one webhook (a "delivery" in the API), made from the change log by the
 * dispatcher. `seq` is the order in which they were made, which is commit order: for one
 * webhook, a message waits while an earlier one with the same `orderingKey` is not finished.
 */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    id: uuid('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** `<type>:<id>` of the resource; null for a ping, which waits for nothing. */
    orderingKey: text('ordering_key'),
    resourceType: text('resource_type').$type<ResourceType>(),
    resourceId: uuid('resource_id'),
    /** The JSON body, exactly as it is signed and sent on every attempt. */
    payload: text('payload').notNull(),
    status: text('status').$type<WebhookStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    /** The worker that holds it while it is `delivering`, and until when; then another may take it. */
    claimToken: uuid('claim_token'),
    leaseUntil: timestamptz('lease_until'),
    /** When the change happened. */
    eventAt: timestamptz('event_at').notNull(),
    createdAt: createdAt(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    check('webhook_messages_status_check', sql`${t.status} in ('pending', 'delivering', 'succeeded', 'failed')`),
    uniqueIndex('webhook_messages_seq_key').on(t.seq),
    // The delivery log: newest first per webhook.
    index('webhook_messages_webhook_seq_idx').on(t.webhookId, t.seq.desc()),
    // What the worker claims, and what an earlier unfinished message of the same resource blocks.
    index('webhook_messages_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'delivering')`),
    index('webhook_messages_open_key_idx').on(t.webhookId, t.orderingKey, t.seq).where(sql`${t.status} in ('pending', 'delivering')`),
    index('webhook_messages_finished_idx').on(t.finishedAt).where(sql`${t.finishedAt} is not null`),
  ],
)

/** Every attempt to send a message: when, how long, what the endpoint answered or what went wrong. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => webhookMessages.id, { onDelete: 'cascade' }),
    at: timestamptz('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    httpStatus: integer('http_status'),
    error: text('error'),
    /** The start of the response body. */
    responseBody: text('response_body'),
  },
  (t) => [index('webhook_attempts_message_idx').on(t.messageId, t.at)],
)

export const categoriesRelations = relations(categories, ({ one, many }) => ({
  parent: one(categories, { fields: [categories.parentId], references: [categories.id], relationName: 'tree' }),
  children: many(categories, { relationName: 'tree' }),
  articles: many(articles),
}))

export const articlesRelations = relations(articles, ({ one, many }) => ({
  category: one(categories, { fields: [articles.categoryId], references: [categories.id] }),
  people: many(articlePeople),
}))

export const articleRevisionsRelations = relations(articleRevisions, ({ one }) => ({
  article: one(articles, { fields: [articleRevisions.articleId], references: [articles.id] }),
}))

export const articlePeopleRelations = relations(articlePeople, ({ one }) => ({
  article: one(articles, { fields: [articlePeople.articleId], references: [articles.id] }),
  person: one(people, { fields: [articlePeople.personId], references: [people.id] }),
}))
