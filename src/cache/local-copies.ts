// Copies of shared-cache entries in this process's memory (CacheOptions.local): answered without
// a round trip until they expire, or until an invalidation of one of their tags (this process's,
// or another's through invalidation-feed.ts). Bounded in count and size: the oldest goes first.

const MAX_COPIES = 1000;
/** Characters of values kept at most (cached bodies can be large). */
const MAX_CHARACTERS = 32 * 2 ** 20;

export interface LocalEntry {
  stamp: string;
  value: string;
  tags: readonly string[];
}

export function localCopies(now: () => number = Date.now) {
  const copies = new Map<string, LocalEntry & { expires: number }>();
  // Bumped by every invalidation: a read from Redis that began before one must not leave behind
  // a copy of what it retired.
  let generation = 0;
  let characters = 0;
  const remove = (name: string) => {
    const copy = copies.get(name);
    if (copy === undefined) return;
    characters -= copy.value.length;
    copies.delete(name);
  };
  return {
    generation: () => generation,
    get(name: string): LocalEntry | undefined {
      const copy = copies.get(name);
      if (copy === undefined) return undefined;
      if (copy.expires > now()) return copy;
      remove(name);
      return undefined;
    },
    /** Keep a copy for `seconds`, unless an invalidation came after `readAt` (a generation). */
    put(name: string, entry: LocalEntry, seconds: number, readAt: number): void {
      if (readAt !== generation || entry.value.length > MAX_CHARACTERS / 8) return;
      remove(name);
      while (copies.size >= MAX_COPIES || characters + entry.value.length > MAX_CHARACTERS) {
        const oldest = copies.keys().next().value;
        if (oldest === undefined) break;
        remove(oldest);
      }
      copies.set(name, { ...entry, expires: now() + seconds * 1000 });
      characters += entry.value.length;
    },
    drop(tags: readonly string[]): void {
      generation++;
      const retired = new Set(tags);
      for (const [name, copy] of copies) if (copy.tags.some((tag) => retired.has(tag))) remove(name);
    },
    clear(): void {
      generation++;
      copies.clear();
      characters = 0;
    },
  };
}
