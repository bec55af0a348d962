/**
 * The bench dataset: 20 categories in a tree, 500 people, 10,000 articles (or `--articles N`) of
 * about 600 Vietnamese words, published over three years. The same seed gives the same rows, ids
 * included. Loaded with multi-row inserts into a PostgreSQL database that the app's own migrations
 * created, with a change log entry per row. Articles have no cover yet: media is not in the schema.
 * Each article's search row and the lexicon are written as the app writes them. The portal's
 * content beside the news: 30 pages in a tree and the `header` menu of 26 items over 3 levels.
 *
 *   tsx bench/generate.ts [--articles 10000] [--seed 1] [--force]   (DATABASE_URL overrides the target)
 */
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { openDatabase } from '../src/db/client.js'
import { countWords, deriveReadingFields } from '../src/resources/articles/blocks.js'
import { articleSearchDoc } from '../src/resources/articles/articles.search-index.js'
import type { Block } from '../src/shared/blocks.js'
import { lexiconInsert } from '../src/shared/search.js'
import { fold, isLexiconWord, searchTerms, slugify } from '../src/shared/text.js'
import { captions, corpus } from './corpus.js'

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/bantin_bench'
const DATASET_VERSION = 5
/** Publication dates are fixed, not relative to today, so that a dataset is the same whenever it is made. */
const END = Date.parse('2026-01-01T00:00:00.000Z')
const START = END - 3 * 365 * 86_400_000
const SCHEDULED_FROM = Date.parse('2099-01-01T00:00:00.000Z')

/** mulberry32: small, fast and good enough to make text and dates. */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  return { next, int, pick }
}
type Rng = ReturnType<typeof prng>

/** A UUID v7 for a given time, its random bits from the generator. */
function uuidv7(ms: number, rng: Rng): string {
  const hex = (n: number, width: number) => Math.floor(n).toString(16).padStart(width, '0')
  const time = hex(ms, 12)
  const rand = () => hex(rng.next() * 0x10000, 4)
  const variant = hex(0x8000 | (rng.next() * 0x4000), 4)
  return `${time.slice(0, 8)}-${time.slice(8)}-7${rand().slice(1)}-${variant}-${rand()}${rand()}${rand()}`
}

/** Word successors in the corpus: sentences follow the article's own word order, recombined. */
function bigrams() {
  const next = new Map<string, string[]>()
  const starts: string[] = []
  for (const paragraph of corpus) {
    const words = paragraph.split(/\s+/).filter(Boolean)
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!
      const prev = words[i - 1]
      if (!prev || /[.;]$/.test(prev)) {
        if (/^\p{Lu}/u.test(word)) starts.push(word)
      }
      if (i + 1 < words.length) {
        const list = next.get(word) ?? []
        list.push(words[i + 1]!)
        next.set(word, list)
      }
    }
  }
  return { next, starts }
}
const chain = bigrams()

function sentence(rng: Rng, min = 10, max = 28): string {
  const words = [rng.pick(chain.starts)]
  const length = rng.int(min, max)
  while (words.length < length) {
    const options = chain.next.get(words[words.length - 1]!)
    const word = options ? rng.pick(options) : rng.pick(chain.starts).toLowerCase()
    if (/\.$/.test(word) && words.length < min) {
      words.push(word.replace(/[.]+$/, ','))
      continue
    }
    words.push(word)
    if (/\.$/.test(word)) break
  }
  const text = words.join(' ').replace(/[,;:–-]+$/u, '')
  return /[.!?…]$/.test(text) ? text.replace(/\.\.\.$/, '.') : `${text}.`
}

function titleText(rng: Rng): string {
  const text = sentence(rng, 8, 14).replace(/[.;,:]+$/u, '')
  return text.length > 200 ? text.slice(0, 200).replace(/\s+\S*$/u, '') : text
}

function body(rng: Rng, targetWords: number): Block[] {
  const blocks: Block[] = []
  let words = 0
  let headings = 0
  while (words < targetWords) {
    if (blocks.length >= 3 && headings < 2 && rng.next() < 0.2) {
      headings++
      blocks.push({ type: 'heading', level: 2, text: titleText(rng) })
    } else if (blocks.length >= 2 && rng.next() < 0.08) {
      blocks.push({ type: 'quote', text: sentence(rng, 15, 30), cite: `Đồng chí ${rng.pick(surnames)} ${rng.pick(given)}` })
    } else if (blocks.length >= 2 && rng.next() < 0.05) {
      blocks.push({ type: 'list', style: 'bullet', items: [sentence(rng), sentence(rng), sentence(rng)] })
    } else {
      const count = rng.int(3, 6)
      const text = Array.from({ length: count }, () => sentence(rng)).join(' ')
      blocks.push(rng.next() < 0.04 ? { type: 'paragraph', text: rng.pick(captions) } : { type: 'paragraph', text })
    }
    const last = blocks[blocks.length - 1]!
    words += countWords(last.type === 'list' ? last.items.join(' ') : 'text' in last ? (last.text ?? '') : '')
  }
  return blocks
}

