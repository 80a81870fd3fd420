// HTTP caching of GET responses: cache-aside through the application cache (Redis or in
// process, with its TTL classes and tags), reported as X-Cache; and a strong ETag over the exact
// bytes of every successful GET, answered with 304 when the client has them already.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type CacheOptions, cacheAside } from '../cache/index.ts';
import type { Api, ApiContext } from './types.ts';

/** The cached value of this GET (keyed by its path and query), or `load()` stored for next time. */
export async function cachedGet<T>(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: CacheOptions,
  load: () => Promise<T>,
): Promise<T> {
  const { value, hit } = await cacheAside(context.app.cache, `http:${request.url}`, options, load);
  reply.header('X-Cache', hit ? 'HIT' : 'MISS');
  context.app.metrics.cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
  return value;
}

function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === etag || tag === '*');
}

export function registerEtags(api: Api): void {
  api.addHook('onSend', async (request, reply, payload) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = `"${createHash('sha256').update(payload).digest('base64url')}"`;
    reply.header('ETag', etag);
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && matches(ifNoneMatch, etag)) {
      reply.code(304);
      reply.removeHeader('content-length');
      return '';
    }
    return payload;
  });
}
