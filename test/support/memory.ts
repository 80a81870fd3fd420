// Memory a piece of work takes, for the memory tests (no wall-clock assertions: the time is printed).
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

export interface MemoryUse<T> {
  result: T;
  /** Peak resident memory growth while the work ran, in MB (garbage not yet collected included). */
  growthMb: number;
  /** Heap still used once the work is done (its result held), after a collection, in MB. */
  retainedMb: number;
  /** One line for the test's output. */
  report: string;
}

export async function measureMemory<T>(work: () => Promise<T>): Promise<MemoryUse<T>> {
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = Date.now();
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  const growthMb = (peak - baseline) / 2 ** 20;
  collectGarbage();
  const retainedMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  return {
    result,
    growthMb,
    retainedMb,
    report: `baseline ${(baseline / 2 ** 20).toFixed(0)} MB, peak growth ${growthMb.toFixed(0)} MB, heap retained ${retainedMb.toFixed(1)} MB, ${Date.now() - started} ms`,
  };
}
