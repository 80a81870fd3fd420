// Liveness, readiness and metrics: open to probes and Prometheus (metrics by configuration).
import { Health, Readiness } from '../../contracts/api.ts';
import { queueReachable } from '../../pipeline/queues.ts';
import { databaseReachable } from '../../services/database.ts';
import { metricsAccess } from '../auth.ts';
import type { Api, ApiContext } from '../types.ts';

export function registerHealthRoutes(api: Api, context: ApiContext): void {
  // Probes are open and not rate-limited: a load balancer probing often from one address must
  // never see a 429 and take a healthy process out of rotation.
  const open = { config: { access: 'public' as const, rateLimit: false as const } };
  api.get(
    '/healthz',
    {
      ...open,
      schema: { tags: ['health'], summary: 'The process is alive', security: [], response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const }),
  );

  api.get(
    '/readyz',
    {
      ...open,
      schema: {
        tags: ['health'],
        summary: 'The database and the job queue answer (503 otherwise); Redis down only degrades (200)',
        security: [],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const { app } = context;
      const [database, queue] = await Promise.all([databaseReachable(app), queueReachable(context.boss)]);
      const redis = app.cache.kind === 'redis' ? app.cache.health().available : undefined;
      const state = (ok: boolean | undefined) =>
        ok === undefined ? 'not configured' : ok ? 'ok' : 'failing';
      // Redis is optional: without it requests are served from the database (uncached), so a
      // load balancer keeps the process in rotation.
      const ready = database && queue;
      return reply.code(ready ? 200 : 503).send({
        status: !ready ? 'not ready' : redis === false ? 'degraded' : 'ready',
        checks: { database: state(database), queue: state(queue), redis: state(redis) },
      });
    },
  );

  api.get(
    '/metrics',
    {
      config: { access: metricsAccess(context) },
      schema: { tags: ['health'], summary: 'Prometheus metrics (text format)', produces: ['text/plain'] },
    },
    async (_request, reply) => {
      reply.type(context.app.metrics.registry.contentType);
      return context.app.metrics.registry.metrics();
    },
  );
}