const rootCategories: [string, string[]][] = [
  ['Tin tức, sự kiện', ['Hoạt động của lãnh đạo', 'Tin trong huyện', 'Tin trong tỉnh']],
  ['Công tác xây dựng Đảng', ['Công tác dân vận', 'Tuyên giáo', 'Kiểm tra, giám sát']],
  ['Kinh tế', ['Nông nghiệp, nông thôn mới', 'Công nghiệp, thương mại', 'Đầu tư, xây dựng']],
  ['Văn hóa - Xã hội', ['Giáo dục', 'Y tế', 'An sinh xã hội']],
  ['Chính quyền số', ['Cải cách hành chính', 'Chuyển đổi số', 'Văn bản, chính sách']],
]
const surnames = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh', 'Trịnh']
const middles = ['Văn', 'Thị', 'Minh', 'Hồng', 'Thanh', 'Quốc', 'Đức', 'Ngọc', 'Thu', 'Hải', 'Xuân', 'Thị Hồng', 'Văn Đức', 'Kim', 'Hữu']
const given = ['Thủy', 'Hà', 'Ngọc', 'Vương', 'Hùng', 'Lan', 'Hương', 'Tuấn', 'Dũng', 'Nam', 'Hạnh', 'Phương', 'Linh', 'Long', 'Sơn', 'Trang', 'Hoa', 'Bình', 'Cường', 'Thắng', 'Yến', 'Quang', 'Tâm', 'Việt', 'Huyền', 'Khánh', 'Đạt', 'Giang']
const positions = [
  'Phó Trưởng Ban Dân vận Tỉnh ủy',
  'Phó Bí thư Thường trực Huyện ủy',
  'Ủy viên Ban Thường vụ Huyện ủy, Trưởng Ban Dân vận Huyện ủy',
  'Chủ tịch Ủy ban MTTQ huyện',
  'Chủ tịch UBND huyện',
  'Phó Chủ tịch UBND huyện',
  'Bí thư Đảng ủy xã',
  'Chủ tịch Hội Nông dân huyện',
  'Chủ tịch Hội Liên hiệp Phụ nữ huyện',
  'Bí thư Huyện đoàn',
  'Trưởng phòng Văn hóa và Thông tin',
  'Giám đốc Trung tâm Văn hóa, Thể thao và Truyền thanh',
  'Phóng viên',
  'Phóng viên ảnh',
]
const organizations = ['Tỉnh ủy Hà Nam', 'Huyện ủy Lý Nhân', 'UBND huyện Lý Nhân', 'Ủy ban MTTQ huyện Lý Nhân', 'Đảng ủy xã Nhân Thịnh', 'Trung tâm Văn hóa, Thể thao và Truyền thanh huyện']
const tagWords = ['dân vận', 'hội nghị', 'nông thôn mới', 'chuyển đổi số', 'cải cách hành chính', 'an sinh xã hội', 'dân vận khéo', 'giáo dục', 'y tế', 'môi trường', 'quốc phòng', 'đại hội']
const roles = ['author', 'photographer', 'mentioned'] as const

/**
 * The corpus is one article about "dân vận", which would put the phrase in every generated
 * article. Each article gets one topic instead, "dân vận" for about 3 % of them, so that a search
 * for it is the common-but-selective phrase of a real portal; "dân" and "văn/vấn/vân" stay common.
 */
const DAN_VAN_SHARE = 0.03
const otherTopics = ['tuyên giáo', 'kiểm tra', 'tổ chức', 'nội chính', 'dân tộc', 'thi đua', 'mặt trận', 'văn phòng']
const retopic = (text: string, topic: string) =>
  topic === 'dân vận' ? text : text.replace(/([Dd])ân vận/g, (_, d: string) => (d === 'D' ? topic[0]!.toLocaleUpperCase('vi') + topic.slice(1) : topic))
