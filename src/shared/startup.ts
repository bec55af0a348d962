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

/**
 * Loads an optional dependency (PGlite, the AWS SDK), or says what needs it and what to do when
 * it is not installed (`npm ci --omit=optional` leaves both out).
 */
export async function loadOptional<T>(name: string, neededBy: string, instead: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (err) {
    // By its message: a loader in between (tap's, in the tests) may drop the error's code.
    if (!(err as Error).message?.startsWith(`Cannot find package '${name}'`)) throw err
    throw new StartupError(
      `${neededBy} needs the optional package ${name}, which is not installed: install without --omit=optional ` +
        `(npm ci --omit=dev), or ${instead}`,
    )
  }
}
