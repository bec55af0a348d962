import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type SQL, sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type Db, openDatabase, rawRows } from '../src/db/client.js'
import { migrationsFolder } from '../src/db/template.js'
import { articleSearchDoc } from '../src/resources/articles/articles.search-index.js'
import { searchStatements } from '../src/resources/articles/articles.search.js'
import { listTagStatement } from '../src/resources/articles/articles.etag.js'
import { listStatement } from '../src/resources/articles/articles.queries.js'
import type { ArticleListParams, ArticleListQuery } from '../src/resources/articles/articles.schemas.js'
import { searchQuery } from '../src/shared/search.js'
import { searchTerms } from '../src/shared/text.js'
import { createServerDatabase, openTestDatabase } from './helper.js'
import { plansMade, sequentialScans } from './plans.js'
import { corpus, corpusPeople } from './resources/search.corpus.js'

const server = process.env.DATABASE_URL

/** Texts the JavaScript and SQL rules must read alike: the corpus, and what real text throws at them. */
const texts = [
  ...corpus.flatMap((a) => [a.title, a.summary ?? '', ...a.body.map((b) => JSON.stringify(b))]),
  ...Object.values(corpusPeople).map((p) => p.name),
  ...corpus.map((a) => a.title.normalize('NFD')),
  'ĐẠI HỘI ĐẢNG BỘ HUYỆN LẦN THỨ XXV, NHIỆM KỲ 2025 - 2030',
  'Hoà, hòa; thuỷ/thủy — Uỷ ban: ủy ban… “khoẻ” «khỏe» „quý‟',
  'Crème brûlée, Straße, İstanbul, Ærø, Ðà Nẵng, Привет, 中文, 🎉 mừng',
  'tab\there\r\nnew\nline   spaces · bullet • pipe | [ngoặc] {nhọn} (tròn)',
  ' \u0300a lone mark, zero\u200bwidth, soft\u00adhyphen, nbsp\u00a0space',
  `${'a'.repeat(64)} ${'b'.repeat(65)} ${'đ'.repeat(64)}`,
  '3.000 m² — 8,5% — 06/12/2023 — COVID-19 — 0,5 ha — x2 — mp3',
  '',
]

/** Of ten runs, no more custom plans than the five PostgreSQL makes before it can keep a generic one, which reads by index. */
const keptGeneric = (plans: { generic: number; custom: number; genericScans: string[] }) =>
  plans.custom <= 5 && plans.generic + plans.custom === 10 && plans.genericScans.length === 0

const sortedSet = (items: Iterable<string>) => [...new Set(items)].sort()

t.test('the SQL twin of the search rules reads every text as the JavaScript does', async (t) => {
  const { db } = await openTestDatabase(t)
  for (const prefix of ['', 't:', 'm:'] as const) {
    const rows = await rawRows<{ terms: string[] }>(
      db,
      sql`select bantin_search_terms(${prefix}, x) as terms from jsonb_array_elements_text(${JSON.stringify(texts)}::jsonb) with ordinality as t(x, n) order by n`,
    )
    rows.forEach((row, i) => t.same(sortedSet(row.terms), sortedSet(searchTerms(prefix, texts[i]!)), `${prefix || 'body'}: ${texts[i]!.slice(0, 40)}`))
  }
})

t.test('the SQL twin indexes a whole article, and linked names, as writes do', async (t) => {
  const { db } = await openTestDatabase(t)
  for (const article of corpus) {
    const body = article.body.map((b) =>
      typeof b === 'string' ? { type: 'paragraph', text: b } : 'image' in b ? { type: 'image', mediaId: '01900000-0000-7000-8000-000000000001', caption: b.image, ...(b.credit && { credit: b.credit }) } : 'quote' in b ? { type: 'quote', ...b, text: b.quote } : b,
    ) as never
    const fields = { title: article.title, summary: article.summary ?? null, tags: article.tags ?? [], body }
    const [row] = await rawRows<{ sql: string[]; js: string[] }>(
      db,
      sql`select tsvector_to_array(bantin_article_search_doc(${fields.title}, ${fields.summary}, ${`{${fields.tags.map((x) => `"${x}"`).join(',')}}`}::text[], ${JSON.stringify(body)}::jsonb)) as sql,
        tsvector_to_array(${articleSearchDoc(fields).doc}::tsvector) as js`,
    )
    t.same(row!.sql, row!.js, article.slug)
  }
  await db.execute(sql`insert into people (id, slug, name, name_folded) values ('01900000-0000-7000-8000-0000000000a1', 'p', 'Phạm Thị Thủy', 'pham thi thuy')`)
  const [people] = await rawRows<{ terms: string[] }>(db, sql`select tsvector_to_array(bantin_people_search_terms(array['01900000-0000-7000-8000-0000000000a1'::uuid])) as terms`)
  t.same(people!.terms, sortedSet(searchTerms('m:', 'Phạm Thị Thủy')))
})

