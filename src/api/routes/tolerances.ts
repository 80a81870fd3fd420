// Tolerance rules: everyone reads them; an admin sets and removes them (audited).
import { Type } from 'typebox';
import { tags as cacheTags, TTL } from '../../cache/index.ts';
import { IsoDate } from '../../contracts/common.ts';
import { ToleranceItem } from '../../contracts/tolerances.ts';
import { listTolerances, removeTolerance, setTolerance } from '../../services/reconciliation/index.ts';
import { cachedGet } from '../http-cache.ts';
import { errorResponses } from '../schemas.ts';
import { type Api, type ApiContext, callerOf } from '../types.ts';

const tags = ['tolerances'];
const Scope = {
  account: Type.Optional(Type.String({ minLength: 1, description: 'an account; omit for any' })),
  vendor: Type.Optional(Type.String({ minLength: 1, description: 'a vendor; omit for any' })),
};

export function registerToleranceRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/tolerances',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Stored tolerance rules',
        querystring: Type.Object(Scope, { additionalProperties: false }),
        response: { 200: Type.Array(ToleranceItem), ...errorResponses() },
      },
    },
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.list, tags: [cacheTags.tolerances] }, () =>
        listTolerances(app, { accountId: request.query.account, vendorCode: request.query.vendor }),
      ),
  );

  api.put(
    '/api/v1/tolerances',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Store a rule (replaces the one with the same account, vendor and effectiveFrom)',
        body: Type.Object(
          {
            ...Scope,
            effectiveFrom: IsoDate,
            effectiveTo: Type.Optional(IsoDate),
            returnBps: Type.Optional(Type.Number({ minimum: 0 })),
            marketValueAbs: Type.Optional(Type.String({ pattern: '^\\d+(\\.\\d+)?$' })),
            marketValueRel: Type.Optional(Type.Number({ minimum: 0 })),
            comment: Type.Optional(Type.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ToleranceItem, ...errorResponses() },
      },
    },
    async (request) => {
      const { account, vendor, ...rule } = request.body;
      return setTolerance(app, { ...rule, accountId: account, vendorCode: vendor }, callerOf(request).actor);
    },
  );

  api.delete(
    '/api/v1/tolerances',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Remove a rule',
        querystring: Type.Object({ ...Scope, effectiveFrom: IsoDate }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { account, vendor, effectiveFrom } = request.query;
      await removeTolerance(
        app,
        { accountId: account, vendorCode: vendor, effectiveFrom },
        callerOf(request).actor,
      );
      return reply.code(204).send(null);
    },
  );
}
