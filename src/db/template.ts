import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A new embedded database starts from a template: a PGlite data directory with every migration
 * applied, made once (at `npm install`, or by the first test) and unpacked in well under a
 * second, where initdb, extensions and migrations take two and a half. It is keyed by the
 * migrations and the PGlite version, so a change to either makes a new one.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
export const migrationsFolder = join(root, 'migrations')

async function templatePath(): Promise<string> {
  const hash = createHash('sha256')
  const files = (await readdir(migrationsFolder, { recursive: true })).filter((f) => /\.(sql|json)$/.test(f)).sort()
  for (const file of files) hash.update(file).update(await readFile(join(migrationsFolder, file)))
  hash.update(await readFile(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json')))
  return join(root, 'node_modules', '.cache', 'bantin', `pglite-${hash.digest('hex').slice(0, 16)}.tar.gz`)
}

export async function readTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(await templatePath())])
  } catch {
    return undefined
  }
}

/** Written to a temporary name and renamed: readers never see half a template. */
export async function writeTemplate(dump: Blob): Promise<void> {
  const path = await templatePath()
  await mkdir(join(path, '..'), { recursive: true })
  const partial = `${path}.${process.pid}.tmp`
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()))
  await rename(partial, path)
}
