// Invalidations announced to every process sharing the Redis (pub/sub), so copies kept in a
// process's memory (local-copies.ts) are dropped when any process invalidates their tags — before
// the writer's answer reaches its client: Redis sends the message when it executes the PUBLISH,
// ahead of the reply to the writer. Pub/sub delivers at most once: while the subscription is not
// up (not yet, or lost), the process keeps no copies and every lookup asks Redis; after it is
// (back) up, copies start afresh.
import type { Redis } from 'ioredis';
import type { localCopies } from './local-copies.ts';

/** A message: the JSON of the tags invalidated, or of '*' for every tag (after an outage). */
export type Invalidated = readonly string[] | '*';

export interface InvalidationFeed {
  /** True while the subscription is up: copies may be kept and used. */
  live(): boolean;
  close(): void;
}

export function invalidationFeed(
  redis: Redis,
  channel: string,
  copies: ReturnType<typeof localCopies>,
): InvalidationFeed {
  const subscriber = redis.duplicate({ enableAutoPipelining: false });
  let live = false;
  const down = () => {
    live = false;
    copies.clear();
  };
  subscriber.on('error', down);
  subscriber.on('close', down);
  subscriber.on('ready', () => {
    // (Re)subscribed: messages sent meanwhile are lost, so what was kept before is not trusted.
    subscriber.subscribe(channel).then(() => {
      copies.clear();
      live = true;
    }, down);
  });
  subscriber.on('message', (_channel: string, text: string) => {
    const tags = JSON.parse(text) as Invalidated;
    if (tags === '*') copies.clear();
    else copies.drop(tags);
  });
  return {
    live: () => live,
    close() {
      down();
      subscriber.disconnect();
    },
  };
}
