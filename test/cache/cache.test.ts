// The cache behind one interface: in-process always, the real Redis when REDIS_URL is set, and
// a Redis that is down (the API keeps working, uncached).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
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

  it('peeks at once in process memory only: the in-process cache always, Redis never without a copy', async () => {
    const options = { ttlSeconds: 60, tags: ['recon:account:P1'] };
    await cached(cache, 'status:P1', options, async () => 'p');
    const found = cache.peek('status:P1', options.tags);
    if (cache.kind === 'memory') expect(found?.value).toBe('"p"');
    else expect(found).toBeUndefined();
  });

  it('decodes a hit the in-process cache holds once, and shares it frozen until it is retired', async () => {
    if (cache.kind !== 'memory') return;
    const options = { ttlSeconds: 60, tags: ['recon:account:D1'] };
    await cached(cache, 'status:D1', options, async () => ({ failed: 2 }));
    const first = await cached(cache, 'status:D1', options, async () => ({ failed: 9 }));
    expect(await cached(cache, 'status:D1', options, async () => ({ failed: 9 }))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    await cache.invalidate(options.tags);
    expect(await cached(cache, 'status:D1', options, async () => ({ failed: 0 }))).toEqual({ failed: 0 });
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

describe.runIf(redisUrl !== undefined)(
  'copies kept in process memory (two processes’ caches on one Redis)',
  () => {
    const namespace = `perfrecon-test-${randomBytes(4).toString('hex')}`;
    const reader = redisCache({ url: redisUrl as string, namespace });
    const writer = redisCache({ url: redisUrl as string, namespace });
    opened.push(reader, writer);
    const options = { ttlSeconds: 60, tags: ['recon:runs'], local: { seconds: 60 } };

    it('answer without Redis, and are dropped when another process invalidates their tags', async () => {
      // The reader subscribes to the invalidations with its first lookup that wants a copy (the
      // writer keeps none: it only publishes).
      await reader.lookup('warm-up', [], { seconds: 1 });
      const probe = new Redis(redisUrl as string);
      const subscribers = async () =>
        ((await probe.pubsub('NUMSUB', `${namespace}:invalidations`)) as [string, number])[1];
      for (let tries = 0; (await subscribers()) < 1 && tries < 250; tries++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      probe.disconnect();
      const loads = counter();
      expect(await cached(reader, 'runs', options, loads.load('first'))).toBe('first');
      // Read from Redis: a copy is kept from now on.
      expect(await cached(reader, 'runs', options, loads.load('unused'))).toBe('first');
      // Redis has another value now, at the same stamp: the reader still answers from its copy.
      const found = await writer.lookup('runs', ['recon:runs']);
      await writer.set('runs', found?.stamp as string, JSON.stringify('changed in Redis'), 60);
      expect(await cached(reader, 'runs', options, loads.load('unused'))).toBe('first');
      expect(loads.calls).toBe(1);
      // The other process invalidates: the reader's copy goes with the message.
      await writer.invalidate(['recon:runs']);
      const deadline = Date.now() + 5000;
      let value = await cached(reader, 'runs', options, loads.load('second'));
      while (value === 'first' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        value = await cached(reader, 'runs', options, loads.load('second'));
      }
      expect(value).toBe('second');
    });

    it('tell at once what they hold, decoded once and shared, and nothing after an invalidation', async () => {
      const mine = { ...options, tags: ['recon:tolerances'] };
      expect(reader.peek('tolerances', mine.tags, mine.local)).toBeUndefined();
      await cached(reader, 'tolerances', mine, async () => ({ rules: 1 }));
      // Read from Redis: a copy is kept from now on, and peek tells it without a round trip.
      const read = await cached(reader, 'tolerances', mine, async () => ({ rules: 2 }));
      expect(reader.peek('tolerances', mine.tags, mine.local)?.value).toBe('{"rules":1}');
      const shared = await cached(reader, 'tolerances', mine, async () => ({ rules: 3 }));
      expect(shared).toEqual(read);
      expect(await cached(reader, 'tolerances', mine, async () => ({ rules: 4 }))).toBe(shared);
      expect(Object.isFrozen(shared)).toBe(true);
      await reader.invalidate(mine.tags);
      expect(reader.peek('tolerances', mine.tags, mine.local)).toBeUndefined();
    });

    it('are dropped at once by an invalidation of the same process', async () => {
      const loads = counter();
      const mine = { ...options, tags: ['recon:breaks'] };
      await cached(reader, 'breaks', mine, loads.load('old'));
      expect(await cached(reader, 'breaks', mine, loads.load('unused'))).toBe('old');
      await reader.invalidate(['recon:breaks']);
      expect(await cached(reader, 'breaks', mine, loads.load('new'))).toBe('new');
    });
  },
);
