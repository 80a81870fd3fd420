// Who calls, and whether they may. A bearer token is looked up first (onRequest), so the rate
// limit that follows counts per token; the route's access is checked before the body is read
// (preParsing), so a refused upload is never streamed to disk.
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
  });

  api.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return;
    const secret = BEARER.exec(header)?.[1];
    if (secret === undefined) {
      request.tokenProblem = 'the Authorization header is not "Bearer <token>"';
      return;
    }
    request.caller = await authenticateToken(context.app, secret);
    if (request.caller === null) request.tokenProblem = 'the token is not valid (unknown or revoked)';
  });

  api.addHook('preParsing', async (request) => {
    const access: Access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    if (request.caller === null) {
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        request.tokenProblem ?? 'this route needs a token',
        'Send "Authorization: Bearer <token>"; an admin creates tokens with: perfrecon token create',
      );
    }
    if (!roleAllows(request.caller.role, access)) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        `this route needs the ${access} role; token ${request.caller.name} has ${request.caller.role}`,
      );
    }
  });
}

/** The /metrics route's access: open for a Prometheus on the network unless configured. */
export function metricsAccess(context: ApiContext): Access {
  return context.app.config.api.metricsNeedToken ? 'viewer' : 'public';
}
