/**
 * The bench dataset: 20 categories in a tree, 500 people, 10,000 articles (or `--articles N`) of
 * about 600 Vietnamese words, published over three years. The same seed gives the same rows, ids
 * included. Loaded with multi-row inserts into a PostgreSQL database that the app's own migrations
 * created, with a change log entry per row. Articles have no cover yet: media is not in the schema.
 * Each article's search row and the lexicon are written as the app writes them. The portal's
 * content beside the news: 30 pages in a tree, the `header` menu of 26 items over 3 levels, and
 * 2,000 official documents over ten years with their PDFs' media rows (no file is stored).
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
import { documentSearch, foldNumber } from '../src/resources/documents/documents.service.js'
import type { Block } from '../src/shared/blocks.js'
import { lexiconInsert } from '../src/shared/search.js'
import { fold, isLexiconWord, searchTerms, slugify } from '../src/shared/text.js'
import { captions, corpus } from './corpus.js'

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/bantin_bench'
const DATASET_VERSION = 6
/** Official documents: what a district portal has published over ten years. */
const DOCUMENTS = 2000
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

// ---- official documents ------------------------------------------------------------------------

/** Issuing bodies: [name, code in the number, 'state' ("2156/QĐ-UBND") or 'party' ("45-KH/BDVHU"), weight, kinds]. */
type Issuer = [string, string, 'state' | 'party', number, string[]]
const STATE_KINDS = ['quyet-dinh', 'quyet-dinh', 'quyet-dinh', 'ke-hoach', 'ke-hoach', 'thong-bao', 'thong-bao', 'cong-van', 'cong-van', 'cong-van', 'bao-cao', 'to-trinh', 'huong-dan', 'chi-thi', 'chuong-trinh']
const PARTY_KINDS = ['nghi-quyet', 'chi-thi', 'ke-hoach', 'ke-hoach', 'thong-bao', 'thong-bao', 'cong-van', 'bao-cao', 'huong-dan', 'quy-dinh', 'chuong-trinh', 'ket-luan', 'ket-luan']
const issuers: Issuer[] = [
  ['UBND huyện Lý Nhân', 'UBND', 'state', 30, STATE_KINDS],
  ['HĐND huyện Lý Nhân', 'HĐND', 'state', 5, ['nghi-quyet', 'nghi-quyet', 'thong-bao', 'bao-cao', 'ke-hoach']],
  ['Huyện ủy Lý Nhân', 'HU', 'party', 14, PARTY_KINDS],
  ['Ban Dân vận Huyện ủy Lý Nhân', 'BDVHU', 'party', 6, PARTY_KINDS],
  ['Ban Tuyên giáo Huyện ủy Lý Nhân', 'BTGHU', 'party', 4, PARTY_KINDS],
  ['Ủy ban Kiểm tra Huyện ủy Lý Nhân', 'UBKTHU', 'party', 3, ['thong-bao', 'ke-hoach', 'bao-cao', 'ket-luan', 'quy-dinh']],
  ['Ủy ban MTTQ huyện Lý Nhân', 'MTTQ-BTT', 'state', 4, ['ke-hoach', 'thong-bao', 'cong-van', 'bao-cao', 'huong-dan', 'chuong-trinh']],
  ['Phòng Tài nguyên và Môi trường', 'TNMT', 'state', 5, ['ke-hoach', 'thong-bao', 'cong-van', 'bao-cao', 'huong-dan']],
  ['Phòng Giáo dục và Đào tạo', 'PGDĐT', 'state', 5, ['ke-hoach', 'thong-bao', 'cong-van', 'bao-cao', 'huong-dan']],
  ['Phòng Nông nghiệp và Phát triển nông thôn', 'NN', 'state', 4, ['ke-hoach', 'thong-bao', 'cong-van', 'bao-cao', 'huong-dan']],
  ['Phòng Văn hóa và Thông tin', 'VHTT', 'state', 4, ['ke-hoach', 'thong-bao', 'cong-van', 'bao-cao', 'huong-dan']],
  ['UBND thị trấn Vĩnh Trụ', 'UBND', 'state', 4, STATE_KINDS],
  ['UBND xã Nhân Thịnh', 'UBND', 'state', 3, STATE_KINDS],
  ['UBND xã Hòa Hậu', 'UBND', 'state', 3, STATE_KINDS],
  ['UBND xã Bắc Lý', 'UBND', 'state', 3, STATE_KINDS],
  ['UBND xã Công Lý', 'UBND', 'state', 3, STATE_KINDS],
]
const kindCodes: Record<string, string> = {
  'quyet-dinh': 'QĐ', 'nghi-quyet': 'NQ', 'chi-thi': 'CT', 'ke-hoach': 'KH', 'thong-bao': 'TB', 'cong-van': 'CV', 'bao-cao': 'BC',
  'to-trinh': 'TTr', 'huong-dan': 'HD', 'quy-dinh': 'QĐ', 'chuong-trinh': 'CTr', 'ket-luan': 'KL',
}
/** What a document is about: [the words of its summary, its field (lĩnh vực)]. */
const documentTopics: [string, string][] = [
  ['xây dựng xã đạt chuẩn nông thôn mới nâng cao', 'Nông thôn mới'],
  ['phong trào thi đua “Dân vận khéo”', 'Dân vận'],
  ['thực hiện Quy chế dân chủ ở cơ sở', 'Dân vận'],
  ['chuyển đổi số và phát triển chính quyền số', 'Chuyển đổi số'],
  ['cải cách hành chính, nâng cao chỉ số hài lòng của người dân', 'Cải cách hành chính'],
  ['tiếp nhận và giải quyết thủ tục hành chính trực tuyến', 'Cải cách hành chính'],
  ['phòng, chống thiên tai và tìm kiếm cứu nạn', 'Quốc phòng - an ninh'],
  ['tuyển chọn và gọi công dân nhập ngũ', 'Quốc phòng - an ninh'],
  ['bảo đảm trật tự an toàn giao thông', 'Quốc phòng - an ninh'],
  ['quản lý, sử dụng đất đai và cấp giấy chứng nhận quyền sử dụng đất', 'Đất đai'],
  ['bảo vệ môi trường làng nghề và thu gom rác thải sinh hoạt', 'Môi trường'],
  ['tuyển sinh vào lớp 10 trung học phổ thông', 'Giáo dục'],
  ['xây dựng trường học đạt chuẩn quốc gia', 'Giáo dục'],
  ['tiêm chủng mở rộng và phòng, chống dịch bệnh', 'Y tế'],
  ['thực hiện chính sách bảo hiểm y tế toàn dân', 'Y tế'],
  ['giảm nghèo bền vững và hỗ trợ nhà ở cho hộ nghèo', 'An sinh xã hội'],
  ['tổ chức Đại hội Thể dục thể thao các cấp', 'Văn hóa - thể thao'],
  ['giữ gìn và phát huy giá trị di tích lịch sử văn hóa', 'Văn hóa - thể thao'],
  ['quản lý thu, chi ngân sách và thực hành tiết kiệm', 'Tài chính'],
  ['đầu tư xây dựng hạ tầng giao thông nông thôn', 'Đầu tư, xây dựng'],
  ['công tác tín ngưỡng, tôn giáo', 'Tôn giáo'],
  ['học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh', 'Xây dựng Đảng'],
  ['kiểm tra, giám sát việc thực hiện nhiệm vụ của tổ chức đảng', 'Xây dựng Đảng'],
  ['chuẩn bị Đại hội Đảng bộ các cấp', 'Xây dựng Đảng'],
]
const summaryOpenings: Record<string, string[]> = {
  'quyet-dinh': ['Về việc phê duyệt Đề án', 'Về việc kiện toàn Ban Chỉ đạo', 'Về việc ban hành Quy chế', 'Về việc khen thưởng tập thể, cá nhân có thành tích trong', 'Về việc giao chỉ tiêu'],
  'nghi-quyet': ['Về nhiệm vụ', 'Về tăng cường sự lãnh đạo của Đảng đối với', 'Về chủ trương đầu tư cho'],
  'chi-thi': ['Về tăng cường', 'Về đẩy mạnh', 'Về tăng cường sự lãnh đạo đối với'],
  'ke-hoach': ['Triển khai thực hiện', 'Tổ chức', 'Kiểm tra, giám sát', 'Tuyên truyền về'],
  'thong-bao': ['Kết luận của Thường trực về', 'Kết quả', 'Lịch tổ chức', 'Ý kiến của Thường trực về'],
  'cong-van': ['Về việc đôn đốc', 'Về việc hướng dẫn', 'Về việc rà soát, báo cáo', 'Về việc tăng cường'],
  'bao-cao': ['Kết quả thực hiện', 'Sơ kết 6 tháng', 'Tổng kết', 'Tình hình'],
  'to-trinh': ['Đề nghị phê duyệt', 'Đề nghị bổ sung kinh phí', 'Về việc đề nghị công nhận kết quả'],
  'huong-dan': ['Thực hiện', 'Tổ chức', 'Đánh giá, xếp loại'],
  'quy-dinh': ['Về trách nhiệm trong', 'Về tiêu chí đánh giá'],
  'chuong-trinh': ['Hành động thực hiện', 'Công tác về', 'Phối hợp thực hiện'],
  'ket-luan': ['Về tiếp tục thực hiện', 'Về kết quả kiểm tra', 'Về sơ kết'],
}

