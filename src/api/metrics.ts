// Every answered request, once: its latency by route and status into the process's registry
// (observe/metrics.ts holds the rest: runtime, pipeline, cache), and one access log line. (Fastify's
// own request logging is off: it writes two lines per request through its serializers.) The line
// is written by the server's logger with the request's id, so a request answered well never makes
// its own child logger (request-logger.ts).
import { Histogram } from 'prom-client';
import type { ProcessMetrics } from '../observe/metrics.ts';
import type { Api } from './types.ts';

export function registerHttpObservation(api: Api, metrics: ProcessMetrics): void {
  // serve and the tests build a server per app once; a second server on the same app shares the series.
  const existing = metrics.registry.getSingleMetric('perfrecon_http_request_duration_seconds');
  const latency =
    (existing as Histogram<'method' | 'route' | 'status_code'> | undefined) ??
    new Histogram({
      name: 'perfrecon_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  api.addHook('onResponse', (request, reply, done) => {
    // The route's pattern, never the raw URL: one series per route, not per id.
    const route = request.routeOptions.url ?? 'unmatched';
    const elapsedMs = reply.elapsedTime;
    latency.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      elapsedMs / 1000,
    );
    api.log.info(
      {
        reqId: request.id,
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(elapsedMs * 10) / 10,
      },
      'request',
    );
    done();
  });
}
