// The Redis cache (ioredis). Commands fail fast while Redis is unreachable (no offline queue,
// no retries per request), and every failure degrades to "uncached": a read is a miss, a write
// is skipped, a claim is granted (an alert sent twice beats an alert lost).
//
// An invalidation that fails cannot be skipped silently: entries stored before it would be
// served again once Redis is back. So a failed invalidation is remembered, and on reconnecting
// the process bumps a global epoch that is part of every stamp, which retires all older entries
// at once; the epoch is read with the tag versions, so every process sees it on its next read.
// (A process that exits before Redis returns cannot do this; its entries then live at
// most their TTL.)
//
// Entries read with `local` (CacheOptions) are also kept in this process's memory for that many
// seconds and answered from there without a round trip (local-copies.ts); an invalidation drops
// them at once in the process that makes it, and in the others through a pub/sub message sent with
// it (invalidation-feed.ts). Commands issued in the same tick go to Redis in one write
// (auto-pipelining), and the lookup script is sent by its SHA-1, not its text.
import { Redis } from 'ioredis';
import type { Logger } from '../observe/logger.ts';
import type { Cache, LocalCopy } from './cache.ts';
import { type Invalidated, type InvalidationFeed, invalidationFeed } from './invalidation-feed.ts';
import { localCopies } from './local-copies.ts';
import { memoryCache } from './memory-cache.ts';

export interface RedisCacheOptions {
  url: string;
  logger?: Logger | undefined;
  /** Milliseconds to wait for a connection before a command fails. */
  connectTimeoutMs?: number;
  /** Key prefix, so several deployments (or test files) can share one Redis. */
  namespace?: string | undefined;
}

/**
 * The stamp (the epoch and each tag's version: `epoch=3,recon:runs=7`) and the entry stored at it,
 * in one round trip: every cached read costs one command, not two. KEYS: the epoch, then the
 * tags' version keys; ARGV: the entry's key up to its stamp, then the tags' names. (The entry's
 * key is not in KEYS: it depends on the versions read here. Fine on one Redis; a Redis Cluster
 * would need the prefix in a hash tag.)
 */
const LOOKUP = `
local parts = { 'epoch=' .. (redis.call('GET', KEYS[1]) or '0') }
for i = 2, #KEYS do
  parts[i] = ARGV[i] .. '=' .. (redis.call('GET', KEYS[i]) or '0')
end
local stamp = table.concat(parts, ',')
return { stamp, redis.call('GET', ARGV[1] .. stamp) }`;

export function redisCache(options: RedisCacheOptions): Cache {
  const PREFIX = `${options.namespace ?? 'perfrecon'}:`;
  const EPOCH_KEY = `${PREFIX}epoch`;
  const redis = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A Redis that stalls (paused, network gone without a reset) must not hold requests.
    commandTimeout: 500,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    enableAutoPipelining: true,
  });
  redis.defineCommand('cacheLookup', { lua: LOOKUP });
  const lookupScript = redis as unknown as {
    cacheLookup(numberOfKeys: number, ...keysAndArgs: string[]): Promise<[string, string | null]>;
  };
  const copies = localCopies();
  const channel = `${PREFIX}invalidations`;
  // Subscribed on the first lookup that wants a copy: processes that keep none (workers, the CLI)
  // only publish.
  let feed: InvalidationFeed | undefined;
  const announce = (tags: Invalidated) => JSON.stringify(tags);
  // Commands fail fast while Redis is unreachable; only the very first ones wait for the first
  // connection attempt to finish, so a process starting up is not uncached for no reason.
  let firstAttempt: Promise<void> | undefined = new Promise<void>((resolve) => {
    const done = () => {
      firstAttempt = undefined;
      resolve();
    };
    redis.once('ready', done);
    redis.once('error', done);
    redis.once('end', done);
    setTimeout(done, options.connectTimeoutMs ?? 1000).unref();
  });
  const settled = async () => {
    if (firstAttempt !== undefined) await firstAttempt;
  };
  const fallbackClaims = memoryCache();
  let staleAfterOutage = false;
  let warned = false;
  let failures = 0;
  const degrade = (what: string, error: unknown) => {
    failures++;
    if (!warned)
      options.logger?.warn(
        { err: (error as Error).message },
        `redis unavailable (${what}); working uncached`,
      );
    warned = true;
  };
  redis.on('error', () => {
    // Reported through the failing commands; an 'error' listener keeps ioredis from throwing.
  });
  redis.on('ready', () => {
    warned = false;
    if (staleAfterOutage) {
      staleAfterOutage = false;
      copies.clear();
      redis
        .multi()
        .incr(EPOCH_KEY)
        .publish(channel, announce('*'))
        .exec()
        .catch(() => {
          staleAfterOutage = true;
        });
    }
  });
  const key = (name: string, stamp: string) => `${PREFIX}cache:${name}@${stamp}`;
  /** Whether copies may be kept and used for a lookup with these options (see LocalCopy). */
  const keepsCopies = (local: LocalCopy | undefined): local is LocalCopy => {
    if (local === undefined) return false;
    feed ??= invalidationFeed(redis, channel, copies);
    return feed.live() && redis.status === 'ready';
  };
  return {
    kind: 'redis',
    health: () => ({ available: redis.status === 'ready', failures }),
    peek(name, _tags, local) {
      return keepsCopies(local) ? copies.get(name) : undefined;
    },
    async lookup(name, tags, local) {
      const keepCopy = keepsCopies(local);
      const copy = keepCopy ? copies.get(name) : undefined;
      if (copy !== undefined) return copy;
      const generation = copies.generation();
      try {
        await settled();
        const [stamp, value] = await lookupScript.cacheLookup(
          tags.length + 1,
          EPOCH_KEY,
          ...tags.map((tag) => `${PREFIX}tag:${tag}`),
          `${PREFIX}cache:${name}@`,
          ...tags,
        );
        if (keepCopy && value !== null) copies.put(name, { stamp, value, tags }, local.seconds, generation);
        return { stamp, value: value ?? undefined };
      } catch (error) {
        degrade('lookup', error);
        return null;
      }
    },
    async set(name, stamp, value, ttlSeconds) {
      try {
        await settled();
        await redis.set(key(name, stamp), value, 'EX', ttlSeconds);
      } catch (error) {
        degrade('set', error);
      }
    },
    async invalidate(tags) {
      if (tags.length === 0) return;
      copies.drop(tags);
      try {
        await settled();
        const pipeline = redis.pipeline();
        for (const tag of tags) pipeline.incr(`${PREFIX}tag:${tag}`);
        // After the versions: a process that drops its copies on this message reads the new ones.
        pipeline.publish(channel, announce(tags));
        const replies = await pipeline.exec();
        const failed = replies?.find(([error]) => error !== null);
        if (failed) throw failed[0];
      } catch (error) {
        staleAfterOutage = true;
        degrade('invalidate', error);
      } finally {
        // Again: a lookup of this process may have kept a copy of the old versions meanwhile.
        copies.drop(tags);
      }
    },
    async claim(name, ttlSeconds) {
      try {
        await settled();
        return (await redis.set(`${PREFIX}claim:${name}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
      } catch (error) {
        degrade('claim', error);
        return fallbackClaims.claim(name, ttlSeconds);
      }
    },
    async close() {
      feed?.close();
      redis.disconnect();
    },
  };
}