interface DocumentRow {
  id: string; slug: string; number: string; number_folded: string; kind: string; issuer: string; signer_id: string | null
  issued_at: string; effective_at: string | null; expired_at: string | null; summary: string; field: string | null
  file_ids: string[]; article_ids: string[]; search: string; version: number; created_at: string; updated_at: string
}
interface MediaRow {
  id: string; kind: 'document'; filename: string; mime_type: string; size: number; sha256: string; search_folded: string
  version: number; created_at: string; updated_at: string
}

const day = (ms: number) => iso(ms).slice(0, 10)

/**
 * `count` official documents over ten years, numbered as each body numbers them (one series per
 * issuer), kinds as each body issues them, most with a PDF (media rows of kind document: the bench
 * reads no file), a signer for most, an expiry for a quarter and related articles for a tenth.
 * Slug, folded number and search lexemes as the documents service makes them.
 */
function makeDocuments(rng: Rng, count: number, people: PersonRow[], articleIds: string[], words: Set<string>) {
  const from = Date.parse('2016-01-01T00:00:00.000Z')
  const dates = Array.from({ length: count }, () => from + rng.next() * (END - 86_400_000 - from)).sort((a, b) => a - b)
  const signers = people.filter((p) => p.honorific !== null)
  const weights = issuers.reduce((a, [, , , w]) => a + w, 0)
  const pickIssuer = () => {
    let r = rng.next() * weights
    for (const issuer of issuers) if ((r -= issuer[3]) < 0) return issuer
    return issuers[0]!
  }
  const series = new Map<string, number>()
  const taken = new Set<string>()
  const documents: DocumentRow[] = []
  const files: MediaRow[] = []
  for (const issued of dates) {
    const [issuer, code, style, , kinds] = pickIssuer()
    const kind = rng.pick(kinds)
    const n = (series.get(issuer) ?? 0) + rng.int(1, 4)
    series.set(issuer, n)
    const year = new Date(issued).getUTCFullYear()
    const abbr = kindCodes[kind]!
    const number =
      style === 'party'
        ? `${n}-${abbr}/${code}`
        : kind === 'cong-van'
          ? `${n}/${code}${code === 'UBND' ? `-${rng.pick(['VP', 'TCKH', 'NV', 'TNMT'])}` : ''}`
          : (kind === 'quyet-dinh' || kind === 'nghi-quyet') && rng.next() < 0.15
            ? `${n}/${year}/${abbr}-${code}`
            : `${n}/${abbr}-${code}`
    const [topic, field] = rng.pick(documentTopics)
    const place = issuer.startsWith('UBND xã') || issuer.startsWith('UBND thị trấn') ? issuer.replace(/^UBND /, 'trên địa bàn ') : 'trên địa bàn huyện'
    const summary = `${rng.pick(summaryOpenings[kind]!)} ${topic} ${place}${rng.next() < 0.6 ? ` năm ${year}` : ''}`
    const effective = rng.next() < 0.3 ? issued + rng.int(0, 45) * 86_400_000 : null
    const expiry = rng.next()
    const expired =
      expiry < 0.15 && (kind === 'ke-hoach' || kind === 'chuong-trinh')
        ? Date.UTC(year + 1, 0, 1)
        : expiry < 0.25
          ? (effective ?? issued) + rng.int(180, 1825) * 86_400_000
          : null
    const created = Math.min(END - 3_600_000, issued + rng.int(1, 4) * 86_400_000 + rng.next() * 36_000_000)
    const id = uuidv7(created, rng)
    const slug = uniqueSlug(taken, `${kind} ${number}`)
    const fileIds: string[] = []
    const fileCount = rng.next() < 0.9 ? 1 : rng.next() < 0.5 ? 2 : 0
    for (let f = 0; f < fileCount; f++) {
      const filename = `${slug}${f ? '-phu-luc' : ''}.pdf`
      const sha = Array.from({ length: 8 }, () => Math.floor(rng.next() * 2 ** 32).toString(16).padStart(8, '0')).join('')
      const file: MediaRow = { id: uuidv7(created - 60_000, rng), kind: 'document', filename, mime_type: 'application/pdf', size: rng.int(60_000, 3_000_000), sha256: sha, search_folded: fold(filename), version: 1, created_at: iso(created - 60_000), updated_at: iso(created - 60_000) }
      files.push(file)
      fileIds.push(file.id)
      for (const word of searchTerms('', filename)) if (isLexiconWord(word)) words.add(word)
    }
    const related = rng.next() < 0.1 ? [...new Set(Array.from({ length: rng.int(1, 2) }, () => rng.pick(articleIds)))] : []
    const documentField = rng.next() < 0.85 ? field : null
    const indexed = documentSearch({ number, issuer, field: documentField, summary })
    for (const word of indexed.words) words.add(word)
    documents.push({
      id,
      slug,
      number,
      number_folded: foldNumber(number),
      kind,
      issuer,
      signer_id: rng.next() < 0.6 ? rng.pick(signers).id : null,
      issued_at: day(issued),
      effective_at: effective === null ? null : day(effective),
      expired_at: expired === null ? null : day(expired),
      summary,
      field: documentField,
      file_ids: fileIds,
      article_ids: related,
      search: indexed.search,
      version: 1,
      created_at: iso(created),
      updated_at: iso(created),
    })
  }
  return { documents, files }
}

