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

/** What a lookup found: the stamp to store under, and the entry at it, if any. */
export interface Found {
  stamp: string;
  value: string | undefined;
  /**
   * The value decoded (cacheAside): a copy kept in memory is the same object on every lookup
   * until it expires or is dropped, so it is decoded once, not on every hit.
   */
  decoded?: unknown;
}

export interface Cache {
  readonly kind: 'redis' | 'memory';
  /** For metrics and readiness: whether the cache answers, and how often it did not. */
  health(): CacheHealth;
  /**
   * In one step: the stamp of the current versions of these tags (entries are stored and found
   * under it) and the entry stored under `key` at that stamp, if any; null when the cache is
   * unavailable (the caller then works uncached). With `local`, a copy in this process's memory
   * may answer (see LocalCopy).
   */
  lookup(key: string, tags: readonly string[], local?: LocalCopy): Promise<Found | null>;
  /**
   * What lookup would find, when this process can tell at once without a round trip (the
   * in-process cache, or a copy kept with `local`); undefined when only lookup can tell.
   */
  peek(key: string, tags: readonly string[], local?: LocalCopy): Found | undefined;
  /** Store `value` under `key` at `stamp` (from lookup). */
  set(key: string, stamp: string, value: string, ttlSeconds: number): Promise<void>;
  /** Make every entry stored under these tags stale. */
  invalidate(tags: readonly string[]): Promise<void>;
  /** True for the first caller within `ttlSeconds` (de-duplication across processes). */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A shared cache may keep a copy of an entry in the process's memory and answer from it, without
 * asking Redis, for up to `seconds` after it was read or stored. An invalidation by this process
 * drops its copies at once; one by another process reaches them within `seconds` at the latest:
 * only for data where that delay is acceptable (and documented).
 */
export interface LocalCopy {
  seconds: number;
}

export interface CacheOptions {
  ttlSeconds: number;
  tags?: readonly string[];
  /** Keep a copy in this process's memory (see LocalCopy); the shared cache only by default. */
  local?: LocalCopy;
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

/** Cache-aside of text stored as it is (e.g. a serialized HTTP body); tells whether it was a hit. */
export async function cacheAsideText(
  cache: Cache,
  key: string,
  options: CacheOptions,
  load: () => Promise<string>,
): Promise<{ value: string; hit: boolean }> {
  const tags = options.tags ?? [];
  const found = cache.peek(key, tags, options.local) ?? (await cache.lookup(key, tags, options.local));
  if (found === null) return { value: await load(), hit: false };
  if (found.value !== undefined) return { value: found.value, hit: true };
  const value = await load();
  await cache.set(key, found.stamp, value, options.ttlSeconds);
  return { value, hit: false };
}

/**
 * Cache-aside of a JSON value that tells whether it came from the cache. What a hit returns may be
 * shared with other callers (a copy kept in memory is decoded once): it is frozen, not to be changed.
 */
export async function cacheAside<T>(
  cache: Cache,
  key: string,
  options: CacheOptions,
  load: () => Promise<T>,
): Promise<{ value: T; hit: boolean }> {
  const tags = options.tags ?? [];
  const found = cache.peek(key, tags, options.local) ?? (await cache.lookup(key, tags, options.local));
  const hit = found === null ? undefined : decodedHit<T>(found);
  if (hit !== undefined) return { value: hit.value, hit: true };
  // A miss returns what was loaded, not a round trip through JSON.
  const value = await load();
  if (found !== null) await cache.set(key, found.stamp, JSON.stringify(value), options.ttlSeconds);
  return { value, hit: false };
}

/** The value of a hit, decoded (once for a copy kept in memory: see Found.decoded); undefined for a miss. */
export function decodedHit<T>(found: Found): { value: T } | undefined {
  if (found.value === undefined) return undefined;
  found.decoded ??= Object.freeze(JSON.parse(found.value));
  return { value: found.decoded as T };
}

/** Tags of reconciliation data. */
export const tags = {
  account: (accountId: string) => `recon:account:${accountId}`,
  runs: 'recon:runs',
  breaks: 'recon:breaks',
  tolerances: 'recon:tolerances',
  /** A dead letter replayed (the dashboard's open count). */
  deadLetters: 'dead-letters',
  /** An alarm acknowledged (the dashboard's active counts). */
  alarms: 'alarms',
  /** Every stored file bumps it: account lists, periods, returns and lineage. */
  periods: 'periods',
};
