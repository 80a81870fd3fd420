// The cache behind one interface: in-process always, the real Redis when REDIS_URL is set, and
// a Redis that is down (the API keeps working, uncached).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cache, cached, memoryCache, redisCache } from '../../src/cache/index.ts';

const redisUrl = process.env.REDIS_URL;
const opened: Cache[] = [];
afterAll(async () => {
  for (const cache of opened) await cache.close();
});

function counter() {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    load: (value: unknown) => async () => {
      calls++;
      return value;
    },
  };
}

const stores: [string, () => Cache][] = [['in-process', () => memoryCache()]];
if (redisUrl) {
  const namespace = `perfrecon-test-${randomBytes(4).toString('hex')}`;
  stores.push(['Redis', () => redisCache({ url: redisUrl, namespace })]);
}

describe.each(stores)('the %s cache', (_name, make) => {
  const cache = make();
  opened.push(cache);

  it('loads once and serves the stored value until its tag is invalidated', async () => {
    const loads = counter();
    const options = { ttlSeconds: 60, tags: ['recon:account:A1'] };
    expect(await cached(cache, 'status:A1', options, loads.load({ failed: 1 }))).toEqual({ failed: 1 });
    expect(await cached(cache, 'status:A1', options, loads.load({ failed: 9 }))).toEqual({ failed: 1 });
    expect(loads.calls).toBe(1);
    await cache.invalidate(['recon:account:A1']);
    expect(await cached(cache, 'status:A1', options, loads.load({ failed: 0 }))).toEqual({ failed: 0 });
    expect(loads.calls).toBe(2);
  });

  it('invalidates only the entries under the tag', async () => {
    const loads = counter();
    await cached(cache, 'status:B1', { ttlSeconds: 60, tags: ['recon:account:B1'] }, loads.load('b'));
    await cached(cache, 'status:B2', { ttlSeconds: 60, tags: ['recon:account:B2'] }, loads.load('c'));
    await cache.invalidate(['recon:account:B1']);
    await cached(cache, 'status:B2', { ttlSeconds: 60, tags: ['recon:account:B2'] }, loads.load('x'));
    expect(loads.calls).toBe(2);
  });

  it('never keeps a value loaded while a run invalidated its tag', async () => {
    const options = { ttlSeconds: 60, tags: ['recon:account:C1'] };
    // The reader loads the old status; the run commits and invalidates before the reader stores it.
    const stale = await cached(cache, 'status:C1', options, async () => {
      await cache.invalidate(['recon:account:C1']);
      return 'before the run';
    });
    expect(stale).toBe('before the run');
    expect(await cached(cache, 'status:C1', options, async () => 'after the run')).toBe('after the run');
  });

  it('grants a claim once per window', async () => {
    const key = `digest:${randomBytes(4).toString('hex')}`;
    expect(await cache.claim(key, 60)).toBe(true);
    expect(await cache.claim(key, 60)).toBe(false);
  });
});

describe('the in-process cache', () => {
  it('expires entries after their TTL', async () => {
    let now = 1_000_000;
    const cache = memoryCache(() => now);
    const loads = counter();
    await cached(cache, 'k', { ttlSeconds: 60 }, loads.load(1));
    now += 59_000;
    await cached(cache, 'k', { ttlSeconds: 60 }, loads.load(2));
    now += 2_000;
    expect(await cached(cache, 'k', { ttlSeconds: 60 }, loads.load(3))).toBe(3);
    expect(loads.calls).toBe(2);
  });
});

describe.runIf(redisUrl !== undefined)('two processes sharing Redis', () => {
  it('see each other’s invalidations', async () => {
    const namespace = `perfrecon-test-${randomBytes(4).toString('hex')}`;
    const api = redisCache({ url: redisUrl as string, namespace });
    const worker = redisCache({ url: redisUrl as string, namespace });
    opened.push(api, worker);
    const options = { ttlSeconds: 60, tags: ['recon:account:D1'] };
    expect(await cached(api, 'status:D1', options, async () => 'old')).toBe('old');
    await worker.invalidate(['recon:account:D1']);
    expect(await cached(api, 'status:D1', options, async () => 'new')).toBe('new');
  });
});

describe('a Redis that is down', () => {
  it('degrades to uncached: every read loads, nothing throws, claims fall back to the process', async () => {
    const cache = redisCache({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 200 });
    opened.push(cache);
    const loads = counter();
    expect(await cached(cache, 'k', { ttlSeconds: 60, tags: ['t'] }, loads.load('a'))).toBe('a');
    expect(await cached(cache, 'k', { ttlSeconds: 60, tags: ['t'] }, loads.load('b'))).toBe('b');
    expect(loads.calls).toBe(2);
    await expect(cache.invalidate(['t'])).resolves.toBeUndefined();
    expect(await cache.claim('alert:x', 60)).toBe(true);
    expect(await cache.claim('alert:x', 60)).toBe(false);
  });
});
