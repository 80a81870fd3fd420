// The dashboard's tallies of what the API returned: files by status, checks passed per day,
// breaks by vendor and age. Counting only; every figure counted comes from the API.
import type { BreakView } from '../../src/contracts/breaks.ts';
import type { RunItem } from '../../src/contracts/runs.ts';
import { AGE_BUCKETS } from '../../src/reconcile/break-workflow.ts';
import { localIsoDate } from './format.ts';

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

interface Checks {
  checked: number;
  passed: number;
}

/** A run's summary as the reconciliation engine writes it (reconcile/summary.ts), when it has one. */
function checksOf(run: RunItem): Checks | null {
  const summary = run.summary;
  if (run.status !== 'COMPLETED' || summary === null) return null;
  const { checked, passed } = summary;
  return typeof checked === 'number' && typeof passed === 'number' ? { checked, passed } : null;
}

/** Checks passed over checks run, per local day, for the `days` days up to `today`. */
export function passRateByDay(
  runs: readonly RunItem[],
  today: Date,
  days: number,
): { day: string; rate: number | null }[] {
  const totals = new Map<string, Checks>();
  for (const run of runs) {
    const checks = checksOf(run);
    if (checks === null) continue;
    const day = localIsoDate(new Date(run.startedAt));
    const total = totals.get(day) ?? { checked: 0, passed: 0 };
    totals.set(day, { checked: total.checked + checks.checked, passed: total.passed + checks.passed });
  }
  return Array.from({ length: days }, (_, index) => {
    const date = new Date(today);
    date.setDate(date.getDate() - (days - 1 - index));
    const day = localIsoDate(date);
    const total = totals.get(day);
    return { day, rate: total === undefined || total.checked === 0 ? null : total.passed / total.checked };
  });
}

/** Active breaks per vendor and age bucket (the buckets the API puts breaks in, youngest first). */
export function breaksByVendorAndAge(breaks: readonly BreakView[]) {
  const buckets: readonly string[] = AGE_BUCKETS;
  const vendors = [...countBy(breaks, (item) => item.vendorCode).keys()];
  const counts = countBy(breaks, (item) => `${item.vendorCode}|${item.ageBucket}`);
  return {
    buckets,
    vendors,
    count: (vendor: string, bucket: string) => counts.get(`${vendor}|${bucket}`) ?? 0,
  };
}
