// Alarms: the active ones (or any state) and acknowledging a firing one. Not cached: the
// evaluator changes them in whichever process holds its turn.
import { Type } from 'typebox';
import { AlarmItem } from '../../contracts/alarms.ts';
import { StringEnum } from '../../contracts/common.ts';
import { ALARM_STATES } from '../../domain/alarm.ts';
import { acknowledgeAlarm, listAlarms } from '../../services/alarms/alarms.ts';
import { errorResponses, IdParams, Limit } from '../schemas.ts';
import { type Api, type ApiContext, callerOf } from '../types.ts';

const tags = ['alarms'];

export function registerAlarmRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/alarms',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Alarms, newest first; by default the active ones (firing or acknowledged)',
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.Array(StringEnum(ALARM_STATES), {
                description: 'repeat for several; default FIRING, ACKNOWLEDGED',
              }),
            ),
            limit: Limit(100, 1000),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(AlarmItem), ...errorResponses() },
      },
    },
    async (request) => listAlarms(app, { states: request.query.state, limit: request.query.limit }),
  );

  api.post(
    '/api/v1/alarms/:id/acknowledge',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Acknowledge a firing alarm: the pager stops and it will not escalate',
        params: IdParams,
        response: { 200: AlarmItem, ...errorResponses(404, 409) },
      },
    },
    async (request) => acknowledgeAlarm(app, request.params.id, callerOf(request).actor),
  );
}
