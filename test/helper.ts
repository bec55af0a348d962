import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import type { Test } from 'tap'
import { type App, buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type Database, openDatabase } from '../src/db/client.js'
import { ensureAdminToken } from '../src/resources/tokens/tokens.service.js'

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
export async function openTestDatabase(t: Test): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const database = await openDatabase({ memory: true })
    t.teardown(() => database.close())
    return database
  }
  const name = `bantin_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const maintenance = new pg.Client({ connectionString: serverUrl })
  await maintenance.connect()
  await maintenance.query(`create database ${name}`)
  await maintenance.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ url: url.toString(), poolMax: 10 })
  t.teardown(async () => {
    await database.close()
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  })
  return database
}

export async function buildTestApp(t: Test, env: Record<string, string> = {}): Promise<TestApp> {
  const database = await openTestDatabase(t)
  await ensureAdminToken(database.db, ADMIN_TOKEN)
  const app = await buildApp({ config: loadConfig(env), database })
  t.teardown(() => app.close())
  return { app, database }
}

/** Empties every content table; tokens stay. */
export async function resetDatabase(database: Database): Promise<void> {
  await database.db.execute(sql`truncate article_people, articles, people, media, categories restart identity cascade`)
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
  return {
    category: (input: Json = {}) => post('/v1/categories', { name: 'Tin tức, sự kiện', ...input }),
    person: (input: Json = {}) => post('/v1/people', { name: 'Phạm Thị Thủy', ...input }),
    article: (input: Json = {}) =>
      post('/v1/articles', {
        title: 'Ban Dân vận Huyện ủy triển khai phương hướng, nhiệm vụ năm 2024',
        body: [{ type: 'paragraph', text: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức hội nghị.' }],
        ...input,
      }),
  }
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
