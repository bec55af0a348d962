/**
 * The floor: the fastest a careful hand-written Fastify 5 + pg server answers the JSON bantin
 * answers for the reads the bench loads (the same fields, shape and values; `npm run bench --
 * --check` compares them). Each request is one round trip: one named prepared statement in which
 * PostgreSQL builds the whole answer, read as one column and sent as it is. No ORM, no
 * validation, no hooks, no logging, no ETag.
 *
 * Building the JSON in PostgreSQL is the faster way here: it reads the rows, the people and the
 * category it embeds without a second round trip, and Node neither parses rows nor serializes
 * JSON. (Rows joined in one query and serialized by Node cost this server more CPU per list.)
 *
 * The answer travels as base64 of its UTF-8 bytes. pg decodes every text column into a JS string,
 * and sending a string encodes it back: for a list of 120 KB of Vietnamese text that decoding and
 * encoding were about half of this server's CPU. Base64 is ASCII, which Node turns into bytes
 * cheaply, and the bytes go out untouched (measured side by side: 1.5 vs 2.4 ms of CPU a list).
 *
 *   PORT=3101 DATABASE_URL=postgres://… node bench/.build/floor/server.js
 */
import Fastify, { type FastifyReply } from 'fastify'
import pg from 'pg'

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bantin_bench',
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  // Connections stay open between rounds, so that their prepared statements do too.
  idleTimeoutMillis: 0,
  application_name: 'bantin-floor',
  // The menu's statement nests three levels of jsonb_array_elements, which the planner takes for
  // 100 items each: costed at 860 million, it was JIT-compiled on every run (1.2 s of PostgreSQL
  // CPU for a statement that runs in 1 ms). No other statement here is costed near the threshold.
  options: '-c jit=off',
})

/** A timestamp as JavaScript's toISOString() writes it (bantin's Timestamp). */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** What anonymous callers may read, as bantin decides it. */
const LIVE = `a.deleted_at is null and a.status = 'published' and a.published_at <= now()`
const ORDER = `a.published_at desc nulls last, a.id desc nulls last`

/**
 * An article's page on the public site, as bantin's default pattern /tin-tuc/{category}/{slug}
 * writes it (no empty segment without a category); null without SITE_URL.
 */
const SITE = process.env.SITE_URL
const siteUrl = (a: string) =>
  SITE
    ? `('${SITE.replace(/'/g, "''")}/tin-tuc/' || coalesce((select c.slug || '/' from categories c where c.id = ${a}.category_id), '') || ${a}.slug)`
    : 'null::text'

/** The SEO fields of an article, page or category. */
const seoJson = (x: string) =>
  `json_build_object('title', ${x}.seo_title, 'description', ${x}.seo_description, 'imageId', ${x}.seo_image_id, 'canonicalUrl', ${x}.canonical_url, 'noindex', ${x}.noindex)`

/** Text cut to `n` characters at the last space before the cut, with an ellipsis, as bantin's share cards cut it. */
const cut = (v: string, n: number) => `(case when char_length(${v}) <= ${n} then ${v}
  when strpos(substr(left(${v}, ${n}), 2), ' ') > 0 then rtrim(regexp_replace(left(${v}, ${n}), ' [^ ]*$', '')) || '…'
  else left(${v}, ${n - 1}) || '…' end)`

/** An article's share card: SEO title and description or the title and excerpt, the SEO image or cover at most 1200 wide. */
const shareJson = (a: string) => `json_build_object(
  'title', ${cut(`coalesce(${a}.seo_title, ${a}.title)`, 70)},
  'description', ${cut(`coalesce(${a}.seo_description, ${a}.excerpt, '')`, 200)},
  'image', (select json_build_object('url', '/v1/media/' || m.id || '/file?w=1200&format=jpeg', 'width', least(m.width, 1200),
      'height', round(m.height * least(m.width, 1200)::numeric / m.width)::int)
    from media m where m.id = coalesce(${a}.seo_image_id, ${a}.cover_id) and m.kind = 'image' and m.width > 0),
  'url', coalesce(${a}.canonical_url, ${siteUrl(a)}))`

const categoryJson = (c: string) => `json_build_object(
  'id', ${c}.id, 'slug', ${c}.slug, 'name', ${c}.name, 'description', ${c}.description, 'parentId', ${c}.parent_id,
  'position', ${c}.position, 'seo', ${seoJson(c)}, 'createdAt', ${iso(`${c}.created_at`)}, 'updatedAt', ${iso(`${c}.updated_at`)})`

const personJson = (p: string) => `json_build_object(
  'id', ${p}.id, 'slug', ${p}.slug, 'name', ${p}.name, 'honorific', ${p}.honorific, 'title', ${p}.title,
  'organization', ${p}.organization, 'bio', ${p}.bio, 'photoId', ${p}.photo_id,
  'createdAt', ${iso(`${p}.created_at`)}, 'updatedAt', ${iso(`${p}.updated_at`)})`

