/** Content: categories, people, media, articles with their people and revisions, tokens. */
import { relations, sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type { Block } from '../../shared/blocks.js'
import type { Seo } from '../../shared/seo.js'
import { createdAt, seoColumns, timestamptz, updatedAt } from './columns.js'

export const articleStatuses = ['draft', 'published', 'archived'] as const
export type ArticleStatus = (typeof articleStatuses)[number]
export const personRoles = ['author', 'photographer', 'mentioned'] as const
export type PersonRole = (typeof personRoles)[number]
export const mediaKinds = ['image', 'video', 'audio', 'document'] as const
export type MediaKind = (typeof mediaKinds)[number]
export const tokenRoles = ['reader', 'editor', 'admin'] as const
export type TokenRole = (typeof tokenRoles)[number]
export const resourceTypes = ['article', 'category', 'person', 'media', 'page', 'menu', 'document'] as const
export type ResourceType = (typeof resourceTypes)[number]
export const changeOps = ['upsert', 'delete'] as const
export type ChangeOp = (typeof changeOps)[number]

export const categories = pgTable(
  'categories',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    parentId: uuid('parent_id').references((): AnyPgColumn => categories.id, { onDelete: 'restrict' }),
    position: integer('position').notNull().default(0),
    ...seoColumns(),
    seoImageId: uuid('seo_image_id').references((): AnyPgColumn => media.id, { onDelete: 'restrict' }),
    /** Raised by every change; the ETag that If-Match is checked against. */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('categories_slug_key').on(t.slug),
    // Generated slugs look for their base's suffixes with LIKE 'base%', which a default-collation
    // index cannot serve: without this, every create without a slug scans the whole table.
    index('categories_slug_prefix_idx').on(t.slug.op('text_pattern_ops')),
    index('categories_parent_position_idx').on(t.parentId, t.position, t.name),
    index('categories_position_idx').on(t.position, t.name),
    index('categories_seo_image_idx').on(t.seoImageId),
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
    index('people_slug_prefix_idx').on(t.slug.op('text_pattern_ops')),
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
    ...seoColumns(),
    seoImageId: uuid('seo_image_id').references(() => media.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set when the article is in the trash. */
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [
    uniqueIndex('articles_slug_key').on(t.slug),
    index('articles_slug_prefix_idx').on(t.slug.op('text_pattern_ops')),
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
    index('articles_seo_image_idx').on(t.seoImageId),
    index('articles_tags_idx').using('gin', t.tags),
    // Related articles check the visibility and date of the articles their people link, by id:
    // from the index alone, without reading each article's row.
    index('articles_live_id_idx')
      .on(t.id, t.publishedAt)
      .where(sql`${t.status} = 'published' and ${t.deletedAt} is null`),
  ],
)

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
    // A person's newest articles first (ids are time-ordered): what related articles read.
    index('article_people_person_article_idx').on(t.personId, t.articleId.desc()),
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
  /** Absent in revisions kept before articles had SEO fields. */
  seo?: Seo
  deleted: boolean
}

/**
 * The table of a resource's revisions, one row per write: revision n is the resource as the
 * write that made version n left it, so the state before any write is the revision before it.
 * Articles and pages each have one, of this same shape, so one implementation serves both.
 */
export function revisionTable<Snapshot>(name: string, owner: { column: string; references: () => AnyPgColumn; numberKey: string }) {
  return pgTable(
    name,
    {
      id: uuid('id').primaryKey(),
      /** The article or page the revision belongs to; deleting it for good deletes its history. */
      resourceId: uuid(owner.column)
        .notNull()
        .references(owner.references, { onDelete: 'cascade' }),
      number: integer('number').notNull(),
      op: text('op').$type<RevisionOp>().notNull(),
      snapshot: jsonb('snapshot').$type<Snapshot>().notNull(),
      /** The name of the token that made the write. */
      actor: text('actor').notNull(),
      tokenId: uuid('token_id'),
      createdAt: createdAt(),
    },
    (t) => [uniqueIndex(owner.numberKey).on(t.resourceId, t.number.desc())],
  )
}

export type RevisionTable<Snapshot> = ReturnType<typeof revisionTable<Snapshot>>

export const articleRevisions = revisionTable<ArticleSnapshot>('article_revisions', {
  column: 'article_id',
  references: () => articles.id,
  numberKey: 'article_revisions_article_number_key',
})

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
  article: one(articles, { fields: [articleRevisions.resourceId], references: [articles.id] }),
}))

export const articlePeopleRelations = relations(articlePeople, ({ one }) => ({
  article: one(articles, { fields: [articlePeople.articleId], references: [articles.id] }),
  person: one(people, { fields: [articlePeople.personId], references: [people.id] }),
}))
