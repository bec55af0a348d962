import t from 'tap'
import { loadOptional, orExit, StartupError } from '../../src/shared/startup.js'

t.test('orExit passes a step through, keeps a bug with its stack, and ends on a StartupError with its message alone', async (t) => {
  t.equal(await orExit(() => 42), 42)
  await t.rejects(orExit(() => Promise.reject(new TypeError('a bug'))), TypeError)

  const written: string[] = []
  const codes: (number | string | null | undefined)[] = []
  const { exit, stderr } = process
  const write = stderr.write
  t.teardown(() => {
    process.exit = exit
    stderr.write = write
  })
  process.exit = ((code) => void codes.push(code)) as typeof process.exit
  stderr.write = ((line: string) => written.push(line) > 0) as typeof stderr.write
  await orExit(() => {
    throw new StartupError('the embedded database in ./data is in use by process 7')
  })
  process.exit = exit
  stderr.write = write
  t.same(written, ['bantin: the embedded database in ./data is in use by process 7\n'])
  t.same(codes, [1])
})

t.test('an optional package that is not installed is a start-up error that says what needs it and what to do', async (t) => {
  const missing = '@bantin-test/not-installed'
  t.equal(await loadOptional(missing, 'X', 'Y', async () => 1), 1)
  await t.rejects(loadOptional(missing, 'STORAGE=s3', 'use STORAGE=local', () => import(missing)), {
    name: 'StartupError',
    message: `STORAGE=s3 needs the optional package ${missing}, which is not installed: install without --omit=optional (npm ci --omit=dev), or use STORAGE=local`,
  })
  const other = '@bantin-test/another'
  await t.rejects(loadOptional(missing, 'X', 'Y', () => import(other)), { message: /^Cannot find package '@bantin-test\/another'/ }, 'another missing package is not this one')
  await t.rejects(loadOptional(missing, 'X', 'Y', () => Promise.reject(new RangeError('a bug'))), RangeError)
})
