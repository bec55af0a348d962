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

    app.addHook('onResponse', async (req, reply) => {
      const labels = { method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }
      requests.inc(labels)
      durations.observe(labels, reply.elapsedTime / 1000)
    })

    app.get(
      '/metrics',
      { schema: { tags: ['operations'], operationId: 'getMetrics', summary: 'Prometheus metrics (text format)' } },
      async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    )
  },
  { name: 'metrics' },
)
