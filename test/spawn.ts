import { spawn } from 'node:child_process'
import type { Test } from 'tap'

export const SPAWN_ADMIN = 'server-test-admin-token-0123456789'

/**
 * The environment of a child started as `npm start` or `npm run token` would be. The child keeps
 * no coverage: tap merges every process's coverage of a file before mapping it to lines, and the
 * child's code, transpiled by tsx, is not the tests' code, so covered files looked uncovered.
 */
const childEnv = (env: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  _TAPJS_PROCESSINFO_COVERAGE_: '0',
  PORT: '0',
  LOG_LEVEL: 'info',
  ADMIN_TOKEN: SPAWN_ADMIN,
  ...env,
})

/** Starts `src/server.ts` as `npm start` does and resolves with its port once it listens. */
export async function startServer(t: Test, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr!.on('data', (d) => (output += d))
  const started = Date.now()
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d
      const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (match) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  t.comment(`ready after ${Date.now() - started} ms`)
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  return { child, port, exited, output: () => output }
}

/** Runs a TypeScript entry point (`src/server.ts`, `src/cli/token.ts`) to its end: its exit code and all it wrote. */
export function runToExit(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  return new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })))
}
