// Reconciliation runs: list, show with summary, and start one: recorded QUEUED with its job in
// the reconcile queue (202 with its id), run by a worker (perfrecon worker, or serve's), never in
// the API's process.
import { Type } from 'typebox';
import { tags as cacheTags, TTL } from '../../cache/index.ts';
import { IsoDate } from '../../contracts/common.ts';
import { RunItem, RunStarted } from '../../contracts/runs.ts';
import { reconcileJobSender } from '../../pipeline/queues.ts';
import { listRuns, queueReconciliation, showRun } from '../../services/reconciliation/index.ts';
import { cachedGet } from '../http-cache.ts';
import { errorResponses, IdParams, Limit } from '../schemas.ts';
import { type Api, type ApiContext, callerOf } from '../types.ts';

const tags = ['reconciliation'];

export function registerReconciliationRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/reconciliation/runs',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The latest reconciliation runs, newest first',
        querystring: Type.Object({ limit: Limit(20, 500) }, { additionalProperties: false }),
        response: { 200: Type.Array(RunItem), ...errorResponses() },
      },
    },
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.list, tags: [cacheTags.runs] }, () =>
        listRuns(app, request.query.limit),
      ),
  );

  api.get(
    '/api/v1/reconciliation/runs/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'One run: status, inputs and summary (checks, pass rate, per vendor, worst breaks)',
        params: IdParams,
        response: { 200: RunItem, ...errorResponses(404) },
      },
    },
    // Every run retires the `runs` tag when it starts and when it ends: a cached run is current.
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.reconciliation, tags: [cacheTags.runs] }, () =>
        showRun(app, request.params.id),
      ),
  );

  api.post(
    '/api/v1/reconciliation/runs',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary:
          'Queue a reconciliation run for a worker; 202 with the run id to follow (QUEUED, RUNNING, then COMPLETED or FAILED)',
        body: Type.Object(
          {
            date: Type.Optional(IsoDate),
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
            vendor: Type.Optional(Type.String({ minLength: 1 })),
            account: Type.Optional(Type.String({ minLength: 1 })),
          },
          { additionalProperties: false, description: 'without dates, every stored period is checked' },
        ),
        response: { 202: RunStarted, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const runId = await queueReconciliation(
        app,
        {
          date: body.date,
          from: body.from,
          to: body.to,
          vendorCode: body.vendor,
          accountId: body.account,
          trigger: 'manual',
          actor: callerOf(request).actor,
        },
        reconcileJobSender(context.boss),
      );
      const statusUrl = `/api/v1/reconciliation/runs/${runId}`;
      return reply.code(202).header('Location', statusUrl).send({ runId, status: 'QUEUED', statusUrl });
    },
  );
}
