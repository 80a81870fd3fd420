// The API's view of Fastify: the TypeBox type provider (schemas give the handlers their types),
// what a route declares (who may call it), and what every route handler gets.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { PgBoss } from 'pg-boss';
import type { App } from '../app.ts';
import type { Access, Caller } from '../domain/api-access.ts';
import type { LandingStore } from '../pipeline/landing-store.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: every route under /api/v1 must say (see auth.ts). */
    access?: Access;
  }
  interface FastifyRequest {
    /** The token's holder; null without a token or with a bad one. */
    caller: Caller | null;
    /** Why the presented token was not accepted, if one was presented. */
    tokenProblem: string | null;
  }
}

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What the routes need beyond the app: the landing folder and the job queue. */
export interface ApiContext {
  app: App;
  landing: LandingStore;
  boss: PgBoss;
}

/** The caller of a route that is not public (auth.ts has refused the request otherwise). */
export function callerOf(request: { caller: Caller | null }): Caller {
  if (request.caller === null) throw new Error('a protected route ran without a caller');
  return request.caller;
}
