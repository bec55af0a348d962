import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import { createServerDatabase } from './helper.js'
import { SPAWN_ADMIN, startServer } from './spawn.js'

// The README's walkthrough works when pasted: its shell blocks, in order, in one shell, against a
// new server with the sample content, as a reader does after Quick start. A block is skipped only
// when the line before its fence says `<!-- not run: why -->`. A `# → …` comment is what the
// commands above it print: `…` stands for anything, and whitespace does not count.

interface Block {
  section: string
  /** Of its opening fence. */
  line: number
  lines: string[]
}

/** The ```sh and ```bash blocks before the Performance section (the bench's, which take minutes). */
export function readmeBlocks(text: string) {
  const run: Block[] = []
  const skipped: { section: string; line: number; reason: string }[] = []
  const lines = text.split('\n')
  let section = ''
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.+)/.exec(lines[i]!)
    if (heading) section = heading[1]!
    if (section === 'Performance') break
    const fence = /^(\s*)```(sh|bash)\s*$/.exec(lines[i]!)
    if (!fence) continue
    const indent = fence[1]!.length
    const start = i + 1
    const body: string[] = []
    for (i++; !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent))
    const before = lines.slice(0, start - 1).findLast((l) => l.trim() !== '') ?? ''
    const reason = /^\s*<!-- not run: (.+?) -->$/.exec(before)
    if (reason) skipped.push({ section, line: start, reason: reason[1]! })
    else run.push({ section, line: start, lines: body })
  }
  return { run, skipped }
}

interface Mark {
  /** The `# →` comment this mark ends, if it ends one. */
  check?: { line: number; section: string; expected: string }
  /** The block whose commands come after the mark. */
  next?: Block
}

/**
 * One bash script of all the blocks, with a mark after each `# →` comment and at the start of each
 * block, so that what each stretch of commands printed can be told apart.
 */
