import t from 'tap'
import { orExit, StartupError } from '../../src/shared/startup.js'

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
