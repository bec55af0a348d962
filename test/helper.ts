import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { getTableName, is, sql } from 'drizzle-orm'
import { PgTable } from 'drizzle-orm/pg-core'
import type { InjectOptions } from 'fastify'
import pg from 'pg'
import type { Test } from 'tap'
import { type App, buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type Database, openDatabase, type QueryListener } from '../src/db/client.js'
import * as schema from '../src/db/schema.js'
import { ensureAdminToken } from '../src/resources/tokens/tokens.service.js'
import { lexiconMemory } from '../src/shared/search.js'
import type { Storage } from '../src/storage/storage.js'

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }

export interface TestApp {
  app: App
  database: Database
}

/**
 * A fresh database for one test file: an in-memory PGlite, or with DATABASE_URL a new database
 * on that server, dropped again at teardown, so that files can run in parallel.
 */
/** A new, empty database on the DATABASE_URL server, dropped at teardown. */
export async function createServerDatabase(t: Test, serverUrl: string): Promise<string> {
  const name = `bantin_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const maintenance = new pg.Client({ connectionString: serverUrl })
  await maintenance.connect()
  await maintenance.query(`create database ${name}`)
  await maintenance.end()
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * A fresh database for one test file: an in-memory PGlite, or with DATABASE_URL a new database
 * on that server, dropped again at teardown, so that files can run in parallel.
 */
export async function openTestDatabase(t: Test, onQuery?: QueryListener): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL
  const database = serverUrl
    ? await openDatabase({ url: await createServerDatabase(t, serverUrl), poolMax: 10, ...(onQuery && { onQuery }) })
    : await openDatabase({ memory: true, ...(onQuery && { onQuery }) })
  t.teardown(() => database.close())
  return database
}

export async function buildTestApp(
  t: Test,
  options: { env?: Record<string, string>; onQuery?: QueryListener; storage?: Storage } = {},
): Promise<TestApp> {
  const database = await openTestDatabase(t, options.onQuery)
  await ensureAdminToken(database.db, ADMIN_TOKEN)
  // Rate limiting is off unless a test is about it: test files send far more than a client would.
  // Uploads go to a folder of the test's own, removed at teardown.
  const dataDir = await mkdtemp(join(tmpdir(), 'bantin-test-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { RATE_LIMIT_MAX: '0', DATA_DIR: dataDir, ...options.env }
  // Every JSON answer is checked against its route's schema: a mapper cannot drift from the spec.
  const app = await buildApp({ config: loadConfig(env), database, checkResponses: true, ...(options.storage && { storage: options.storage }) })
  t.teardown(() => app.close())
  return { app, database }
}

/** Tables that outlive a reset: the tokens tests are made with, the server's own state, and the kinds of documents the migration lists. */
const kept = new Set(['tokens', 'system_state', 'document_kinds'])
/** Every other table of the schema, so a new one cannot leak rows from one subtest into the next. */
const resetTables = (Object.values(schema) as unknown[])
  .flatMap((value) => (is(value, PgTable) ? [getTableName(value)] : []))
  .filter((name) => !kept.has(name))

/** Empties every table but the tokens and the server's own state. */
export async function resetDatabase(database: Database): Promise<void> {
  lexiconMemory.forget(database.db)
  await database.db.execute(sql.raw(`truncate ${resetTables.map((n) => `"${n}"`).join(', ')} restart identity cascade`))
}

export async function countRows(database: Database, table: string): Promise<number> {
  const result = (await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as {
    rows: { n: number }[]
  }
  return result.rows[0]!.n
}

type Json = Record<string, unknown>

/** Small factories that arrange state through the API, as a client would. */
export function factories(app: App) {
  const post = async (url: string, payload: Json) => {
    const res = await app.inject({ method: 'POST', url, headers: admin, payload })
    if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`)
    return res.json().data as Json & { id: string; slug: string }
  }
  let documents = 0
  return {
    category: (input: Json = {}) => post('/v1/categories', { name: 'Tin tức, sự kiện', ...input }),
    person: (input: Json = {}) => post('/v1/people', { name: 'Phạm Thị Thủy', ...input }),
    /** A PNG (small by default) uploaded as media, as an editor's tool would. */
    image: async (fields: Record<string, string> = {}, size = { width: 32, height: 24 }) => {
      const png = await sharp({ create: { ...size, channels: 3, background: '#c0392b' } }).png().toBuffer()
      const form = multipart([{ name: 'file', filename: 'anh.png', data: png, type: 'image/png' }, ...Object.entries(fields).map(([name, value]) => ({ name, value }))])
      const res = await app.inject({ method: 'POST', url: '/v1/media', headers: { ...admin, ...form.headers }, payload: form.payload })
      if (res.statusCode !== 201) throw new Error(`POST /v1/media answered ${res.statusCode}: ${res.body}`)
      return res.json().data as Json & { id: string }
    },
    document: (input: Json = {}) =>
      post('/v1/documents', {
        number: `${++documents}/KH-UBND`,
        kind: 'ke-hoach',
        issuer: 'UBND huyện Lý Nhân',
        issuedAt: '2024-01-15',
        summary: 'Kế hoạch thực hiện công tác dân vận chính quyền năm 2024',
        ...input,
      }),
    article: (input: Json = {}) =>
      post('/v1/articles', {
        title: 'Ban Dân vận Huyện ủy triển khai phương hướng, nhiệm vụ năm 2024',
        body: [{ type: 'paragraph', text: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức hội nghị.' }],
        ...input,
      }),
    page: (input: Json = {}) =>
      post('/v1/pages', {
        title: 'Giới thiệu',
        body: [{ type: 'paragraph', text: 'Huyện Lý Nhân nằm ở phía đông tỉnh Hà Nam, bên bờ sông Hồng.' }],
        ...input,
      }),
    menu: (input: Json = {}) => post('/v1/menus', { name: 'Menu đầu trang', ...input }),
  }
}

/** A token of `role` made through the API, as `Authorization` headers. */
export async function tokenFor(app: App, role: 'reader' | 'editor' | 'admin', name = `${role} test`) {
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name, role } })
  if (res.statusCode !== 201) throw new Error(`POST /v1/tokens answered ${res.statusCode}: ${res.body}`)
  const { id, token } = res.json().data as { id: string; token: string }
  return { id, token, headers: { authorization: `Bearer ${token}` } }
}

export type FormPart = { name: string; value: string } | { name: string; filename: string; data: Buffer; type?: string }

/** A multipart/form-data body built by hand, byte for byte as a browser sends it. */
export function multipart(parts: FormPart[]) {
  const boundary = `----bantin${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    const file = 'filename' in part
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file ? `; filename="${part.filename}"` : ''}\r\n` +
          (file ? `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n` : '') +
          '\r\n',
      ),
      file ? part.data : Buffer.from(part.value),
      Buffer.from('\r\n'),
    )
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/**
 * A fetch that goes through `app.inject` instead of a socket, for a client made with openapi-fetch:
 * the request's method, path, headers and bytes (JSON, or multipart with its boundary) go in as
 * they are, and the answer comes back as a Response with its headers and raw bytes.
 */
export function injectFetch(app: App) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined
    const res = await app.inject({
      method: request.method as InjectOptions['method'],
      url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      ...(payload && { payload }),
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(res.headers)) {
      for (const one of [value ?? []].flat()) headers.append(name, String(one))
    }
    // A Response refuses a body, even an empty one, with these statuses.
    const body = res.statusCode === 204 || res.statusCode === 304 ? null : res.rawPayload
    return new Response(body, { status: res.statusCode, headers })
  }
}
