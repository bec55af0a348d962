// A typed client for bantin: openapi-fetch over the types `npm run openapi:types` generates from
// /openapi.json, so a path, a parameter or a field the API does not have is a compile error.
import createClient, { type Client } from 'openapi-fetch'
import type { paths } from './openapi.js'

export type { components, operations, paths } from './openapi.js'
export type BantinClient = Client<paths>

export interface BantinClientOptions {
  /** The server, such as http://127.0.0.1:3000 (the paths already start with /v1). */
  baseUrl: string
  /** Sent as `Authorization: Bearer …`; reads work without one, writes need the role each names. */
  token?: string
  /** Another fetch, such as one that goes through Fastify's inject in tests. */
  fetch?: (request: Request) => Promise<Response>
}

export function bantinClient({ baseUrl, token, fetch }: BantinClientOptions): BantinClient {
  return createClient<paths>({
    baseUrl,
    ...(fetch && { fetch }),
    ...(token && { headers: { authorization: `Bearer ${token}` } }),
    // The API takes lists as one comma-separated value: include=category,people.
    querySerializer: { array: { style: 'form', explode: false } },
  })
}

/**
 * A multipart/form-data body for POST /v1/media (openapi-fetch sends JSON unless told):
 * `client.POST('/v1/media', { body: { file, alt }, bodySerializer: formData })`.
 */
export function formData(body: Record<string, string | Blob | null | undefined>): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(body)) if (value != null) form.append(name, value)
  return form
}
