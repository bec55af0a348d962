import { createHash } from 'node:crypto'

/** A short, stable digest for ETags. */
export function digest(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha1')
  for (const part of parts) hash.update(part).update('\u0000')
  return hash.digest('base64url').slice(0, 22)
}

/** The ETag of a versioned resource: it changes with the version; includes and renderings add a variant. */
export const versionTag = (version: number, variant?: string) => `"v${version}${variant ? `-${variant}` : ''}"`
