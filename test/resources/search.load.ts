import type { App } from '../../src/app.js'
import { admin } from '../helper.js'
import { type CorpusArticle, type CorpusBlock, corpus, corpusPeople, type PersonKey } from './search.corpus.js'

const DAY = 86_400_000
const BASE = Date.UTC(2024, 0, 1, 8)
/** When a corpus article was (or will be) published. */
export const publishedAt = (article: CorpusArticle) => new Date((article.scheduled ? Date.UTC(2099, 0, 1, 8) : BASE) + article.day * DAY).toISOString()

async function send(app: App, method: 'POST' | 'DELETE', url: string, payload?: object) {
  const res = await app.inject({ method, url, headers: admin, ...(payload && { payload }) })
  if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`)
  return res.statusCode === 204 ? undefined : (res.json().data as { id: string })
}

const nfd = (text: string) => text.normalize('NFD')

/** Writes the corpus through the API, as editors would. Returns the people's ids. */
export async function loadCorpus(app: App, mediaId: string): Promise<Record<PersonKey, string>> {
  const people = {} as Record<PersonKey, string>
  for (const [key, person] of Object.entries(corpusPeople) as [PersonKey, (typeof corpusPeople)[PersonKey]][]) {
    people[key] = (await send(app, 'POST', '/v1/people', person))!.id
  }
  for (const article of corpus) {
    const text = article.nfd ? nfd : (s: string) => s
    const block = (b: CorpusBlock) => {
      if (typeof b === 'string') return { type: 'paragraph', text: text(b) }
      if ('heading' in b) return { type: 'heading', level: 2, text: text(b.heading) }
      if ('quote' in b) return { type: 'quote', text: text(b.quote), ...(b.cite && { cite: b.cite }) }
      if ('list' in b) return { type: 'list', style: 'bullet', items: b.list.map(text) }
      return { type: 'image', mediaId, caption: b.image, ...(b.credit && { credit: b.credit }) }
    }
    const created = await send(app, 'POST', '/v1/articles', {
      slug: article.slug,
      title: text(article.title),
      ...(article.summary && { summary: text(article.summary) }),
      tags: article.tags ?? [],
      body: article.body.map(block),
      status: article.status ?? 'published',
      ...(article.status !== 'draft' && { publishedAt: publishedAt(article) }),
      people: (article.people ?? []).map(([key, role]) => ({ personId: people[key], role })),
    })
    if (article.trashed) await send(app, 'DELETE', `/v1/articles/${created!.id}`)
  }
  return people
}
