import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type Config, loadConfig } from '../config.js'
import { backupEmbedded, restoreEmbedded } from '../db/backup.js'

const usage = `Copies of the embedded database (and its media), for a small site to keep.

  npm run backup -- <file.tar.gz> [--no-media]
  npm run restore -- <file.tar.gz> [--force]

Uses the embedded database in DATA_DIR. Stop the server first: the embedded database is one
process's at a time, and both commands refuse while it runs. restore refuses to replace a
database unless --force; the one it replaces is moved to <DATA_DIR>.before-restore-<time>.
With DATABASE_URL, use pg_dump and pg_restore instead.`

/** The backup and restore commands: their output is the answer, so they write to stdout. */
export async function runBackupCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { force: { type: 'boolean' }, 'no-media': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  const [command, file] = positionals
  if (values.help || !file || (command !== 'backup' && command !== 'restore')) {
    out(usage)
    return values.help ? 0 : 2
  }
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    out((err as Error).message)
    return 1
  }
  if (config.databaseUrl) {
    out('DATABASE_URL is set: this server database is copied with pg_dump and pg_restore, not with this command')
    return 2
  }
  try {
    if (command === 'backup') {
      const { files, bytes } = await backupEmbedded(config.dataDir, resolve(file), { withMedia: !values['no-media'] })
      out(`Wrote ${file}: ${files} files, ${bytes} bytes`)
    } else {
      const { files, previous } = await restoreEmbedded(config.dataDir, resolve(file), { force: values.force === true })
      out(`Restored ${files} files from ${file} into ${config.dataDir}${previous ? `; the database it replaced is in ${previous}` : ''}`)
    }
    return 0
  } catch (err) {
    out((err as Error).message)
    return 1
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runBackupCommand(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`))
}