export function walkthroughScript(blocks: Block[]) {
  const marks: Mark[] = []
  const script = ['set -euo pipefail', 'exec 2>&1']
  const mark = (m: Mark) => {
    script.push(`printf '\\n@@readme %d@@\\n' ${marks.length}`)
    marks.push(m)
  }
  for (const block of blocks) {
    mark({ next: block })
    for (let i = 0; i < block.lines.length; i++) {
      script.push(block.lines[i]!)
      const arrow = /^# → (.*)/.exec(block.lines[i]!)
      if (!arrow) continue
      const line = block.line + 1 + i
      const expected = [arrow[1]!]
      while (/^# {3}/.test(block.lines[i + 1] ?? '')) expected.push(block.lines[++i]!.slice(4))
      mark({ check: { line, section: block.section, expected: expected.join('\n') }, next: block })
    }
  }
  mark({})
  return { script: script.join('\n'), marks }
}

/** Whether `output` holds the pieces of `expected` between its `…`, in order, whitespace aside. */
export function printsWhatItSays(output: string, expected: string) {
  const squeeze = (s: string) => s.replace(/\s+/g, '')
  const text = squeeze(output)
  let at = 0
  for (const piece of expected.split('…').map(squeeze).filter(Boolean)) {
    const found = text.indexOf(piece, at)
    if (found < 0) return piece
    at = found + piece.length
  }
  return true
}

t.test('the README reads as a walkthrough: its runnable blocks are found, and every skipped one says why', async (t) => {
  const { run, skipped } = readmeBlocks(readFileSync('README.md', 'utf8'))
  t.ok(run.length >= 8, `${run.length} blocks to run`)
  t.match(
    run.map((b) => b.section),
    ['Quick start', 'Tokens and roles', 'Using the API', 'SEO, share cards and related articles', 'Pages and menus', 'Editing without lost updates', 'HTTP caching', 'Media', 'Sync for integrators'],
  )
  for (const s of skipped) t.ok(s.reason.length > 10, `README line ${s.line} (${s.section}): not run, ${s.reason}`)
  t.equal(printsWhatItSays('{"a": 1,\n "b": "x y"}', '{ "a": 1, … "b": "x y" }'), true)
  t.equal(printsWhatItSays('{"a":1}', '{"b": …}'), '{"b":')
})

t.test('every setting config.ts reads is a row of a README table, and every row is a setting', async (t) => {
  const settings = [...readFileSync('src/config.ts', 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!)
  const rows = new Set([...readFileSync('README.md', 'utf8').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!))
  t.ok(settings.length > 40, `${settings.length} settings`)
  for (const name of settings) t.ok(rows.has(name), `${name} is in the README`)
  for (const name of rows) t.ok(settings.includes(name), `${name} in the README is a setting`)
})

const tools = ['bash', 'curl', 'jq'].filter((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
    return false
  } catch {
    return true
  }
})

t.test('every shell block of the README runs as written, in order, and prints what its comments say', async (t) => {
  if (tools.length) return t.fail(`the README test needs ${tools.join(', ')} on PATH (apt-get install ${tools.join(' ')})`)
  // The server `npm start` makes, on a new database with the sample content; on PostgreSQL, one
  // of its own with SEED=always. WEBHOOK_ALLOW_PRIVATE and SITE_URL as in Quick start.
  const where: Record<string, string> = process.env.DATABASE_URL
    ? { DATABASE_URL: await createServerDatabase(t, process.env.DATABASE_URL), SEED: 'always' }
    : { DATA_DIR: t.testdir() }
  const server = await startServer(t, { ...where, WEBHOOK_ALLOW_PRIVATE: 'true', SITE_URL: 'https://example.gov.vn' })

  // Pasted into a shell at the top of the repository, but one whose files (anh-640.webp,
  // mirror.json) land in a folder of the test's own.
  const cwd = await mkdtemp(join(tmpdir(), 'bantin-readme-'))
  t.teardown(() => rm(cwd, { recursive: true, force: true }))
  await symlink(resolve('examples'), join(cwd, 'examples'))

  const { run } = readmeBlocks(readFileSync('README.md', 'utf8'))
  const { script, marks } = walkthroughScript(run)
  const started = Date.now()
  const shell = spawn('bash', ['-c', script], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      LC_ALL: 'C.UTF-8',
      _TAPJS_PROCESSINFO_COVERAGE_: '0',
      BANTIN_URL: `http://127.0.0.1:${server.port}`,
      TOKEN: SPAWN_ADMIN,
    },
  })
  const stopLeftovers = () => {
    try {
      process.kill(-shell.pid!, 'SIGKILL')
    } catch {
      // nothing left of the shell's process group
    }
  }
  t.teardown(stopLeftovers)
  let output = ''
  shell.stdout!.on('data', (d) => (output += d))
  shell.stderr!.on('data', (d) => (output += d))
  const closed = new Promise((resolve) => shell.on('close', resolve))
  const code = await new Promise<number | null>((resolve) => shell.on('exit', resolve))
  // Whatever the blocks started and left running (the webhook receiver, if a block failed before
  // stopping it) would hold the output open.
  stopLeftovers()
  await closed
  t.comment(`the walkthrough ran in ${Date.now() - started} ms`)

  // What each stretch printed, by the mark that ends it.
  const printed = new Map<number, string>()
  const parts = output.split(/\n?@@readme (\d+)@@\n/)
  for (let i = 1; i < parts.length; i += 2) printed.set(Number(parts[i]), parts[i - 1]!)
  const failedIn = marks[Math.max(0, ...printed.keys())]?.next
  t.equal(code, 0, code === 0 ? 'every block ran' : `a command failed in ${failedIn?.section} (the block at README line ${failedIn?.line}):\n${parts.at(-1)}`)

  marks.forEach(({ check }, i) => {
    if (!check) return
    const where = `README line ${check.line} (${check.section})`
    // After a failed command, the one failure says enough.
    if (!printed.has(i)) return code === 0 && t.fail(`${where}: not reached`)
    const missing = printsWhatItSays(printed.get(i)!, check.expected)
    t.ok(missing === true, `${where} prints what it says`, { expected: check.expected, missing, printed: printed.get(i) })
  })
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
})
