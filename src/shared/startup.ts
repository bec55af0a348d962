/**
 * A reason the server or a command cannot start that the operator can fix (a bad setting, a data
 * directory in use, a package not installed): its message says what to do, and is shown alone.
 */
export class StartupError extends Error {
  override name = 'StartupError'
}

/**
 * Runs one start-up step. A StartupError ends the process with its message on stderr and exit
 * code 1, without a stack trace; any other error is a bug and keeps its stack.
 */
export async function orExit<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    if (!(err instanceof StartupError)) throw err
    process.stderr.write(`bantin: ${err.message}\n`)
    process.exit(1)
  }
}
