// Vendor configurations and the versions of each that produced stored data (static: an hour).
import { Type } from 'typebox';
import { TTL } from '../../cache/index.ts';
import { VendorDetail, VendorSummary } from '../../contracts/vendors.ts';
import { vendorDetail, vendorSummary } from '../../services/vendors.ts';
import { cachedGet } from '../http-cache.ts';
import { errorResponses } from '../schemas.ts';
import type { Api, ApiContext } from '../types.ts';

const tags = ['vendors'];

export function registerVendorRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/vendors',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The configured vendors, their layouts and configuration versions',
        response: { 200: Type.Array(VendorSummary), ...errorResponses() },
      },
    },
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.static }, async () =>
        app.vendors.map(vendorSummary),
      ),
  );

  api.get(
    '/api/v1/vendors/:code',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "A vendor's whole configuration and the stored versions of it",
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: VendorDetail, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.static }, () =>
        vendorDetail(app, request.params.code),
      ),
  );
}
