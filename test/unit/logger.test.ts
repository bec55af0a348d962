import t from 'tap'
import { canPrettyPrint } from '../../src/logger.js'

t.test('the log is pretty on a terminal only where pino-pretty is installed: a production install has none', async (t) => {
  t.equal(canPrettyPrint(), true, 'a development install has it')
  t.equal(
    canPrettyPrint(() => {
      throw Object.assign(new Error("Cannot find module 'pino-pretty'"), { code: 'MODULE_NOT_FOUND' })
    }),
    false,
  )
})