/** An article with include=category,people. */
const articleJson = (a: string) => `json_build_object(
  'id', ${a}.id, 'slug', ${a}.slug, 'title', ${a}.title, 'summary', ${a}.summary, 'body', ${a}.body, 'status', ${a}.status,
  'publishedAt', ${iso(`${a}.published_at`)}, 'categoryId', ${a}.category_id, 'coverId', ${a}.cover_id, 'tags', ${a}.tags,
  'people', coalesce((
    select json_agg(json_build_object('personId', ap.person_id, 'role', ap.role, 'person', ${personJson('p')}) order by ap.position)
      from article_people ap join people p on p.id = ap.person_id
     where ap.article_id = ${a}.id), '[]'::json),
  'seo', ${seoJson(a)},
  'version', ${a}.version, 'excerpt', ${a}.excerpt, 'readingTimeMinutes', greatest(1, round(${a}.word_count / 200.0))::int,
  'createdAt', ${iso(`${a}.created_at`)}, 'updatedAt', ${iso(`${a}.updated_at`)},
  'category', (select ${categoryJson('c')} from categories c where c.id = ${a}.category_id),
  ${SITE ? `'url', ${siteUrl(a)},` : ''}
  'share', ${shareJson(a)})`

/** bantin's cursor after a row of the default sort: base64url of ["-publishedAt", iso, id]. */
const cursorOf = (a: string) =>
  `translate(encode(convert_to('["-publishedAt","' || ${iso(`${a}.published_at`)} || '","' || ${a}.id || '"]', 'UTF8'), 'base64'), E'+/=\\n', '-_')`

const inCategory = `a.category_id in (with recursive sub(id) as (
    select id from categories where slug = $2
    union all
    select c.id from categories c join sub on c.parent_id = sub.id
  ) select id from sub)`

/**
 * A page of `$1` articles: `$1 + 1` rows are read, as bantin does, to know whether a next page
 * exists, and the cursor is made from the page's last row.
 */
const listSql = (filter: string, item: (a: string) => string) => `
  select json_build_object(
    'data', coalesce(json_agg(${item('a')} order by a.n) filter (where a.n <= $1), '[]'::json),
    'meta', json_build_object('limit', $1::int, 'nextCursor', (array_agg(${cursorOf('a')}) filter (where a.n = $1))[1] )
  )::text as json
  from (
    select a.*, row_number() over (order by ${ORDER}) as n
      from (select * from articles a where ${LIVE} ${filter} order by ${ORDER} limit $1::int + 1) a
  ) a`

/** A page's path as bantin writes it: /pages/ and the slugs of its ancestors and its own, from the top. */
const pagePath = (p: string) => `(with recursive up(parent_id, slug, depth) as (
    select ${p}.parent_id, ${p}.slug, 0
    union all
    select q.parent_id, q.slug, up.depth + 1 from pages q join up on q.id = up.parent_id where up.depth < 32
  ) select '/pages/' || string_agg(up.slug, '/' order by up.depth desc) from up)`

/**
 * The items of a menu's level (`source`, a jsonb array) as an anonymous caller gets them: each
 * link resolved to its target's slug and path, and an item whose target is gone, unpublished or in
 * the trash left out with the items below it. Menus nest 3 levels, so the levels are written out.
 */
const menuItems = (source: string, level: number): string => {
  const i = `i${level}`
  const t = `t${level}`
  const link = `${i}.v->'link'`
  const id = `(${link}->>'id')::uuid`
  return `coalesce((
    select json_agg(json_build_object(
        'label', ${i}.v->>'label',
        'link', case when ${link}->>'type' = 'url'
          then json_build_object('type', 'url', 'url', ${link}->>'url', 'path', ${link}->>'url')
          else json_build_object('type', ${link}->>'type', 'id', ${link}->>'id', 'slug', ${t}.slug, 'path', ${t}.path) end,
        'children', ${level < 3 ? menuItems(`${i}.v->'children'`, level + 1) : `'[]'::json`}
      ) order by ${i}.n)
      from jsonb_array_elements(${source}) with ordinality ${i}(v, n)
      left join lateral (
        select p.slug, ${pagePath('p')} as path from pages p
         where ${link}->>'type' = 'page' and p.id = ${id} and p.deleted_at is null and p.status = 'published'
        union all
        select c.slug, '/categories/' || c.slug from categories c where ${link}->>'type' = 'category' and c.id = ${id}
        union all
        select a.slug, '/articles/' || a.slug from articles a where ${link}->>'type' = 'article' and a.id = ${id} and ${LIVE}
      ) ${t} on true
     where ${link}->>'type' = 'url' or ${t}.slug is not null), '[]'::json)`
}

