// The OpenAPI 3.1 document, generated from the routes' schemas (the one source of validation,
// types and documentation) at /api/openapi.json, and a browsable page at /api/docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { PRODUCT_VERSION } from '../domain/version.ts';
import type { Api } from './types.ts';

export async function registerOpenApi(api: Api): Promise<void> {
  await api.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'perfrecon API',
        version: PRODUCT_VERSION,
        description:
          'Performance files, time-weighted returns, reconciliation and breaks. Send "Authorization: Bearer <token>" ' +
          '(perfrecon token create). Roles: viewer reads, operator uploads, reconciles, acts on breaks and replays, ' +
          'admin manages tokens and tolerances. Errors have one shape (ApiError).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await api.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  api.get('/api/openapi.json', { schema: { hide: true } }, () => api.swagger());
}
