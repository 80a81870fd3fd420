// Who calls, and whether they may. A bearer token is looked up first (onRequest), so the rate
// limit that follows counts per token; the route's access is checked before the body is read
// (preParsing), so a refused upload is never streamed to disk.
import type { FastifyRequest, preParsingHookHandler } from 'fastify';
import { type Access, roleAllows } from '../domain/api-access.ts';
import { authenticateToken } from '../services/tokens.ts';
import { HttpError } from './errors.ts';
import type { Api, ApiContext } from './types.ts';

const BEARER = /^Bearer\s+(\S+)$/i;

export function registerAuth(api: Api, context: ApiContext): void {
  api.decorateRequest('caller', null);
  api.decorateRequest('tokenProblem', null);

  api.addHook('onRoute', (route) => {
    // A route of the API that forgot to say who may call it must not be open by accident.
    if (route.url.startsWith('/api/v1') && route.config?.access === undefined) {
      throw new Error(`route ${route.method} ${route.url} does not declare its access`);
    }
    const access: Access = route.config?.access ?? 'public';
    if (access === 'public') return;
    // Only the routes that need a caller pay for the check.
    const check: preParsingHookHandler = (request, _reply, _payload, done) => done(refusal(request, access));
    route.preParsing = [...(route.preParsing === undefined ? [] : [route.preParsing].flat()), check];
  });

  api.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    if (header === undefined) return done();
    const secret = BEARER.exec(header)?.[1];
    if (secret === undefined) {
      request.tokenProblem = 'the Authorization header is not "Bearer <token>"';
      return done();
    }
    authenticateToken(context.app, secret).then((caller) => {
      request.caller = caller;
      if (caller === null) request.tokenProblem = 'the token is not valid (unknown or revoked)';
      done();
    }, done);
  });
}

/** Why the request may not call a route of this access, or undefined when it may. */
function refusal(request: FastifyRequest, access: Exclude<Access, 'public'>): HttpError | undefined {
  if (request.caller === null) {
    return new HttpError(
      401,
      'UNAUTHENTICATED',
      request.tokenProblem ?? 'this route needs a token',
      'Send "Authorization: Bearer <token>"; an admin creates tokens with: perfrecon token create',
    );
  }
  if (!roleAllows(request.caller.role, access)) {
    return new HttpError(
      403,
      'FORBIDDEN',
      `this route needs the ${access} role; token ${request.caller.name} has ${request.caller.role}`,
    );
  }
  return undefined;
}

/** The /metrics route's access: open for a Prometheus on the network unless configured. */
export function metricsAccess(context: ApiContext): Access {
  return context.app.config.api.metricsNeedToken ? 'viewer' : 'public';
}
