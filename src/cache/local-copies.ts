// Copies of shared-cache entries in this process's memory (CacheOptions.local): answered without
// a round trip until they expire, or until this process invalidates one of their tags. Bounded:
// the oldest copy goes first.

const MAX_COPIES = 1000;

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
  return {
    generation: () => generation,
    get(name: string): LocalEntry | undefined {
      const copy = copies.get(name);
      if (copy === undefined) return undefined;
      if (copy.expires > now()) return copy;
      copies.delete(name);
      return undefined;
    },
    /** Keep a copy for `seconds`, unless an invalidation came after `readAt` (a generation). */
    put(name: string, entry: LocalEntry, seconds: number, readAt: number): void {
      if (readAt !== generation) return;
      copies.delete(name);
      if (copies.size >= MAX_COPIES) {
        const oldest = copies.keys().next().value;
        if (oldest !== undefined) copies.delete(oldest);
      }
      copies.set(name, { ...entry, expires: now() + seconds * 1000 });
    },
    drop(tags: readonly string[]): void {
      generation++;
      const retired = new Set(tags);
      for (const [name, copy] of copies) if (copy.tags.some((tag) => retired.has(tag))) copies.delete(name);
    },
    clear(): void {
      generation++;
      copies.clear();
    },
  };
}
