// Prometheus metrics of an API process: the process's defaults (memory, CPU, event-loop lag),
// HTTP latency by route and status, and cache lookups. One registry per server, so several
// servers in one process (tests) do not clash.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Api, ApiMetrics } from './types.ts';

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'perfrecon_' });
  return {
    registry,
    cacheLookups: new Counter({
      name: 'perfrecon_http_cache_lookups_total',
      help: 'cache-aside lookups of GET responses, by hit or miss',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

export function registerHttpMetrics(api: Api, metrics: ApiMetrics): void {
  const latency = new Histogram({
    name: 'perfrecon_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics.registry],
  });
  api.addHook('onResponse', async (request, reply) => {
    // The route's pattern, never the raw URL: one series per route, not per id.
    const route = request.routeOptions.url ?? 'unmatched';
    latency.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
