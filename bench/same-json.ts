/**
 * The floor must answer what bantin answers, or a ratio to it means nothing: this fetches the same
 * paths from both and compares the parsed JSON (key order aside).
 */

/** Where two JSON values differ, as `path: a ≠ b` lines (at most `max`). */
export function jsonDifferences(a: unknown, b: unknown, path = '$', out: string[] = [], max = 10): string[] {
  if (out.length >= max) return out
  const show = (v: unknown) => {
    const text = JSON.stringify(v) ?? 'undefined'
    return text.length > 80 ? `${text.slice(0, 77)}…` : text
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items ≠ ${b.length} items`)
    for (let i = 0; i < Math.min(a.length, b.length); i++) jsonDifferences(a[i], b[i], `${path}[${i}]`, out, max)
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const left = a as Record<string, unknown>
    const right = b as Record<string, unknown>
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      if (!(key in right)) out.push(`${path}.${key}: only in bantin`)
      else if (!(key in left)) out.push(`${path}.${key}: only in the floor`)
      else jsonDifferences(left[key], right[key], `${path}.${key}`, out, max)
      if (out.length >= max) break
    }
  } else if (a !== b) {
    out.push(`${path}: bantin ${show(a)} ≠ floor ${show(b)}`)
  }
  return out
}

export interface SameJsonReport {
  checked: number
  differing: { path: string; differences: string[] }[]
}

/** GETs every path from both servers (one at a time) and reports the ones whose answers differ. */
export async function compareAnswers(bantin: string, floor: string, paths: string[]): Promise<SameJsonReport> {
  const differing: SameJsonReport['differing'] = []
  for (const path of paths) {
    const [a, b] = await Promise.all([fetch(bantin + path), fetch(floor + path)])
    const differences =
      a.status !== b.status
        ? [`status: bantin ${a.status} ≠ floor ${b.status}`]
        : jsonDifferences(await a.json(), await b.json())
    if (differences.length) differing.push({ path, differences })
  }
  return { checked: paths.length, differing }
}
