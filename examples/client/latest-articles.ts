// Lists the newest published articles through the typed client, then reads the first by its slug
// with its category and people embedded.
//
//   BANTIN_URL=http://127.0.0.1:3000 npx tsx examples/client/latest-articles.ts
import { bantinClient } from './index.js'

const client = bantinClient({ baseUrl: process.env.BANTIN_URL ?? 'http://127.0.0.1:3000' })

const list = await client.GET('/v1/articles', { params: { query: { limit: 5, fields: ['slug', 'title', 'publishedAt'] } } })
if (list.error) throw new Error(`GET /v1/articles answered ${list.response.status}: ${list.error.title}`)
for (const article of list.data.data) console.log(`${article.publishedAt ?? 'not published'}  ${article.slug}`)

const first = list.data.data[0]
if (first?.slug) {
  const one = await client.GET('/v1/articles/{idOrSlug}', {
    params: { path: { idOrSlug: first.slug }, query: { include: ['category', 'people'] } },
  })
  if (one.error) throw new Error(`GET /v1/articles/${first.slug} answered ${one.response.status}: ${one.error.title}`)
  const { title, excerpt, category, people, readingTimeMinutes } = one.data.data
  console.log(`\n${title}\n${category?.name ?? 'no category'}, ${readingTimeMinutes} min: ${excerpt}`)
  for (const { role, person } of people) console.log(`  ${role}: ${person?.name}`)
}
