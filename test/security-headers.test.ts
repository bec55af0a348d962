import t from 'tap'
import { API_CSP, DOCS_CSP } from '../src/plugins/security-headers.js'
import { buildTestApp } from './helper.js'

const { app } = await buildTestApp(t)

/** A Content-Security-Policy header as { directive: [sources] }. */
function csp(header: unknown): Record<string, string[]> {
  t.type(header, 'string')
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  )
}

t.test('JSON answers, refusals included, carry a CSP that runs nothing and the other helmet headers', async (t) => {
  const answers = {
    read: await app.inject('/v1/articles'),
    notFound: await app.inject('/v1/nothing'),
    unauthorized: await app.inject({ url: '/v1/articles', headers: { authorization: 'Bearer nope' } }),
    compressed: await app.inject({ method: 'POST', url: '/v1/articles', headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' }, payload: '{}' }),
    spec: await app.inject('/openapi.json'),
  }
  t.equal(answers.notFound.statusCode, 404)
  t.equal(answers.unauthorized.statusCode, 401)
  t.equal(answers.compressed.statusCode, 415)
  for (const [name, res] of Object.entries(answers)) {
    t.same(csp(res.headers['content-security-policy']), { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] }, `${name}: CSP`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', name)
    t.equal(res.headers['x-frame-options'], 'DENY', name)
    t.equal(res.headers['referrer-policy'], 'no-referrer', name)
    t.equal(res.headers['cross-origin-resource-policy'], 'cross-origin', `${name}: other sites may embed our media`)
    t.equal(res.headers['cross-origin-opener-policy'], 'same-origin', name)
    t.notOk(res.headers['strict-transport-security'], `${name}: HSTS is the TLS proxy's`)
    t.notOk(res.headers['x-powered-by'], name)
  }
  t.same(API_CSP, { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] })
})

t.test('/docs gets a CSP that lets Swagger UI run: its own scripts, no inline script, calls to this API only', async (t) => {
  const page = await app.inject('/docs/')
  t.equal(page.statusCode, 200)
  const policy = csp(page.headers['content-security-policy'])
  t.same(policy, DOCS_CSP)
  t.same(policy['script-src'], ["'self'"], 'no inline or remote script')
  t.same(policy['connect-src'], ["'self'"], 'Try it out reaches this API and nothing else')
  t.same(policy['frame-ancestors'], ["'none'"])
  // script-src 'self' is enough: every script of the page is a file of this server.
  const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]
  t.ok(scripts.length >= 3)
  for (const [, attributes, inline] of scripts) {
    const src = /src="([^"]+)"/.exec(attributes!)?.[1]
    t.ok(src && !/^(https?:)?\/\//.test(src), `a script of this server: ${src}`)
    t.equal(inline!.trim(), '', 'no inline code')
    const file = await app.inject(new URL(src!, 'http://x/docs/').pathname)
    t.equal(file.statusCode, 200, `${src}`)
    t.same(csp(file.headers['content-security-policy']), DOCS_CSP, `${src} has the docs policy`)
  }
  t.notMatch(page.body, /style="|<style/, 'no inline style in the page itself')
  const initializer = (await app.inject('/docs/static/swagger-initializer.js')).body
  t.notMatch(initializer, /validator\.swagger\.io|"validatorUrl":"/, 'no validator badge calling out')
  t.same(csp((await app.inject('/docs/json')).headers['content-security-policy']), DOCS_CSP)
})
