// Cost and use per vendor and day, the database by table, and the right-sizing hint: the same
// report as `perfrecon usage --json`; and the history of the figures the alarm evaluator samples.
import { Type } from 'typebox';
import { TTL } from '../../cache/index.ts';
import { IsoDate, Timestamp } from '../../contracts/common.ts';
import {
  METRIC_SAMPLE_NAMES,
  type MetricSampleName,
  MetricsHistory,
} from '../../contracts/metrics-history.ts';
import { UsageReport } from '../../contracts/usage.ts';
import { metricsHistory } from '../../services/monitoring/metric-history.ts';
import { usageReport } from '../../services/usage/report.ts';
import { cachedGet } from '../http-cache.ts';
import { errorResponses } from '../schemas.ts';
import type { Api, ApiContext } from '../types.ts';

export function registerUsageRoutes(api: Api, context: ApiContext): void {
  api.get(
    '/api/v1/usage',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['usage'],
        summary:
          'Use per vendor and day (files, rows, bytes, CPU and wall time), database size, right-sizing',
        querystring: Type.Object(
          {
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
          },
          { additionalProperties: false, description: 'whole UTC days; default the last 7 days' },
        ),
        response: { 200: UsageReport, ...errorResponses() },
      },
    },
    // Sums that grow by the minute: a minute old is current enough, and no write needs to retire them.
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.user }, () =>
        usageReport(context.app, { from: request.query.from, to: request.query.to }),
      ),
  );

  const oneName = `(${METRIC_SAMPLE_NAMES.join('|')})`;
  api.get(
    '/api/v1/metrics/history',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['usage'],
        summary:
          'Queue depth, oldest job age, error rate, processing time, cache hit ratio, memory and dead letters, as sampled by the alarm evaluator',
        querystring: Type.Object(
          {
            from: Type.Optional({ ...Timestamp, description: 'default: a day before `to`' }),
            to: Type.Optional({ ...Timestamp, description: 'default: now' }),
            names: Type.Optional(
              Type.String({
                pattern: `^${oneName}(,${oneName})*$`,
                description: `comma-separated figures (default all): ${METRIC_SAMPLE_NAMES.join(', ')}`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: MetricsHistory, ...errorResponses() },
      },
    },
    // A new sample lands once per evaluation interval (a minute by default): a minute old is current enough.
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.user }, () =>
        metricsHistory(context.app, {
          from: request.query.from === undefined ? undefined : new Date(request.query.from),
          to: request.query.to === undefined ? undefined : new Date(request.query.to),
          names: request.query.names?.split(',') as MetricSampleName[] | undefined,
        }),
      ),
  );
}
