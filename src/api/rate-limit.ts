// Requests per minute per token (by its role's limit), or per IP address without a valid
// token. With REDIS_URL the counts live in Redis, shared by every API process of the same
// database (under the database's namespace: token ids and addresses of another database sharing
// the Redis are other callers), leased in blocks so a request rarely waits for Redis
// (rate-limit-store.ts); otherwise in this process. A Redis that is down lets requests through
// rather than refusing them all.
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { leasedRedisStore } from './rate-limit-store.ts';
import type { Api, ApiContext } from './types.ts';

export async function registerRateLimit(api: Api, context: ApiContext): Promise<void> {
  const { config, redisNamespace } = context.app;
  const limits = config.api.rateLimits;
  const redis =
    config.redisUrl === undefined || redisNamespace === undefined
      ? undefined
      : new Redis(config.redisUrl, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          // A Redis that stalls (paused, network gone without a reset) must not hold requests.
          commandTimeout: 1000,
          connectTimeout: 1000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
          // The counts of requests arriving together go to Redis in one write.
          enableAutoPipelining: true,
        });
  // Failures reach the limiter through its commands (skipOnError); this keeps ioredis quiet.
  redis?.on('error', () => {});
  if (redis !== undefined) {
    api.addHook('onClose', async () => void redis.disconnect());
    // Without an offline queue, requests arriving before the connection would pass uncounted:
    // start serving once it is up (or has failed; then the limiter lets requests through).
    await new Promise<void>((resolve) => {
      redis.once('ready', resolve);
      redis.once('error', () => resolve());
      setTimeout(resolve, 1000).unref();
    });
  }
  await api.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => limits[request.caller?.role ?? 'anonymous'],
    keyGenerator: (request) => (request.caller ? `token:${request.caller.tokenId}` : `ip:${request.ip}`),
    enableDraftSpec: true,
    skipOnError: true,
    ...(redis === undefined ? {} : { store: leasedStore(redis, `${redisNamespace}:rate:`) }),
    errorResponseBuilder: (_request, limit) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `more than ${limit.max} requests in a minute; retry in ${limit.after}`,
    }),
  });
}

/** The plugin constructs its store itself (`new Store(options)`): a constructor of this one. */
function leasedStore(redis: Redis, prefix: string): FastifyRateLimitStoreCtor {
  const store = leasedRedisStore(redis, prefix);
  return function leased() {
    return store;
  } as unknown as FastifyRateLimitStoreCtor;
}
