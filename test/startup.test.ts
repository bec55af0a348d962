import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { runToExit, startServer } from './spawn.js'

// Start-up problems an operator can fix are told in their own words, through the real processes,
// on the embedded database (whatever DATABASE_URL the suite runs with).
const noStack = /^\s+at /m

t.test('a second server, or the token command, on a data directory in use says so in one line with the pid', async (t) => {
  const dataDir = t.testdir()
  const first = await startServer(t, { DATA_DIR: dataDir, SEED: 'never' })
  const pid = first.child.pid!

  for (const [script, args] of [['src/server.ts', []], ['src/cli/token.ts', ['list']]] as const) {
    const { code, output } = await runToExit(script, [...args], { DATA_DIR: dataDir })
    t.equal(code, 1, `${script} exits 1`)
    const lines = output.trim().split('\n')
    t.equal(lines.length, 1, `${script}: one line`)
    t.match(lines[0], new RegExp(`in use by process ${pid} .*stop that process first, or set DATABASE_URL`))
    t.notMatch(output, noStack)
  }

  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0, 'the first server was not disturbed')
})

t.test('a bad configuration stops the start with every problem listed, and no stack trace', async (t) => {
  const { code, output } = await runToExit('src/server.ts', [], { DATA_DIR: t.testdir(), PORT: 'http', ADMIN_TOKEN: 'short', SEED: 'sometimes' })
  t.equal(code, 1)
  t.match(output, /^bantin: invalid configuration:\n {2}PORT: .*\n {2}ADMIN_TOKEN: .*\n {2}SEED: .*\n$/)
  t.notMatch(output, noStack)
})

t.test('a PostgreSQL server out of reach is named in one line, without its password', async (t) => {
  const { code, output } = await runToExit('src/server.ts', [], { DATABASE_URL: 'postgres://bantin:s3cret@127.0.0.1:1/bantin' })
  t.equal(code, 1)
  t.match(output, /^bantin: cannot reach the PostgreSQL server at postgres:\/\/bantin:\*\*\*@127\.0\.0\.1:1\/bantin: .+\n$/)
  t.notMatch(output, 's3cret')
})

t.test('a port another process listens on is named in one line, and the data directory is let go', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => taken.close())
  const port = (taken.address() as { port: number }).port
  const dataDir = t.testdir()
  const { code, output } = await runToExit('src/server.ts', [], { DATA_DIR: dataDir, SEED: 'never', PORT: String(port) })
  t.equal(code, 1)
  t.equal(output, `bantin: cannot listen on 127.0.0.1:${port}: another process is listening there; set PORT or HOST\n`)
  t.notOk(existsSync(join(dataDir, 'bantin.pid')), 'the embedded database was closed, and its lock let go')
})
