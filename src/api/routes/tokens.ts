// API tokens: who holds the presented one (any role; the web UI shows that role's actions), and
// for admins: create (the secret is in this answer only), list, revoke.
import { Type } from 'typebox';
import { CreatedToken, Role, TokenHolder, TokenItem } from '../../contracts/tokens.ts';
import { createToken, listTokens, revokeToken } from '../../services/tokens.ts';
import { errorResponses, IdParams } from '../schemas.ts';
import { type Api, type ApiContext, callerOf } from '../types.ts';

const tags = ['tokens'];

export function registerTokenRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/me',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "The presented token's holder and role",
        response: { 200: TokenHolder, ...errorResponses() },
      },
    },
    async (request) => ({ name: callerOf(request).name, role: callerOf(request).role }),
  );

  api.get(
    '/api/v1/tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Every token, live and revoked',
        response: { 200: Type.Array(TokenItem), ...errorResponses() },
      },
    },
    async () => listTokens(app),
  );

  api.post(
    '/api/v1/tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a token; its secret is in this answer only',
        body: Type.Object(
          { name: Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$' }), role: Role },
          { additionalProperties: false },
        ),
        response: { 201: CreatedToken, ...errorResponses(409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createToken(app, request.body, callerOf(request).actor)),
  );

  api.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Revoke a token',
        params: IdParams,
        response: { 200: TokenItem, ...errorResponses(404, 409) },
      },
    },
    async (request) => revokeToken(app, request.params.id, callerOf(request).actor),
  );
}
