// The HTTP API: one Fastify server over the services. buildServer() assembles it without
// listening (tests call inject()); startApi() listens and stops gracefully.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { PgBoss } from 'pg-boss';
import type { App } from '../app.ts';
import { ApiError } from '../contracts/api.ts';
import type { LandingStore } from '../pipeline/landing-store.ts';
import { registerAccessCheck, registerAuth } from './auth.ts';
import { registerErrorHandling, registerNotFound } from './errors.ts';
import { registerEtags } from './http-cache.ts';
import { registerHttpObservation } from './metrics.ts';
import { registerOpenApi } from './openapi.ts';
import { registerRateLimit } from './rate-limit.ts';
import { requestLogger } from './request-logger.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerAlarmRoutes } from './routes/alarms.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerBreakRoutes } from './routes/breaks.ts';
import { registerDashboardRoutes } from './routes/dashboard.ts';
import { registerDeadLetterRoutes } from './routes/dead-letters.ts';
import { registerFileRoutes } from './routes/files.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerReconciliationRoutes } from './routes/reconciliation.ts';
import { registerTokenRoutes } from './routes/tokens.ts';
import { registerToleranceRoutes } from './routes/tolerances.ts';
import { registerUsageRoutes } from './routes/usage.ts';
import { registerVendorRoutes } from './routes/vendors.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { registerStaticUi } from './static-ui.ts';
import type { Api, ApiContext } from './types.ts';

export interface ServerOptions {
  /** The pipeline's landing folder and job queue: uploads and replays go through them. */
  landing: LandingStore;
  boss: PgBoss;
}

export async function buildServer(app: App, options: ServerOptions): Promise<Api> {
  const api: Api = Fastify({
    loggerInstance: app.logger as FastifyBaseLogger,
    // Behind a load balancer the client's address is in X-Forwarded-For (rate limits per IP).
    trustProxy: true,
    // One access line per request instead (metrics.ts).
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: requestLogger,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const context: ApiContext = {
    app,
    landing: options.landing,
    boss: options.boss,
  };
  api.addSchema(ApiError);
  registerErrorHandling(api);
  registerAuth(api, context);
  await registerRateLimit(api, context);
  registerAccessCheck(api);
  registerSecurityHeaders(api);
  await registerOpenApi(api);
  registerEtags(api);
  registerHttpObservation(api, app.metrics);
  registerNotFound(api);
  registerHealthRoutes(api, context);
  registerFileRoutes(api, context);
  registerAccountRoutes(api, context);
  registerReconciliationRoutes(api, context);
  registerBreakRoutes(api, context);
  registerDeadLetterRoutes(api, context);
  registerAuditRoutes(api, context);
  registerVendorRoutes(api, context);
  registerToleranceRoutes(api, context);
  registerTokenRoutes(api, context);
  registerAlarmRoutes(api, context);
  registerUsageRoutes(api, context);
  registerDashboardRoutes(api, context);
  await registerStaticUi(api);
  return api;
}
