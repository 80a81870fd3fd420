// The dashboard's counts in one answer, counted in the database (the UI no longer tallies the
// largest pages of other routes).
import { Type } from 'typebox';
import { tags as cacheTags, TTL } from '../../cache/index.ts';
import { Timestamp } from '../../contracts/common.ts';
import { Dashboard } from '../../contracts/dashboard.ts';
import { dashboard } from '../../services/dashboard.ts';
import { cachedGet } from '../http-cache.ts';
import { errorResponses } from '../schemas.ts';
import type { Api, ApiContext } from '../types.ts';

export function registerDashboardRoutes(api: Api, context: ApiContext): void {
  api.get(
    '/api/v1/dashboard',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['dashboard'],
        summary:
          "Today's files by status, the daily pass rate, active breaks by vendor and age, open dead letters, active alarms",
        querystring: Type.Object(
          {
            since: Type.Optional({
              ...Timestamp,
              description: 'count files received from this moment (the reader’s midnight); default 24 h ago',
            }),
            days: Type.Integer({
              minimum: 1,
              maximum: 366,
              default: 30,
              description: 'days of pass-rate trend',
            }),
            utcOffset: Type.Integer({
              minimum: -840,
              maximum: 840,
              default: 0,
              description: 'the reader’s offset from UTC in minutes (UTC+2 is 120): where their days begin',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Dashboard, ...errorResponses() },
      },
    },
    // Counts that a stored file, a run, a break action, a job dead-lettered or replayed, and an
    // alarm fired, escalated, acknowledged or resolved retire at once (their tags).
    async (request, reply) =>
      cachedGet(
        context,
        request,
        reply,
        {
          ttlSeconds: TTL.user,
          tags: [
            cacheTags.periods,
            cacheTags.runs,
            cacheTags.breaks,
            cacheTags.deadLetters,
            cacheTags.alarms,
          ],
        },
        () =>
          dashboard(context.app, {
            since:
              request.query.since === undefined
                ? new Date(Date.now() - 86_400_000)
                : new Date(request.query.since),
            days: request.query.days,
            utcOffsetMinutes: request.query.utcOffset,
          }),
      ),
  );
}
