import { execFile } from 'node:child_process'
import { access } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import t, { type Test } from 'tap'
import { buildTestApp } from './helper.js'

const { app } = await buildTestApp(t)

/** promtool on PATH, if this machine has it (Debian: apt-get install prometheus). */
async function findPromtool(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, 'promtool')
    if (await access(file).then(() => true, () => false)) return file
  }
  return undefined
}

async function scrape(t: Test) {
  // A request first, so the per-route series exist too.
  await app.inject('/v1/articles')
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  return res.body
}

/** Problems `promtool check metrics` reports about names and types, checked in JavaScript. */
function nameProblems(text: string): string[] {
  const problems: string[] = []
  const helped = new Set([...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]))
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'counter' && !name!.endsWith('_total')) problems.push(`${name}: a counter's name ends in _total`)
    if (type !== 'counter' && name!.endsWith('_total')) problems.push(`${name}: a ${type} must not end in _total`)
    if (!helped.has(name)) problems.push(`${name}: no HELP`)
  }
  return problems
}

const promtool = await findPromtool()
const skip = promtool ? false : 'promtool is not installed: the test above checks its naming rules'

t.test('/metrics names follow the Prometheus rules: counters end in _total, nothing else does', async (t) => {
  const text = await scrape(t)
  t.same(nameProblems(text), [])
  t.match(text, /^# TYPE bantin_http_requests_total counter$/m)
  t.match(text, /^# TYPE bantin_nodejs_active_handles gauge$/m, 'the by-type gauges stay')
  t.notMatch(text, /bantin_nodejs_active_\w+_total/)
  // The check itself catches what prom-client's defaults used to expose.
  t.same(nameProblems('# HELP x_total y\n# TYPE x_total gauge\n# TYPE c counter\n'), ['x_total: a gauge must not end in _total', 'c: a counter\'s name ends in _total', 'c: no HELP'])
})

t.test('/metrics passes promtool check metrics, where promtool is installed', { skip }, async (t) => {
  const text = await scrape(t)
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = execFile(promtool!, ['check', 'metrics'], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    )
    child.stdin!.end(text)
  })
  t.equal(output.trim(), '', 'no lint problem')
  t.equal(code, 0)
})
