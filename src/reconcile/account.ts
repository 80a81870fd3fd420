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

/**
 * The return and continuity checks of some periods of one account (`doubtful`, by vendor, start
 * and end), read with only the periods adjoining them: for a series the screen found without
 * gaps, overlaps or data missing at the end, these are the same checks, with the same
 * explanations, that deciding the whole account gives for those periods. Each stretch of
 * consecutive periods is decided alone, so the stretches between them are not taken for gaps.
 */
export function reconcilePeriods(
  accountId: string,
  periods: readonly ReconPeriod[],
  doubtful: ReadonlySet<string>,
  scope: RunScope,
  context: ReconContext,
): CheckResult[] {
  const stretches: ReconPeriod[][] = [];
  for (const list of seriesByVendor(periods).values()) {
    let stretch: ReconPeriod[] = [];
    for (const period of list) {
      if (stretch.length > 0 && stretch.at(-1)?.periodEnd !== period.periodStart) {
        stretches.push(stretch);
        stretch = [];
      }
      stretch.push(period);
    }
    stretches.push(stretch);
  }
  const within = { ...scope, expectThrough: null };
  return stretches.flatMap((stretch) =>
    reconcileAccount(accountId, stretch, within, context).filter((result) =>
      doubtful.has(periodKey(result.vendorCode, result.periodStart, result.periodEnd)),
    ),
  );
}

/** How reconcilePeriods names a period of an account. */
export function periodKey(vendorCode: string, periodStart: IsoDate, periodEnd: IsoDate): string {
  return `${vendorCode}|${periodStart}|${periodEnd}`;
}
