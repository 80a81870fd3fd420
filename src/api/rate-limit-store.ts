// The rate limiter's counts in Redis, shared by every API process, without a round trip per
// request. A process takes the numbers of its callers' requests from Redis in leases: one INCRBY
// of k reserves the next k numbers of the key's window for this process, which hands them out to
// requests locally; a request whose number is above the limit is refused. Numbers are never
// handed out twice, so all processes together never serve more than the limit in a window. The
// price: numbers a process leased but did not use count too, so callers spread over n processes
// may be refused up to (n - 1) × (k - 1) requests early in a window; k is 1 for limits up to
// 2 × LEASES_PER_WINDOW (exact counting across processes) and limit / LEASES_PER_WINDOW above. Once a
// key is over its limit, this process refuses it until the window ends without asking Redis (a
// flood costs nothing).
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/** About how many round trips one busy caller costs per window and process. */
const LEASES_PER_WINDOW = 50;
/** Keys kept before expired leases are swept. */
const SWEEP_ABOVE = 10_000;

/** KEYS: the counter; ARGV: how many numbers, the window (ms). The last number leased, the window left. */
const LEASE = `
local last = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { last, ttl }`;

interface Lease {
  /** The next number to hand out, and the last one this process holds. */
  next: number;
  last: number;
  windowEnds: number;
  /** Requests waiting for a lease on the way. */
  waiting?: (() => void)[];
}

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

export function leasedRedisStore(redis: Redis, prefix: string, now: () => number = Date.now) {
  redis.defineCommand('rateLimitLease', { numberOfKeys: 1, lua: LEASE });
  const lease = (key: string, count: number, windowMs: number) =>
    (
      redis as unknown as {
        rateLimitLease(key: string, count: number, windowMs: number): Promise<[number, number]>;
      }
    ).rateLimitLease(key, count, windowMs);
  const leases = new Map<string, Lease>();

  const sweep = () => {
    if (leases.size < SWEEP_ABOVE) return;
    const time = now();
    for (const [key, held] of leases)
      if (held.windowEnds <= time && held.waiting === undefined) leases.delete(key);
  };

  const store: FastifyRateLimitStore = {
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const time = now();
      const held = leases.get(key);
      if (held !== undefined && held.windowEnds > time) {
        if (held.waiting !== undefined) {
          held.waiting.push(() => store.incr(key, callback, timeWindow, max));
          return;
        }
        // Within the lease, or past the limit already (every later number is higher).
        if (held.next <= held.last || held.last >= max) {
          callback(null, { current: held.next++, ttl: held.windowEnds - time });
          return;
        }
      }
      sweep();
      const count = max <= 2 * LEASES_PER_WINDOW ? 1 : Math.floor(max / LEASES_PER_WINDOW);
      const pending: Lease = { next: 0, last: -1, windowEnds: Number.POSITIVE_INFINITY, waiting: [] };
      leases.set(key, pending);
      lease(`${prefix}${key}`, count, timeWindow).then(
        ([last, ttl]) => {
          const waiting = pending.waiting ?? [];
          leases.set(key, { next: last - count + 2, last, windowEnds: now() + ttl });
          callback(null, { current: last - count + 1, ttl });
          for (const retry of waiting) retry();
        },
        (error: Error) => {
          const waiting = pending.waiting ?? [];
          leases.delete(key);
          callback(error);
          for (const retry of waiting) retry();
        },
      );
    },
    // Routes with their own limits would get their own counts; the API's routes share one limit.
    child: () => store,
  };
  return store;
}
