// Cost and use per vendor and day, the database by table, and the right-sizing hint: the same
// report as `perfrecon usage --json`.
import { Type } from 'typebox';
import { TTL } from '../../cache/index.ts';
import { IsoDate } from '../../contracts/common.ts';
import { UsageReport } from '../../contracts/usage.ts';
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
}