/** The documents, their files and the words they bring to the lexicon. Their own generator, as the portal's. */
async function loadDocuments(client: pg.Client, seed: number, count: number, people: PersonRow[]) {
  const rng = prng(seed + 2_000_003)
  // Related articles: published ones, and a few since unpublished or trashed (the public does not see those).
  const { rows: related } = await client.query<{ id: string }>(
    `(select id from articles where deleted_at is null and status = 'published' and published_at <= $1 order by md5(id::text) limit 300)
     union all (select id from articles where deleted_at is not null or status <> 'published' order by md5(id::text) limit 3)`,
    [iso(END)],
  )
  const words = new Set<string>()
  const { documents, files } = makeDocuments(rng, count, people, related.map((r) => r.id).sort(), words)
  for (let i = 0; i < files.length; i += 1000) await insertJson(client, 'media', files.slice(i, i + 1000))
  for (let i = 0; i < documents.length; i += 500) await insertJson(client, 'documents', documents.slice(i, i + 500))
  const lexicon = new PgDialect().sqlToQuery(lexiconInsert([...words]))
  await client.query(lexicon.sql, lexicon.params)
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
    await loadDocuments(client, options.seed, DOCUMENTS, people)
    // Every row enters the change log as if written through the API, references first: what the
    // migration does for content written before the log existed. A published page's create is also
    // its publication, as the pages service records it; media have no slug.
    const logged: [string, string, string, string][] = [
      ['category', 'categories', `array['category.created']`, 'slug'],
      ['person', 'people', `array['person.created']`, 'slug'],
      ['article', 'articles', `array['article.created']`, 'slug'],
      ['page', 'pages', `case when status = 'published' then array['page.created', 'page.published'] else array['page.created'] end`, 'slug'],
      ['menu', 'menus', `array['menu.created']`, 'slug'],
      ['media', 'media', `array['media.created']`, 'null'],
      ['document', 'documents', `array['document.created']`, 'slug'],
    ]
    for (const [type, table, events, slug] of logged) {
      await client.query(
        `insert into changes (type, resource_id, op, events, version, slug, actor, at)
         select $1, id, 'upsert', ${events}, version, ${slug}, 'bench', updated_at from ${table} order by created_at, id`,
        [type],
      )
    }
    await client.query('vacuum analyze')
    await client.query(`comment on database ${name} is '${marker(options)}'`)
  } finally {
    await client.end()
  }
  log(`dataset: ${marker(options)} loaded into ${name} in ${((Date.now() - began) / 1000).toFixed(1)} s`)
  return true
}

/**
 * One statement per batch: the rows travel as one JSON parameter and PostgreSQL unpacks them. Only
 * the columns the rows name are written; the others take their defaults.
 */
async function insertJson(client: pg.Client, table: string, rows: object[]) {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0]!).map((c) => `"${c}"`).join(', ')
  await client.query(`insert into ${table} (${columns}) select ${columns} from json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(rows)])
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
