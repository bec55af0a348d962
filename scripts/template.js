// `npm install` runs this to make the embedded database template (src/cli/template.ts), so that
// a new embedded database starts fast. It is plain JavaScript because a production install
// (`npm ci --omit=dev`) has no tsx: there it runs the compiled dist/cli/template.js, built
// before the install. Without either, or without PGlite (an install with --omit=optional),
// there is nothing to make the template with, and the first start makes its own.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
const has = (path) => existsSync(`${root}${path}`)

const step = !has('node_modules/@electric-sql/pglite/package.json')
  ? undefined
  : has('node_modules/tsx/package.json') && has('src/cli/template.ts')
    ? ['--import', 'tsx', 'src/cli/template.ts']
    : has('dist/cli/template.js')
      ? ['dist/cli/template.js']
      : undefined

if (step) {
  // template.ts never fails the install; a crash of node itself should not either.
  spawnSync(process.execPath, step, { cwd: root, stdio: 'inherit' })
} else {
  process.stderr.write('bantin: no embedded database template made now (no PGlite, or neither tsx nor dist/); first starts will be slower\n')
}