/** A copy of the migrations up to (not including) the first search migration. */
async function migrationsBeforeSearch(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'bantin-migrations-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }
  const cut = journal.entries.findIndex((e) => e.tag.includes('search'))
  journal.entries = journal.entries.slice(0, cut)
  await mkdir(join(folder, 'meta'))
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify(journal))
  for (const { tag } of journal.entries) await copyFile(join(migrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`))
  return folder
}

const legacyRows = sql`
  insert into people (id, slug, name, name_folded) values ('01900000-0000-7000-8000-0000000000a1', 'pham-thi-thuy', 'Phạm Thị Thủy', 'pham thi thuy');
  insert into articles (id, slug, title, summary, body, status, published_at, tags, excerpt, word_count) values
    ('01900000-0000-7000-8000-0000000000b1', 'cu-1', 'Ban Dân vận Huyện ủy tổng kết năm 2023', null,
     '[{"type":"paragraph","text":"Công tác dân vận chính quyền"},{"type":"image","mediaId":"01900000-0000-7000-8000-0000000000c1","caption":"Đồng chí phát biểu"}]',
     'published', '2024-01-01T00:00:00Z', '{hội nghị}', '', 0),
    ('01900000-0000-7000-8000-0000000000b2', 'cu-2', 'Bài nháp về bão số 3', 'Tóm tắt', '[]', 'draft', null, '{}', '', 0);
  insert into article_people (article_id, person_id, role, position) values ('01900000-0000-7000-8000-0000000000b1', '01900000-0000-7000-8000-0000000000a1', 'mentioned', 0);
  insert into media (id, kind, filename, mime_type, size, sha256, caption, search_folded) values
    ('01900000-0000-7000-8000-0000000000c1', 'image', 'hoi-nghi.jpg', 'image/jpeg', 1, 'x', 'Lễ khánh thành', 'hoi-nghi.jpg le khanh thanh');
`

t.test('the migration indexes the articles, people and media that exist before it', async (t) => {
  const folder = await migrationsBeforeSearch()
  let reopen: () => ReturnType<typeof openDatabase>
  if (server) {
    const url = await createServerDatabase(t, server)
    const pool = new pg.Pool({ connectionString: url, max: 1 })
    const { drizzle } = await import('drizzle-orm/node-postgres')
    const { migrate } = await import('drizzle-orm/node-postgres/migrator')
    const db = drizzle(pool)
    await migrate(db, { migrationsFolder: folder })
    await pool.query(new PgDialect().sqlToQuery(legacyRows).sql)
    await pool.end()
    reopen = () => openDatabase({ url, poolMax: 2 })
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'bantin-legacy-'))
    t.teardown(() => rm(dataDir, { recursive: true, force: true }))
    const [{ PGlite }, { pg_trgm }, { unaccent }, { drizzle }, { migrate }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/contrib/unaccent'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ])
    const client = await PGlite.create(dataDir, { extensions: { pg_trgm, unaccent } })
    await migrate(drizzle(client), { migrationsFolder: folder })
    await client.exec(new PgDialect().sqlToQuery(legacyRows).sql)
    await client.close()
    reopen = () => openDatabase({ dataDir })
  }

  const database = await reopen()
  t.teardown(() => database.close())
  const rows = await rawRows<{ article_id: string }>(database.db, sql`select article_id from article_search order by article_id`)
  t.same(rows.map((r) => r.article_id), ['01900000-0000-7000-8000-0000000000b1', '01900000-0000-7000-8000-0000000000b2'])
  const words = (await rawRows<{ word: string }>(database.db, sql`select word from search_lexicon`)).map((r) => r.word)
  for (const word of ['dan', 'van', 'pham', 'thuy', 'khanh', 'bao']) t.ok(words.includes(word), `lexicon holds ${word}`)

  const dataDir = await mkdtemp(join(tmpdir(), 'bantin-test-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const app = await buildApp({ config: loadConfig({ RATE_LIMIT_MAX: '0', DATA_DIR: dataDir }), database })
  t.teardown(() => app.close())
  const hits = async (q: string) => (await app.inject(`/v1/articles?q=${encodeURIComponent(q)}`)).json().data.map((a: { slug: string }) => a.slug)
  t.same(await hits('dan van'), ['cu-1'])
  t.same(await hits('pham thi thuyy'), ['cu-1'], 'linked names and the lexicon are there too')
  t.same(await hits('dong chi phat bieu'), ['cu-1'], 'captions too')
  t.same(await hits('bao'), [], 'the draft stays invisible')
  t.same((await app.inject('/v1/people?q=thuyy')).json().data.length, 1)
  t.same((await app.inject('/v1/media?q=khanhh')).json().data.length, 1)
})

// ---- plans ----------------------------------------------------------------------------------

const vocabulary = [
  'nhân dân', 'huyện', 'xã', 'thôn', 'hội nghị', 'tổng kết', 'công tác', 'triển khai', 'nhiệm vụ', 'văn hóa', 'giáo dục', 'y tế',
  'nông thôn mới', 'chuyển đổi số', 'đất đai', 'báo cáo', 'bảo vệ', 'môi trường', 'thi đua', 'khen thưởng', 'tuyên truyền', 'vận động',
  'đoàn viên', 'hội viên', 'phụ nữ', 'cựu chiến binh', 'an ninh', 'trật tự', 'giao thông', 'thủy lợi', 'sản xuất', 'kinh tế', 'xã hội',
  'chính quyền', 'mặt trận', 'tổ quốc', 'đảng bộ', 'chi bộ', 'đồng chí', 'phát biểu', 'chỉ đạo', 'kết quả', 'năm', 'tháng', 'quý',
]

const explain = (db: Db, statement: SQL) => sequentialScans(db, statement, ['articles', 'article_search'])

t.test('a search never scans articles or the search table, whatever it asks', async (t) => {
  const { db } = await openTestDatabase(t)
  await db.execute(sql`insert into categories (id, slug, name) values ('01900000-0000-7000-8000-0000000000d1', 'tin', 'Tin')`)
  // 8,000 articles of 60 words drawn from the vocabulary; "dân vận" in 3 %, "lũ quét" in 0.1 %.
  await db.execute(sql`
    insert into articles (id, slug, title, summary, body, status, published_at, category_id, tags, excerpt, word_count)
    select gen_random_uuid(), 'bai-' || i,
      (select string_agg(w[1 + abs(hashtext(i || 't' || j)) % array_length(w, 1)], ' ') from generate_series(1, 8) j),
      null,
      jsonb_build_array(jsonb_build_object('type', 'paragraph', 'text',
        case when i % 33 = 0 then 'công tác dân vận ' else '' end || case when i % 1000 = 7 then 'trận lũ quét ' else '' end ||
        (select string_agg(w[1 + abs(hashtext(i || 'b' || j)) % array_length(w, 1)], ' ') from generate_series(1, 60) j))),
      case when i % 50 = 0 then 'draft' else 'published' end,
      case when i % 50 = 0 then null else now() - i * interval '1 hour' end,
      '01900000-0000-7000-8000-0000000000d1', '{}', '', 0
    from generate_series(1, 8000) i, (select ${`{${vocabulary.map((v) => `"${v}"`).join(',')}}`}::text[] as w) v`)
  // In slices: each statement stays well inside the server's statement timeout.
  for (let from = 1; from <= 8000; from += 1000) {
    await db.execute(sql`insert into article_search (article_id, doc, status, published_at) select id, bantin_article_search_doc(title, summary, tags, body), status, published_at
      from articles where substr(slug, 5)::int between ${from} and ${from + 999}`)
  }
  await db.execute(sql`insert into search_lexicon (word) select distinct l from article_search, unnest(tsvector_to_array(doc)) l where l ~ '^[a-z]{2,32}$'`)
  await db.execute(sql`analyze`)

  const reader = { tokenId: '01900000-0000-7000-8000-0000000000e1', name: 'reader', role: 'reader' as const }
  const cases: [string, Partial<ArticleListParams>, typeof reader | null][] = [
    ['dân vận', {}, null],
    ['dan van', {}, null],
    ['lũ quét', {}, null],
    ['nhân dân', {}, null],
    ['chuyen doii so', {}, null],
    ['"nông thôn mới" -báo', {}, null],
    ['dân vận', { category: 'tin', offset: 20 }, null],
    ['dân vận', { sort: '-publishedAt' }, null],
    ['dân vận', { status: 'draft' }, reader],
    ['huyện xã', { sort: 'title' }, reader],
    ['dân vận', { trashed: true }, reader],
    ['dân vận', { publishedAfter: new Date('2024-01-01T00:00:00Z'), offset: 40 }, null],
  ]
  for (const [q, extra, auth] of cases) {
    const params = { q, limit: 20, ...extra } as ArticleListParams & { q: string }
    const { page, counted } = searchStatements(await searchQuery(db, q), params, auth)
    t.same(await explain(db, page), [], `${q} ${JSON.stringify(extra)}: the page`)
    t.same(await explain(db, counted), [], `${q} ${JSON.stringify(extra)}: the count`)
    // A page without an offset is planned once per connection, not on every request.
    if (server && extra.offset === undefined) t.ok(keptGeneric(await plansMade(db, page, ['articles', 'article_search'])), `${q} ${JSON.stringify(extra)}: a generic plan kept`)
  }
  if (server) {
    const list = (extra: Partial<ArticleListQuery>) => listStatement(db, { limit: 20, sort: '-publishedAt', ...extra } as ArticleListQuery, null).page
    t.ok(keptGeneric(await plansMade(db, list({ category: 'tin', include: ['category', 'people'] }), ['articles'])), 'a category list: a generic plan kept')
    t.ok(keptGeneric(await plansMade(db, list({ tag: 'tin', include: ['people'] }), ['articles'])), 'a tag list: a generic plan kept')
    const tag = listTagStatement(db, { limit: 20, sort: '-publishedAt', category: 'tin', include: ['category', 'people'] } as ArticleListQuery, null)
    t.ok(keptGeneric(await plansMade(db, tag, ['articles'])), "a category list's ETag: a generic plan kept")
  }
})
