// The in-process cache: a bounded map with expiry. Good for one process; several processes
// (API, workers) share a cache only through Redis.
import type { Cache, Found } from './cache.ts';

const MAX_ENTRIES = 10_000;

export function memoryCache(now: () => number = Date.now): Cache {
  // An entry's Found is the same object on every hit, so a hit is decoded once (decodedHit).
  const entries = new Map<string, { found: Found; expires: number }>();
  const versions = new Map<string, number>();
  const claims = new Map<string, number>();
  const alive = (expires: number) => expires > now();
  const find = (name: string, tags: readonly string[]): Found => {
    const stamp = tags.map((tag) => `${tag}=${versions.get(tag) ?? 0}`).join(',');
    const key = `${name}@${stamp}`;
    const entry = entries.get(key);
    if (entry === undefined) return { stamp, value: undefined };
    if (alive(entry.expires)) return entry.found;
    entries.delete(key);
    return { stamp, value: undefined };
  };
  return {
    kind: 'memory',
    health: () => ({ available: true, failures: 0 }),
    // Everything is in this process: it always tells at once.
    peek: find,
    lookup: async (name, tags) => find(name, tags),
    async set(name, stamp, value, ttlSeconds) {
      const key = `${name}@${stamp}`;
      // Maps iterate in insertion order: drop the oldest entry when full.
      if (entries.size >= MAX_ENTRIES && !entries.has(key)) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.delete(key);
      entries.set(key, { found: { stamp, value }, expires: now() + ttlSeconds * 1000 });
    },
    async invalidate(tags) {
      for (const tag of tags) versions.set(tag, (versions.get(tag) ?? 0) + 1);
    },
    async claim(key, ttlSeconds) {
      const expires = claims.get(key);
      if (expires !== undefined && alive(expires)) return false;
      if (claims.size >= MAX_ENTRIES) {
        for (const [k, e] of claims) if (!alive(e)) claims.delete(k);
      }
      claims.set(key, now() + ttlSeconds * 1000);
      return true;
    },
    async close() {
      entries.clear();
    },
  };
}
