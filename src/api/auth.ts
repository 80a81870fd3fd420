// Who calls, and whether they may. A bearer token is looked up first (onRequest, for every route),
// so the rate limit that follows counts per token; the route's access is checked after the rate
// limit, still on request (before the body is read: a refused upload is never streamed to disk).
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { type Access, type Caller, roleAllows } from '../domain/api-access.ts';
import { authenticateToken, knownCaller } from '../services/tokens.ts';
import { HttpError } from './errors.ts';
import type { Api, ApiContext } from './types.ts';

const BEARER = /^Bearer\s+(\S+)$/i;

/** The token lookup on every request; registered before the rate limit, which counts by its caller. */
export function registerAuth(api: Api, context: ApiContext): void {
  api.decorateRequest('caller', null);
  api.decorateRequest('tokenProblem', null);

  api.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    if (header === undefined) return done();
    const secret = BEARER.exec(header)?.[1];
    if (secret === undefined) {
      request.tokenProblem = 'the Authorization header is not "Bearer <token>"';
      return done();
    }
    const known = knownCaller(context.app, secret);
    if (known !== undefined) {
      identify(request, known);
      return done();
    }
    authenticateToken(context.app, secret).then((caller) => {
      identify(request, caller);
      done();
    }, done);
  });
}

function identify(request: FastifyRequest, caller: Caller | null): void {
  request.caller = caller;
  if (caller === null) request.tokenProblem = 'the token is not valid (unknown or revoked)';
}

/**
 * The access check of every route that needs a caller, as its last onRequest hook: registered
 * after the rate limit, whose hook the routes get first, so refused requests are counted too.
 * (A hook of its own phase, such as preParsing, would cost every request that phase's runner.)
 */
export function registerAccessCheck(api: Api): void {
  api.addHook('onRoute', (route) => {
    // A route of the API that forgot to say who may call it must not be open by accident.
    if (route.url.startsWith('/api/v1') && route.config?.access === undefined) {
      throw new Error(`route ${route.method} ${route.url} does not declare its access`);
    }
    const access: Access = route.config?.access ?? 'public';
    if (access === 'public') return;
    // Only the routes that need a caller pay for the check.
    const check: onRequestHookHandler = (request, _reply, done) => done(refusal(request, access));
    route.onRequest = [...(route.onRequest === undefined ? [] : [route.onRequest].flat()), check];
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
