// The audit log of an entity: every change with its actor, oldest first.
import { Type } from 'typebox';
import { AuditEntry } from '../../contracts/audit.ts';
import { StringEnum } from '../../contracts/common.ts';
import { AUDITED_ENTITIES, auditLog } from '../../services/audit.ts';
import { errorResponses, Limit } from '../schemas.ts';
import type { Api, ApiContext } from '../types.ts';

export function registerAuditRoutes(api: Api, context: ApiContext): void {
  api.get(
    '/api/v1/audit/:entity/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['audit'],
        summary: 'Who changed an entity, when, and from what to what',
        params: Type.Object({
          entity: StringEnum(AUDITED_ENTITIES),
          id: Type.String({ minLength: 1, maxLength: 200, description: 'the id (a vendor: its code)' }),
        }),
        querystring: Type.Object({ limit: Limit(1000, 10000) }, { additionalProperties: false }),
        response: { 200: Type.Array(AuditEntry), ...errorResponses() },
      },
    },
    async (request) => auditLog(context.app, request.params.entity, request.params.id, request.query.limit),
  );
}
