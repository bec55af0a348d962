import { parseArgs } from 'node:util'
import { type Config, loadConfig } from '../config.js'
import { type Database, openDatabase } from '../db/client.js'
import { tokenRoles } from '../db/schema.js'
import { seedIfNew } from '../sample/seed.js'
import { TokenInput } from '../resources/tokens/tokens.schemas.js'
import { createToken, listTokens, revokeToken } from '../resources/tokens/tokens.service.js'

const usage = `Manage API tokens without the API (the first ones, or when locked out).

  npm run token -- create --role editor --name "Tòa soạn"
  npm run token -- list
  npm run token -- revoke <id>

Roles: ${tokenRoles.join(', ')}. Uses DATABASE_URL, or the embedded database in DATA_DIR
(stop the server first: the embedded database is one process's at a time).`

/** The token command: its output is the answer, so it writes to stdout. */
export async function runTokenCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  const [command, id] = positionals
  if (values.help || !command || !['create', 'list', 'revoke'].includes(command)) {
    out(usage)
    return values.help ? 0 : 2
  }
  const input = command === 'create' ? TokenInput.safeParse({ name: values.name, role: values.role }) : undefined
  if (input && !input.success) {
    out(`create needs --name and --role (${tokenRoles.join(', ')})`)
    return 2
  }
  if (command === 'revoke' && !id) {
    out('revoke needs the id of the token (see list)')
    return 2
  }
  let database: Database
  let config: Config
  try {
    config = loadConfig()
    database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl, poolMax: 1 } : { dataDir: config.dataDir })
  } catch (err) {
    // A setting to fix, a data directory in use, a server out of reach: the message says what to do.
    out((err as Error).message)
    return 1
  }
  try {
    // The first token often comes before the first start: the database is new either way.
    await seedIfNew(database, config)
    if (input?.success) {
      const token = await createToken(database.db, input.data)
      out(`Created ${token.role} token "${token.name}" (${token.id}). Keep it now; it is not shown again:\n\n${token.token}\n`)
    } else if (command === 'list') {
      for (const t of (await listTokens(database.db, { limit: 100_000, offset: 0 })).tokens) {
        out(`${t.id}  ${t.role.padEnd(6)}  ${t.name}  (created ${t.createdAt}, last used ${t.lastUsedAt ?? 'never'})`)
      }
    } else {
      await revokeToken(database.db, id!)
      out(`Revoked ${id}`)
    }
    return 0
  } catch (err) {
    out((err as Error).message)
    return 1
  } finally {
    await database.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runTokenCommand(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`))
}