/** A document as bantin answers it: inForce on the calendar of Việt Nam, related articles the public may read. */
const documentJson = (d: string) => `json_build_object(
  'id', ${d}.id, 'slug', ${d}.slug, 'number', ${d}.number, 'kind', ${d}.kind, 'issuer', ${d}.issuer, 'signerId', ${d}.signer_id,
  'issuedAt', ${d}.issued_at::text, 'effectiveAt', ${d}.effective_at::text, 'expiredAt', ${d}.expired_at::text,
  'inForce', coalesce(${d}.effective_at, ${d}.issued_at) <= (now() at time zone 'Asia/Ho_Chi_Minh')::date
    and (${d}.expired_at is null or ${d}.expired_at > (now() at time zone 'Asia/Ho_Chi_Minh')::date),
  'summary', ${d}.summary, 'field', ${d}.field, 'fileIds', ${d}.file_ids,
  'articleIds', array(select x from unnest(${d}.article_ids) with ordinality u(x, o) join articles a on a.id = u.x where ${LIVE} order by u.o),
  'version', ${d}.version, 'createdAt', ${iso(`${d}.created_at`)}, 'updatedAt', ${iso(`${d}.updated_at`)}
  ${SITE ? `, 'url', '${SITE.replace(/'/g, "''")}/van-ban/' || ${d}.slug` : ''})`

const DOCUMENT_ORDER = `d.issued_at desc, d.id desc`

const statements = {
  // The 20 newest issued of a kind, with bantin's cursor after the last: ["-issuedAt", date, id].
  documentsByKind: `
  select json_build_object(
    'data', coalesce(json_agg(${documentJson('d')} order by d.n) filter (where d.n <= $1), '[]'::json),
    'meta', json_build_object('limit', $1::int, 'nextCursor', (array_agg(
      translate(encode(convert_to('["-issuedAt","' || d.issued_at::text || '","' || d.id || '"]', 'UTF8'), 'base64'), E'+/=\\n', '-_')
    ) filter (where d.n = $1))[1])
  )::text as json
  from (
    select d.*, row_number() over (order by ${DOCUMENT_ORDER}) as n
      from (select * from documents d where d.kind = $2 order by ${DOCUMENT_ORDER} limit $1::int + 1) d
  ) d`,
  detail: `select json_build_object('data', ${articleJson('a')})::text as json from articles a where a.slug = $1 and ${LIVE}`,
  list: listSql('', articleJson),
  listCategory: listSql(`and ${inCategory}`, articleJson),
  // Search as Strapi's $containsi and Directus's _icontains do it: ILIKE '%…%' over the title and
  // the body's JSON text, newest first. Diacritics must match, nothing is ranked, no index helps.
  search: listSql(
    `and (a.title ilike $2 or a.body::text ilike $2)`,
    (a) => `json_build_object('id', ${a}.id, 'slug', ${a}.slug, 'title', ${a}.title, 'excerpt', ${a}.excerpt, 'publishedAt', ${iso(`${a}.published_at`)})`,
  ),
  menu: `select json_build_object('data', json_build_object(
      'id', m.id, 'slug', m.slug, 'name', m.name, 'items', ${menuItems('m.items', 1)},
      'version', m.version, 'createdAt', ${iso('m.created_at')}, 'updatedAt', ${iso('m.updated_at')}))::text as json
    from menus m where m.slug = $1`,
}

/** The statements as they are run: the answer as base64 of its bytes (see above). */
const asBase64 = Object.fromEntries(
  Object.entries(statements).map(([name, text]) => [name, `select encode(convert_to(j.json, 'UTF8'), 'base64') as b64 from (${text}) j`]),
) as typeof statements

async function answer(reply: FastifyReply, name: keyof typeof statements, values: unknown[]) {
  const { rows } = await pool.query<{ b64: string }>({ name: `floor_${name}`, text: asBase64[name], values })
  reply.header('content-type', 'application/json; charset=utf-8')
  if (rows.length === 0) return reply.code(404).send('{"type":"urn:bantin:problem:not-found","status":404,"title":"Not Found"}')
  return reply.send(Buffer.from(rows[0]!.b64, 'base64'))
}

const app = Fastify({ logger: false })

app.get('/v1/articles', (req, reply) => {
  const query = req.query as { category?: string; limit?: string; q?: string }
  const limit = Math.min(100, Math.max(1, Number(query.limit ?? 20) || 20))
  if (query.q) return answer(reply, 'search', [limit, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`])
  return query.category ? answer(reply, 'listCategory', [limit, query.category]) : answer(reply, 'list', [limit])
})

app.get('/v1/documents', (req, reply) => {
  const query = req.query as { kind?: string; limit?: string }
  const limit = Math.min(100, Math.max(1, Number(query.limit ?? 20) || 20))
  return answer(reply, 'documentsByKind', [limit, query.kind ?? ''])
})

app.get('/v1/articles/:slug', (req, reply) => answer(reply, 'detail', [(req.params as { slug: string }).slug]))

app.get('/v1/menus/:slug', (req, reply) => answer(reply, 'menu', [(req.params as { slug: string }).slug]))

app.get('/health', async () => ({ status: 'ok' }))

const close = async () => {
  await app.close()
  await pool.end()
  process.exit(0)
}
process.once('SIGTERM', close)
process.once('SIGINT', close)

await app.listen({ port: Number(process.env.PORT ?? 3101), host: '127.0.0.1' })
