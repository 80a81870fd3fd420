// The one small cache interface (SPEC §5): Redis when REDIS_URL is set, in-process otherwise.
//
// Invalidation is by tag versions ("namespace versioning"): every entry is stored under its key
// plus the current version of each of its tags, and invalidating a tag increments its version,
// so every entry stored under the old version is never read again (it expires by its TTL).
// A reader reads the versions *before* it loads from the database, so a load that races with a
// run is stored under the version the run has already replaced: no reader sees a stale status
// after a run has invalidated its accounts.
//
// A cache failure never fails a request: a read that fails is a miss, a write that fails is
// skipped (see redis-cache.ts for invalidations that fail while Redis is down).

/** TTLs by kind of data (SPEC §5): lists 5 min, user data 1 min, static data and results 1 h. */
export const TTL = {
  list: 300,
  user: 60,
  static: 3600,
  reconciliation: 3600,
} as const;

export interface CacheHealth {
  /** False while the shared cache (Redis) is unreachable and requests are served uncached. */
  available: boolean;
  /** Cache operations that failed since start (each one served from the database instead). */
  failures: number;
}

export interface Cache {
  readonly kind: 'redis' | 'memory';
  /** For metrics and readiness: whether the cache answers, and how often it did not. */
  health(): CacheHealth;
  /**
   * A stamp of the current versions of these tags, to store and find entries under; null when
   * the cache is unavailable (the caller then works uncached).
   */
  stamp(tags: readonly string[]): Promise<string | null>;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Make every entry stored under these tags stale. */
  invalidate(tags: readonly string[]): Promise<void>;
  /** True for the first caller within `ttlSeconds` (de-duplication across processes). */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface CacheOptions {
  ttlSeconds: number;
  tags?: readonly string[];
}

/** Cache-aside: the cached value of `key`, or `load()` stored for next time. */
export async function cached<T>(
  cache: Cache,
  key: string,
  options: CacheOptions,
  load: () => Promise<T>,
): Promise<T> {
  return (await cacheAside(cache, key, options, load)).value;
}

/** Cache-aside that tells whether the value came from the cache (for X-Cache and metrics). */
export async function cacheAside<T>(
  cache: Cache,
  key: string,
  options: CacheOptions,
  load: () => Promise<T>,
): Promise<{ value: T; hit: boolean }> {
  const stamp = await cache.stamp(options.tags ?? []);
  if (stamp === null) return { value: await load(), hit: false };
  const fullKey = `${key}@${stamp}`;
  const hit = await cache.get(fullKey);
  if (hit !== undefined) return { value: JSON.parse(hit) as T, hit: true };
  const value = await load();
  await cache.set(fullKey, JSON.stringify(value), options.ttlSeconds);
  return { value, hit: false };
}

/** Tags of reconciliation data. */
export const tags = {
  account: (accountId: string) => `recon:account:${accountId}`,
  runs: 'recon:runs',
  breaks: 'recon:breaks',
  tolerances: 'recon:tolerances',
  /** Every stored file bumps it: account lists, periods, returns and lineage. */
  periods: 'periods',
};
