// HTTP caching of GET responses: cache-aside through the application cache (Redis or in
// process, with its TTL classes and tags), reported as X-Cache; and a strong ETag over the exact
// bytes of every successful GET, answered with 304 when the client has them already. What is
// cached is the serialized body with its ETag, so a hit is sent as it is: no parsing, no
// serializing, no hashing (and, for a hot body, no round trip: a copy in memory answers).
import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type CacheOptions, cacheAsideText } from '../cache/index.ts';
import type { Api, ApiContext } from './types.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
/**
 * Hot bodies are also kept in the process's memory, answered without a round trip to Redis;
 * every invalidation (by any process: see cache/invalidation-feed.ts) drops them before its
 * writer answers. The seconds bound a copy if that message were lost without the subscription
 * noticing.
 */
const BODY_COPY = { seconds: 10 };

// One-shot hashing: no Hash object per response.
const etagOf = (body: string | Buffer) => `"${hash('sha256', body, 'base64url')}"`;

/** Send the cached body of this GET (keyed by its path and query), or `load()`'s, stored for next time. */
export async function cachedGet<T>(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: CacheOptions,
  load: () => Promise<T>,
): Promise<FastifyReply> {
  const shared = { ...options, local: BODY_COPY };
  const { value, hit } = await cacheAsideText(context.app.cache, `http:${request.url}`, shared, async () => {
    // The route's own response serializer: a hit is byte for byte what a miss sends.
    const body = reply.serialize(await load()) as string; // JSON serializers give text
    return `${etagOf(body)}\n${body}`;
  });
  const newline = value.indexOf('\n');
  reply.header('X-Cache', hit ? 'HIT' : 'MISS');
  reply.header('ETag', value.slice(0, newline));
  context.app.metrics.cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
  return reply.type(JSON_TYPE).send(value.slice(newline + 1));
}

function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === etag || tag === '*');
}

export function registerEtags(api: Api): void {
  // A callback hook: no promise per response.
  api.addHook('onSend', (request, reply, payload, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200)
      return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    // A cached body comes with its ETag (cachedGet); the others are hashed here.
    let etag = reply.getHeader('etag');
    if (typeof etag !== 'string') {
      etag = etagOf(payload);
      reply.header('ETag', etag);
    }
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && matches(ifNoneMatch, etag)) {
      reply.code(304);
      reply.removeHeader('content-length');
      return done(null, '');
    }
    done(null, payload);
  });
}