function retopicBlock(block: Block, topic: string): Block {
  switch (block.type) {
    case 'paragraph':
    case 'heading':
      return { ...block, text: retopic(block.text ?? '', topic) } as Block
    case 'quote':
      return { ...block, text: retopic(block.text, topic) }
    case 'list':
      return { ...block, items: block.items.map((item) => retopic(item, topic)) }
    default:
      return block
  }
}

/** A rare event (about 0.2 % of articles): what a search for a rare word finds. */
const RARE_SHARE = 0.002
const rareParagraph =
  'Trận lũ quét đêm 12/9 làm sạt lở hơn 200 m đê bối và ngập úng 30 ha lúa mùa; Ban Chỉ huy phòng chống thiên tai huyện đã huy động lực lượng ứng cứu kịp thời.'

function uniqueSlug(taken: Set<string>, text: string): string {
  const base = slugify(text) || 'bai-viet'
  let slug = base
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`
  taken.add(slug)
  return slug
}

const iso = (ms: number) => new Date(ms).toISOString()

interface CategoryRow { id: string; slug: string; name: string; description: string | null; parent_id: string | null; position: number; version: number; created_at: string; updated_at: string }
interface PersonRow { id: string; slug: string; name: string; name_folded: string; honorific: string | null; title: string | null; organization: string | null; bio: string | null; version: number; created_at: string; updated_at: string }

function makeCategories(rng: Rng): CategoryRow[] {
  const rows: CategoryRow[] = []
  const taken = new Set<string>()
  const at = iso(START - 86_400_000)
  rootCategories.forEach(([name, children], i) => {
    const root: CategoryRow = { id: uuidv7(START - 86_400_000, rng), slug: uniqueSlug(taken, name), name, description: `Tin bài về ${name.toLowerCase()}`, parent_id: null, position: i + 1, version: 1, created_at: at, updated_at: at }
    rows.push(root)
    children.forEach((child, j) => {
      rows.push({ id: uuidv7(START - 86_400_000, rng), slug: uniqueSlug(taken, child), name: child, description: null, parent_id: root.id, position: j + 1, version: 1, created_at: at, updated_at: at })
    })
  })
  return rows
}

function makePeople(rng: Rng, count: number): PersonRow[] {
  const taken = new Set<string>()
  return Array.from({ length: count }, () => {
    const name = `${rng.pick(surnames)} ${rng.pick(middles)} ${rng.pick(given)}`
    const at = iso(START + rng.next() * (END - START) * 0.1)
    const title = rng.pick(positions)
    return {
      id: uuidv7(Date.parse(at), rng),
      slug: uniqueSlug(taken, name),
      name,
      name_folded: fold(name),
      version: 1,
      honorific: title.startsWith('Phóng viên') ? null : 'đồng chí',
      title,
      organization: rng.pick(organizations),
      bio: rng.next() < 0.3 ? sentence(rng, 15, 25) : null,
      created_at: at,
      updated_at: at,
    }
  })
}

function* articleBatches(rng: Rng, count: number, categories: CategoryRow[], people: PersonRow[], batchSize: number, words: Set<string>) {
  const taken = new Set<string>()
  for (let start = 0; start < count; start += batchSize) {
    const articles: Record<string, unknown>[] = []
    const links: Record<string, unknown>[] = []
    const search: Record<string, unknown>[] = []
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      const kind = rng.next()
      // 95 % published in the past, 2 % drafts, 1 % scheduled, 1 % archived, 1 % in the trash.
      const status = kind < 0.97 ? 'published' : kind < 0.99 ? 'draft' : 'archived'
      const scheduled = status === 'published' && kind >= 0.95 && kind < 0.96
      const trashed = status === 'published' && kind >= 0.96
      const published = START + ((i + rng.next()) / count) * (END - START)
      const publishedAt = status === 'draft' ? null : scheduled ? SCHEDULED_FROM + rng.next() * 90 * 86_400_000 : published
      const createdAt = Math.floor(published - rng.next() * 86_400_000)
      const lastEdit = publishedAt !== null && publishedAt <= END ? Math.max(createdAt, publishedAt) : createdAt
      const updatedAt = Math.floor(lastEdit + rng.next() * 3_600_000)
      const id = uuidv7(createdAt, rng)
      const topic = rng.next() < DAN_VAN_SHARE ? 'dân vận' : rng.pick(otherTopics)
      const title = retopic(titleText(rng), topic)
      const summary = rng.next() < 0.85 ? retopic(sentence(rng, 20, 35), topic) : null
      const blocks = body(rng, rng.int(560, 640)).map((b) => retopicBlock(b, topic))
      if (rng.next() < RARE_SHARE) blocks.splice(rng.int(1, blocks.length - 1), 0, { type: 'paragraph', text: rareParagraph })
      const tags = [...new Set(Array.from({ length: rng.int(0, 3) }, () => retopic(rng.pick(tagWords), topic)))]
      const { excerpt, wordCount } = deriveReadingFields(summary, blocks)
      // The search row as the app writes it; linked names are added by the database after the load.
      const indexed = articleSearchDoc({ title, summary, tags, body: blocks })
      search.push({ article_id: id, doc: indexed.doc, people: '', status, published_at: publishedAt === null ? null : iso(Math.floor(publishedAt)), deleted_at: trashed ? iso(updatedAt) : null })
      for (const word of indexed.words) words.add(word)
      articles.push({
        id,
        slug: uniqueSlug(taken, title),
        title,
        summary,
        body: blocks,
        status,
        published_at: publishedAt === null ? null : iso(Math.floor(publishedAt)),
        category_id: rng.pick(categories).id,
        tags,
        version: 1,
        excerpt,
        word_count: wordCount,
        created_at: iso(createdAt),
        updated_at: iso(updatedAt),
        deleted_at: trashed ? iso(updatedAt) : null,
      })
      const seen = new Set<string>()
      const linkCount = rng.int(0, 3)
      for (let position = 0; position < linkCount; position++) {
        const person = rng.pick(people)
        const role = position === 0 && rng.next() < 0.5 ? 'author' : rng.pick(roles)
        if (seen.has(`${person.id}/${role}`)) continue
        seen.add(`${person.id}/${role}`)
        links.push({ article_id: id, person_id: person.id, role, position })
      }
    }
    yield { articles, links, search }
  }
}

// ---- portal content: pages and the header menu ------------------------------------------------

interface PageRow { id: string; slug: string; title: string; body: Block[]; excerpt: string; parent_id: string | null; position: number; status: 'draft' | 'published'; version: number; created_at: string; updated_at: string; deleted_at: null }

/** The page tree of a district portal: [title, status, children]. */
type PageSpec = [string, ('draft' | 'published')?, PageSpec[]?]
const pageTree: PageSpec[] = [
  ['Giới thiệu', 'published', [
    ['Lịch sử'],
    ['Điều kiện tự nhiên'],
    ['Sơ đồ tổ chức', 'published', [['Huyện ủy'], ['Hội đồng nhân dân huyện'], ['Ủy ban nhân dân huyện'], ['Ủy ban MTTQ huyện'], ['Các phòng, ban chuyên môn']]],
    ['Lãnh đạo huyện qua các thời kỳ'],
    ['Tiềm năng, thế mạnh'],
    ['Di tích, danh thắng'],
    ['Các xã, thị trấn', 'published', [['Thị trấn Vĩnh Trụ'], ['Xã Nhân Thịnh'], ['Xã Hòa Hậu'], ['Xã Nhân Mỹ'], ['Xã Bắc Lý'], ['Xã Công Lý']]],
    ['Quy hoạch sử dụng đất đến năm 2030', 'draft'],
  ]],
  ['Thủ tục hành chính', 'published', [['Hướng dẫn nộp hồ sơ trực tuyến'], ['Lịch tiếp công dân'], ['Câu hỏi thường gặp'], ['Bảng giá đất', 'draft']]],
  ['Liên hệ', 'published', [['Đường dây nóng'], ['Danh bạ cơ quan']]],
  ['Sơ đồ cổng thông tin'],
  ['Chính sách bảo vệ dữ liệu cá nhân'],
]

function makePages(rng: Rng): PageRow[] {
  const rows: PageRow[] = []
  const taken = new Set<string>()
  const at = iso(END - 200 * 86_400_000)
  const walk = (specs: PageSpec[], parent: string | null) =>
    specs.forEach(([title, status = 'published', children = []], i) => {
      const blocks = body(rng, rng.int(150, 400))
      const row: PageRow = { id: uuidv7(Date.parse(at), rng), slug: uniqueSlug(taken, title), title, body: blocks, excerpt: deriveReadingFields(null, blocks).excerpt, parent_id: parent, position: i + 1, status, version: 1, created_at: at, updated_at: at, deleted_at: null }
      rows.push(row)
      walk(children, row.id)
    })
  walk(pageTree, null)
  return rows
}

type MenuItem = { label: string; link: { type: 'page' | 'category' | 'article'; id: string } | { type: 'url'; url: string }; children: MenuItem[] }

/**
 * The header menu of a district portal: 26 items over 3 levels linking pages (one a draft, left
 * out for anonymous callers), categories, two articles (one in the trash, left out too) and
 * addresses elsewhere.
 */
function headerMenu(pages: PageRow[], categories: CategoryRow[], articles: { live: string[]; trashed: string }): MenuItem[] {
  const page = (title: string, children: MenuItem[] = []): MenuItem => ({ label: title, link: { type: 'page', id: pages.find((p) => p.title === title)!.id }, children })
  const category = (name: string, children: MenuItem[] = []): MenuItem => ({ label: name, link: { type: 'category', id: categories.find((c) => c.name === name)!.id }, children })
  const article = (label: string, id: string): MenuItem => ({ label, link: { type: 'article', id }, children: [] })
  const url = (label: string, address: string, children: MenuItem[] = []): MenuItem => ({ label, link: { type: 'url', url: address }, children })
  return [
    url('Trang chủ', 'https://lynhan.hanam.gov.vn/'),
    page('Giới thiệu', [
      page('Lịch sử'),
      page('Điều kiện tự nhiên'),
      page('Sơ đồ tổ chức', [page('Huyện ủy'), page('Hội đồng nhân dân huyện'), page('Ủy ban nhân dân huyện')]),
      page('Quy hoạch sử dụng đất đến năm 2030'),
    ]),
    category('Tin tức, sự kiện', [category('Hoạt động của lãnh đạo'), category('Tin trong huyện'), category('Tin trong tỉnh')]),
    category('Kinh tế', [category('Nông nghiệp, nông thôn mới'), category('Đầu tư, xây dựng')]),
    category('Chính quyền số', [
      category('Cải cách hành chính'),
      url('Dịch vụ công trực tuyến', 'https://dichvucong.gov.vn/'),
    ]),
    category('Văn hóa - Xã hội', [article('Tiêu điểm', articles.live[0]!), article('Sự kiện nổi bật', articles.trashed)]),
    url('Liên kết', 'https://hanam.gov.vn/', [url('Cổng thông tin điện tử tỉnh Hà Nam', 'https://hanam.gov.vn/'), url('Báo Hà Nam', 'https://baohanam.com.vn/')]),
    page('Liên hệ'),
  ]
}

/** Every link of a menu to content, by its item's path, as the menus service records it. */
function menuLinkRows(menuId: string, items: MenuItem[], prefix = 'items'): { menu_id: string; path: string; type: string; target_id: string }[] {
  return items.flatMap((item, i) => {
    const path = `${prefix}.${i}`
    const own = item.link.type === 'url' ? [] : [{ menu_id: menuId, path, type: item.link.type, target_id: item.link.id }]
    return [...own, ...menuLinkRows(menuId, item.children, `${path}.children`)]
  })
}

/** The pages, the header menu and its links. Its own generator, so the articles stay as they were. */
async function loadPortal(client: pg.Client, seed: number, categories: CategoryRow[]) {
  const rng = prng(seed + 1_000_003)
  const pages = makePages(rng)
  await insertJson(client, 'pages', pages)
  const { rows: live } = await client.query<{ id: string }>(
    `select id from articles where deleted_at is null and status = 'published' and published_at <= $1 order by published_at desc, id desc limit 1`,
    [iso(END)],
  )
  const { rows: trashed } = await client.query<{ id: string }>(`select id from articles where deleted_at is not null order by id limit 1`)
  const at = iso(END - 100 * 86_400_000)
  const items = headerMenu(pages, categories, { live: live.map((r) => r.id), trashed: trashed[0]!.id })
  const menu = { id: uuidv7(Date.parse(at), rng), slug: 'header', name: 'Menu đầu trang', items, version: 1, created_at: at, updated_at: at }
  await insertJson(client, 'menus', [menu])
  await insertJson(client, 'menu_links', menuLinkRows(menu.id, items))
}

export interface DatasetOptions {
  url: string
  articles: number
  seed: number
  /** Make it again even when the database already holds this dataset. */
  force?: boolean
  log?: (line: string) => void
}

const marker = (o: DatasetOptions) => `bantin bench dataset v${DATASET_VERSION} seed=${o.seed} articles=${o.articles}`

function adminUrl(url: string): { admin: string; name: string } {
  const parsed = new URL(url)
  const name = decodeURIComponent(parsed.pathname.slice(1))
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database name must be a plain identifier: ${name}`)
  parsed.pathname = '/postgres'
  return { admin: parsed.toString(), name }
}

