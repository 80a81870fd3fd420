// Dead letters: list, show with the file's timeline, replay (a new job, audited).
import { Type } from 'typebox';
import { StringEnum } from '../../contracts/common.ts';
import { DeadLetterDetail, DeadLetterItem, ReplayResult } from '../../contracts/dead-letters.ts';
import { DEAD_LETTER_STATES } from '../../domain/job.ts';
import { ingestJobSender } from '../../pipeline/queues.ts';
import { listDeadLetters, replayDeadLetter, showDeadLetter } from '../../services/dead-letters.ts';
import { errorResponses, IdParams, Limit } from '../schemas.ts';
import { type Api, type ApiContext, callerOf } from '../types.ts';

const tags = ['dead letters'];

export function registerDeadLetterRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/dead-letters',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Jobs that failed for good, newest first',
        querystring: Type.Object(
          { state: StringEnum([...DEAD_LETTER_STATES, 'all'], { default: 'open' }), limit: Limit(100, 1000) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(DeadLetterItem), ...errorResponses() },
      },
    },
    async (request) => listDeadLetters(app, request.query),
  );

  api.get(
    '/api/v1/dead-letters/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "A dead letter and its file's processing timeline",
        params: IdParams,
        response: { 200: DeadLetterDetail, ...errorResponses(404) },
      },
    },
    async (request) => showDeadLetter(app, request.params.id),
  );

  api.post(
    '/api/v1/dead-letters/:id/replay',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Queue the job again once its cause is fixed (a second replay does nothing)',
        params: IdParams,
        response: { 200: ReplayResult, ...errorResponses(404, 409) },
      },
    },
    async (request) =>
      replayDeadLetter(
        {
          database: app.database,
          cache: app.cache,
          jobs: ingestJobSender(context.boss),
          actor: callerOf(request).actor,
        },
        request.params.id,
      ),
  );
}
