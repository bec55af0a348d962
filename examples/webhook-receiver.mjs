#!/usr/bin/env node
// Receives bantin's webhooks: checks each signature, skips a delivery it has already handled
// (delivery is at least once), and purges from a CDN the pages an article event changes.
//
//   WEBHOOK_SECRET=whsec_… PURGE_URL='https://cdn.example/purge?path={path}' node examples/webhook-receiver.mjs
//
// Needs `npm install standardwebhooks`. PORT (default 8080), ARTICLE_PATH (default /tin-tuc/{slug}).
import { createServer } from 'node:http'
import { Webhook } from 'standardwebhooks'

const webhook = new Webhook(process.env.WEBHOOK_SECRET ?? '')
const purgeUrl = process.env.PURGE_URL
const articlePath = process.env.ARTICLE_PATH ?? '/tin-tuc/{slug}'
// In production keep these in a table with a unique key, for a few days: retries come within ~28 h.
const handled = new Set()

/** The pages an event changes: the article's own, and the front page that lists it. */
function pagesOf(event) {
  if (!event.type.startsWith('article.') || !event.data.slug) return []
  return [articlePath.replace('{slug}', event.data.slug), '/']
}

const server = createServer(async (req, res) => {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  const body = Buffer.concat(chunks).toString('utf8')
  let event
  try {
    event = webhook.verify(body, req.headers) // throws unless the signature and timestamp are good
  } catch {
    return res.writeHead(401).end('invalid signature')
  }
  const id = req.headers['webhook-id']
  if (handled.has(id)) return res.writeHead(204).end() // a retry of one already handled
  for (const path of pagesOf(event)) {
    const purge = await fetch(purgeUrl.replace('{path}', encodeURIComponent(path)), { method: 'POST' })
    // Not a 2xx: bantin tries again later, with the same webhook-id.
    if (!purge.ok) return res.writeHead(503).end(`purge of ${path} failed`)
  }
  handled.add(id)
  res.writeHead(204).end()
})
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`))
