// Every check of one account in one run: per vendor, the reported return against ours (with
// the break explained), continuity and missing periods; across vendors, values and returns.
import type { IsoDate } from '../domain/canonical.ts';
import type { CheckResult, ReconPeriod, VendorReconSettings } from '../domain/reconciliation.ts';
import { checkSeries } from './continuity.ts';
import { compareVendors } from './cross-vendor.ts';
import { explainReturnBreak } from './explain.ts';
import { inferFrequency } from './frequency.ts';
import { precisionFor } from './precision.ts';
import { checkReturn } from './return-check.ts';
import type { ToleranceBook } from './tolerance.ts';

export interface RunScope {
  /** Periods ending within [from, to] are checked; the others loaded are neighbours. */
  from: IsoDate;
  to: IsoDate;
  /** The vendors whose periods are checked; null: all. */
  vendorCodes: ReadonlySet<string> | null;
  /** When set, a vendor's series must reach this date (per its frequency). */
  expectThrough: IsoDate | null;
}

export interface ReconContext {
  tolerances: ToleranceBook;
  settings(vendorCode: string): VendorReconSettings;
}

function byStartThenEnd(a: ReconPeriod, b: ReconPeriod): number {
  return a.periodStart < b.periodStart
    ? -1
    : a.periodStart > b.periodStart
      ? 1
      : a.periodEnd < b.periodEnd
        ? -1
        : a.periodEnd > b.periodEnd
          ? 1
          : 0;
}

/** Group one account's periods by vendor, each series sorted by start then end. */
export function seriesByVendor(periods: readonly ReconPeriod[]): Map<string, ReconPeriod[]> {
  const series = new Map<string, ReconPeriod[]>();
  for (const period of periods) {
    const list = series.get(period.vendorCode);
    if (list === undefined) series.set(period.vendorCode, [period]);
    else list.push(period);
  }
  for (const list of series.values()) list.sort(byStartThenEnd);
  return new Map([...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function reconcileAccount(
  accountId: string,
  periods: readonly ReconPeriod[],
  scope: RunScope,
  context: ReconContext,
): CheckResult[] {
  const results: CheckResult[] = [];
  const inRange = (date: IsoDate) => date >= scope.from && date <= scope.to;
  const vendorInScope = (code: string) => scope.vendorCodes === null || scope.vendorCodes.has(code);
  const series = seriesByVendor(periods);

  for (const [vendorCode, list] of series) {
    if (!vendorInScope(vendorCode)) continue;
    const settings = context.settings(vendorCode);
    const tolerance = (period: ReconPeriod) =>
      context.tolerances.resolve(accountId, vendorCode, period.periodEnd);
    list.forEach((period, index) => {
      if (!inRange(period.periodEnd)) return;
      const outcome = checkReturn(period, tolerance(period), precisionFor(settings, period));
      if (outcome === undefined) return;
      if (outcome.result.status === 'FAILED') {
        const previous = list[index - 1];
        const next = list[index + 1];
        outcome.result.explanation = explainReturnBreak({
          period,
          settings,
          toleranceBps: outcome.result.tolerance.returnBps,
          rounding: outcome.rounding,
          previous: previous?.periodEnd === period.periodStart ? previous : undefined,
          next: next?.periodStart === period.periodEnd ? next : undefined,
        });
      }
      results.push(outcome.result);
    });
    results.push(
      ...checkSeries(list, inferFrequency(list), {
        inScope: (period) => inRange(period.periodEnd),
        expectThrough: scope.expectThrough,
        tolerance,
      }),
    );
  }

  const vendors = [...series.keys()];
  for (let i = 0; i < vendors.length; i++) {
    for (let j = i + 1; j < vendors.length; j++) {
      const a = vendors[i] as string;
      const b = vendors[j] as string;
      if (!vendorInScope(a) && !vendorInScope(b)) continue;
      results.push(
        ...compareVendors(series.get(a) ?? [], series.get(b) ?? [], {
          inRange,
          tolerance: (vendorCode, asOf) => context.tolerances.resolve(accountId, vendorCode, asOf),
          settings: context.settings,
        }),
      );
    }
  }
  return results;
}