/** Makes the dataset unless the database already holds the same one. Returns whether it was made. */
export async function ensureDataset(options: DatasetOptions): Promise<boolean> {
  const log = options.log ?? ((line: string) => console.log(line))
  const { admin, name } = adminUrl(options.url)
  const maintenance = new pg.Client({ connectionString: admin })
  await maintenance.connect()
  try {
    const { rows } = await maintenance.query<{ comment: string | null }>(
      'select shobj_description(oid, $2) as comment from pg_database where datname = $1',
      [name, 'pg_database'],
    )
    if (!options.force && rows[0]?.comment === marker(options)) {
      log(`dataset: ${name} already holds ${marker(options)}`)
      return false
    }
    await maintenance.query(`drop database if exists ${name} with (force)`)
    await maintenance.query(`create database ${name}`)
  } finally {
    await maintenance.end()
  }

  const began = Date.now()
  // The app's own migrations make the schema, exactly as a production start would.
  const database = await openDatabase({ url: options.url, poolMax: 2 })
  await database.close()

  const rng = prng(options.seed)
  const client = new pg.Client({ connectionString: options.url })
  await client.connect()
  try {
    await client.query('set synchronous_commit = off')
    const categories = makeCategories(rng)
    const people = makePeople(rng, 500)
    await insertJson(client, 'categories', categories)
    await insertJson(client, 'people', people)
    const words = new Set(people.flatMap((p) => [...searchTerms('', p.name)].filter(isLexiconWord)))
    // Built once after the load, as CREATE INDEX does, instead of row by row.
    const { rows: searchIndex } = await client.query<{ def: string }>(`select pg_get_indexdef('article_search_document_idx'::regclass) as def`)
    await client.query('drop index article_search_document_idx')
    let pending: Promise<unknown> = Promise.resolve()
    let done = 0
    for (const batch of articleBatches(rng, options.articles, categories, people, 500, words)) {
      await pending
      pending = insertJson(client, 'articles', batch.articles)
        .then(() => insertJson(client, 'article_people', batch.links))
        .then(() => insertJson(client, 'article_search', batch.search))
      done += batch.articles.length
      if (done % 10_000 === 0) log(`dataset: ${done} articles`)
    }
    await pending
    await client.query(`update article_search s set people = bantin_people_search_terms(array(
      select ap.person_id from article_people ap where ap.article_id = s.article_id)) where s.article_id in (select article_id from article_people)`)
    const lexicon = new PgDialect().sqlToQuery(lexiconInsert([...words]))
    await client.query(lexicon.sql, lexicon.params)
    await client.query(searchIndex[0]!.def)
    await loadPortal(client, options.seed, categories)
    // Every row enters the change log as if written through the API, references first: what the
    // migration does for content written before the log existed.
    for (const [type, table] of [['category', 'categories'], ['person', 'people'], ['article', 'articles']] as const) {
      await client.query(
        `insert into changes (type, resource_id, op, events, version, slug, actor, at)
         select $1, id, 'upsert', array[$1 || '.created'], version, slug, 'bench', updated_at from ${table} order by created_at, id`,
        [type],
      )
    }
    // A published page's create is also its publication, as the pages service records it.
    await client.query(
      `insert into changes (type, resource_id, op, events, version, slug, actor, at)
       select 'page', id, 'upsert', case when status = 'published' then array['page.created', 'page.published'] else array['page.created'] end,
              version, slug, 'bench', updated_at from pages order by created_at, id`,
    )
    await client.query(
      `insert into changes (type, resource_id, op, events, version, slug, actor, at)
       select 'menu', id, 'upsert', array['menu.created'], version, slug, 'bench', updated_at from menus order by created_at, id`,
    )
    await client.query('vacuum analyze')
    await client.query(`comment on database ${name} is '${marker(options)}'`)
  } finally {
    await client.end()
  }
  log(`dataset: ${marker(options)} loaded into ${name} in ${((Date.now() - began) / 1000).toFixed(1)} s`)
  return true
}

/** One statement per batch: the rows travel as one JSON parameter and PostgreSQL unpacks them. */
async function insertJson(client: pg.Client, table: string, rows: object[]) {
  if (rows.length === 0) return
  await client.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(rows)])
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      articles: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      force: { type: 'boolean', default: false },
    },
  })
  await ensureDataset({
    url: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    articles: Number(values.articles),
    seed: Number(values.seed),
    force: values.force,
  })
}
