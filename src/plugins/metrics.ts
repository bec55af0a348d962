import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

/**
 * Prometheus metrics at /metrics: request counts and durations by route (the route's pattern,
 * never the raw URL, so ids do not explode the series), the process's own, and those of `more`.
 */
export default fp(
  async function metrics(app: FastifyInstance, options: { more?: Registry[] }) {
    const own = new Registry()
    collectDefaultMetrics({ register: own, prefix: 'bantin_' })
    // prom-client's sums of the by-type gauges are gauges named *_total, which Prometheus
    // reserves for counters (promtool refuses them): sum() of the by-type series says the same.
    for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) own.removeSingleMetric(`bantin_nodejs_${name}`)
    const labelNames = ['method', 'route', 'status'] as const
    const requests = new Counter({ name: 'bantin_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [own] })
    const durations = new Histogram({
      name: 'bantin_http_request_duration_seconds',
      help: 'Time to answer HTTP requests',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [own],
    })
    // Merged once every metric of our own exists: a merge copies the metrics it finds.
    const registry = Registry.merge([own, ...(options.more ?? [])])

    // Each series' children kept, so that an answer counts without hashing its labels again.
    const series = new Map<string, { count: Counter.Internal; time: Histogram.Internal<(typeof labelNames)[number]> }>()
    app.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? 'unknown'
      const key = `${req.method} ${reply.statusCode} ${route}`
      let found = series.get(key)
      if (!found) {
        const labels = { method: req.method, route, status: String(reply.statusCode) }
        series.set(key, (found = { count: requests.labels(labels), time: durations.labels(labels) }))
      }
      found.count.inc()
      found.time.observe(reply.elapsedTime / 1000)
      done()
    })

    app.get(
      '/metrics',
      { schema: { tags: ['operations'], operationId: 'getMetrics', summary: 'Prometheus metrics (text format)' } },
      async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    )
  },
  { name: 'metrics' },
)
