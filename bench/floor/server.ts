/**
 * The floor: the least this stack can do for bantin's anonymous reads. Fastify 5 and pg, no ORM,
 * no validation, no hooks, no logging; the same SQL that bantin sends, and the same JSON shape.
 * Only the read routes the bench loads are served. Every query is a named prepared statement:
 * parsed and planned once per connection, the least PostgreSQL can be asked to do.
 *
 *   PORT=3101 DATABASE_URL=postgres://… node bench/.build/floor/server.js
 */
import Fastify from 'fastify'
import pg from 'pg'

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bantin_bench',
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  application_name: 'bantin-floor',
})

interface ArticleRow {
  id: string
  slug: string
  title: string
  summary: string | null
  body: unknown[]
  status: string
  published_at: Date | null
  category_id: string | null
  tags: string[]
  version: number
  excerpt: string
  word_count: number
  created_at: Date
  updated_at: Date
}

const ARTICLE = `id, slug, title, summary, body, status, published_at, category_id, tags, version, excerpt, word_count, created_at, updated_at`
const LIVE = `deleted_at is null and status = 'published' and published_at <= now()`

const person = (p: Record<string, unknown>) => ({
  id: p.id,
  slug: p.slug,
  name: p.name,
  honorific: p.honorific,
  title: p.title,
  organization: p.organization,
  bio: p.bio,
  createdAt: (p.created_at as Date).toISOString(),
  updatedAt: (p.updated_at as Date).toISOString(),
})

const category = (c: Record<string, unknown>) => ({
  id: c.id,
  slug: c.slug,
  name: c.name,
  description: c.description,
  parentId: c.parent_id,
  position: c.position,
  createdAt: (c.created_at as Date).toISOString(),
  updatedAt: (c.updated_at as Date).toISOString(),
})

/** People and categories of a page: one query each, as bantin does, run side by side. */
async function embed(rows: ArticleRow[]) {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const categoryIds = [...new Set(rows.map((r) => r.category_id).filter((id) => id !== null))]
  const [links, cats] = await Promise.all([
    pool.query({
      name: 'floor_people',
      text: `select ap.article_id, ap.person_id, ap.role, p.id, p.slug, p.name, p.name_folded, p.honorific, p.title, p.organization,
              p.bio, p.created_at, p.updated_at
         from article_people ap join people p on p.id = ap.person_id
        where ap.article_id = any($1) order by ap.article_id, ap.position`,
      values: [ids],
    }),
    categoryIds.length
      ? pool.query({ name: 'floor_categories', text: `select * from categories where id = any($1)`, values: [categoryIds] })
      : { rows: [] },
  ])
  const byArticle = new Map<string, object[]>()
  for (const l of links.rows) {
    const list = byArticle.get(l.article_id) ?? []
    list.push({ personId: l.person_id, role: l.role, person: person(l) })
    byArticle.set(l.article_id, list)
  }
  const categoryById = new Map(cats.rows.map((c) => [c.id as string, category(c)]))
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    body: r.body,
    status: r.status,
    publishedAt: r.published_at?.toISOString() ?? null,
    categoryId: r.category_id,
    tags: r.tags,
    people: byArticle.get(r.id) ?? [],
    version: r.version,
    excerpt: r.excerpt,
    readingTimeMinutes: Math.max(1, Math.round(r.word_count / 200)),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    category: r.category_id ? (categoryById.get(r.category_id) ?? null) : null,
  }))
}

const app = Fastify({ logger: false })

/**
 * Search as Strapi's $containsi and Directus's _icontains do it: ILIKE '%…%' over the title and the
 * body's JSON text, the newest first. Diacritics must match, nothing is ranked, no index can help.
 */
async function search(q: string, limit: number) {
  const { rows } = await pool.query<{ id: string; slug: string; title: string; excerpt: string; published_at: Date }>({
    name: 'floor_search',
    text: `select id, slug, title, excerpt, published_at from articles
      where ${LIVE} and (title ilike $1 or body::text ilike $1)
      order by published_at desc nulls last, id desc nulls last limit $2`,
    values: [`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit + 1],
  })
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page[page.length - 1] : undefined
  return {
    data: page.map((r) => ({ id: r.id, slug: r.slug, title: r.title, excerpt: r.excerpt, publishedAt: r.published_at.toISOString() })),
    meta: { limit, nextCursor: last ? Buffer.from(JSON.stringify(['-publishedAt', last.published_at.toISOString(), last.id])).toString('base64url') : null },
  }
}

app.get('/v1/articles', async (req) => {
  const query = req.query as { category?: string; limit?: string; q?: string }
  const limit = Math.min(100, Math.max(1, Number(query.limit ?? 20) || 20))
  if (query.q) return search(query.q, limit)
  const params: unknown[] = [limit + 1]
  let filter = ''
  if (query.category) {
    params.push(query.category)
    filter = `and category_id in (with recursive sub(id) as (
        select id from categories where slug = $2
        union all
        select c.id from categories c join sub on c.parent_id = sub.id
      ) select id from sub)`
  }
  const { rows } = await pool.query<ArticleRow>({
    name: query.category ? 'floor_list_category' : 'floor_list',
    text: `select ${ARTICLE} from articles where ${LIVE} ${filter}
      order by published_at desc nulls last, id desc nulls last limit $1`,
    values: params,
  })
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page[page.length - 1] : undefined
  const nextCursor = last
    ? Buffer.from(JSON.stringify(['-publishedAt', last.published_at?.toISOString() ?? null, last.id])).toString('base64url')
    : null
  return { data: await embed(page), meta: { limit, nextCursor } }
})

app.get('/v1/articles/:slug', async (req, reply) => {
  const { slug } = req.params as { slug: string }
  const { rows } = await pool.query<ArticleRow>({
    name: 'floor_detail',
    text: `select ${ARTICLE} from articles where slug = $1 and ${LIVE}`,
    values: [slug],
  })
  if (rows.length === 0) return reply.code(404).send({ status: 404, title: 'Not found' })
  const [article] = await embed(rows)
  return { data: article }
})

app.get('/health', async () => ({ status: 'ok' }))

const close = async () => {
  await app.close()
  await pool.end()
  process.exit(0)
}
process.once('SIGTERM', close)
process.once('SIGINT', close)

await app.listen({ port: Number(process.env.PORT ?? 3101), host: '127.0.0.1' })
