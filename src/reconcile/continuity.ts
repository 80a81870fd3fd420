// Continuity within one vendor's series (SPEC §4): the end market value of a period is the
// begin market value of the next. A stretch between two periods that no period covers is
// missing data (see frequency.ts); two periods covering the same days overlap.
import type { IsoDate } from '../domain/canonical.ts';
import { compare, isZero, subtract } from '../domain/decimal.ts';
import type {
  AppliedTolerance,
  BreakExplanation,
  CheckResult,
  ReconPeriod,
} from '../domain/reconciliation.ts';
import { type Frequency, missingPeriods } from './frequency.ts';
import { withinMarketValueTolerance } from './tolerance.ts';

function lineage(period: ReconPeriod) {
  return {
    fileId: period.lineage.fileId,
    configVersion: period.lineage.configVersion,
    source: period.lineage.sourceLocation,
  };
}

/** What the difference between two valuations equals, where the neighbouring data says. */
export function explainDiscontinuity(
  previous: ReconPeriod,
  next: ReconPeriod,
  difference: string,
): BreakExplanation {
  const negated = difference.startsWith('-') ? difference.slice(1) : `-${difference}`;
  const matches = (amount: string | null) =>
    amount !== null &&
    !isZero(amount) &&
    (compare(amount, difference) === 0 || compare(amount, negated) === 0);
  const named: [BreakExplanation['cause'], string, string | null][] = [
    ['INCOME_AS_FLOW', `the income of ${previous.periodStart} → ${previous.periodEnd}`, previous.income],
    ['FEE_BASIS', `the fees of ${previous.periodStart} → ${previous.periodEnd}`, previous.fees],
    ['INCOME_AS_FLOW', `the income of ${next.periodStart} → ${next.periodEnd}`, next.income],
    ['FEE_BASIS', `the fees of ${next.periodStart} → ${next.periodEnd}`, next.fees],
    ...previous.flows
      .filter((flow) => flow.date === previous.periodEnd)
      .map((flow): [BreakExplanation['cause'], string, string | null] => [
        'FLOWS_DIFFER',
        `the flow of ${flow.amount} on ${flow.date} (${flow.timing})`,
        flow.amount,
      ]),
    ...next.flows.map((flow): [BreakExplanation['cause'], string, string | null] => [
      'FLOWS_DIFFER',
      `the flow of ${flow.amount} on ${flow.date}`,
      flow.amount,
    ]),
  ];
  const found = named.find(([, , amount]) => matches(amount));
  const files =
    previous.lineage.fileId === next.lineage.fileId
      ? `both from file ${previous.lineage.fileId}`
      : `from files ${previous.lineage.fileId} and ${next.lineage.fileId}`;
  if (found !== undefined) {
    return {
      cause: found[0],
      summary: `the difference of ${difference} equals ${found[1]}: the vendor books it between the two valuations (${files})`,
      recomputed: null,
      alsoFits: [],
      candidates: [],
      inferredFlow: null,
    };
  }
  return {
    cause: null,
    summary: `no income, fee or flow of the neighbouring periods accounts for the difference of ${difference}; one of the two valuations (${files}) is restated or wrong`,
    recomputed: null,
    alsoFits: [],
    candidates: [],
    inferredFlow: null,
  };
}

export interface SeriesScope {
  /** True for periods the run checks (ending within its range). */
  inScope(period: ReconPeriod): boolean;
  /** The date the run expects this vendor's data through, if it does. */
  expectThrough: IsoDate | null;
  tolerance(period: ReconPeriod): AppliedTolerance;
}

/**
 * Continuity, overlap and missing-period checks over one account's periods from one vendor,
 * sorted by start then end. A pair is checked when either of its periods is in scope; the
 * result belongs to the later period.
 */
export function checkSeries(
  periods: readonly ReconPeriod[],
  frequency: Frequency,
  scope: SeriesScope,
): CheckResult[] {
  const results: CheckResult[] = [];
  for (let index = 1; index < periods.length; index++) {
    const previous = periods[index - 1] as ReconPeriod;
    const next = periods[index] as ReconPeriod;
    if (!scope.inScope(previous) && !scope.inScope(next)) continue;
    const tolerance = scope.tolerance(next);
    const base = {
      accountId: next.accountId,
      vendorCode: next.vendorCode,
      counterparty: '',
      tolerance,
      varianceBps: null,
    };
    if (next.periodStart === previous.periodEnd) {
      const difference = subtract(next.beginMarketValue, previous.endMarketValue);
      const passed = withinMarketValueTolerance(difference, previous.endMarketValue, tolerance);
      results.push({
        ...base,
        kind: 'CONTINUITY',
        status: passed ? 'PASSED' : 'FAILED',
        periodStart: next.periodStart,
        periodEnd: next.periodEnd,
        expected: previous.endMarketValue,
        observed: next.beginMarketValue,
        varianceAmount: difference,
        message: passed
          ? `begin value ${next.beginMarketValue} continues the previous end value ${previous.endMarketValue}`
          : `begin value ${next.beginMarketValue} on ${next.periodStart} differs from the previous period's end value ${previous.endMarketValue} by ${difference}`,
        fileId: next.lineage.fileId,
        inputs: { previous: lineage(previous), next: lineage(next) },
        explanation: passed ? null : explainDiscontinuity(previous, next, difference),
      });
    } else if (next.periodStart < previous.periodEnd) {
      results.push({
        ...base,
        kind: 'CONTINUITY',
        status: 'FAILED',
        periodStart: next.periodStart,
        periodEnd: next.periodEnd,
        expected: null,
        observed: null,
        varianceAmount: null,
        message: `period ${next.periodStart} → ${next.periodEnd} overlaps ${previous.periodStart} → ${previous.periodEnd}; linking them would count days twice`,
        fileId: next.lineage.fileId,
        inputs: { previous: lineage(previous), next: lineage(next) },
        explanation: null,
      });
    } else {
      results.push(
        ...missing(
          previous,
          next.periodStart,
          true,
          frequency,
          tolerance,
          `the next period starts ${next.periodStart}`,
        ),
      );
    }
  }
  const last = periods.at(-1);
  if (last !== undefined && scope.expectThrough !== null && last.periodEnd < scope.expectThrough) {
    results.push(
      ...missing(
        last,
        scope.expectThrough,
        false,
        frequency,
        scope.tolerance(last),
        `data was expected through ${scope.expectThrough}`,
      ),
    );
  }
  return results;
}

function missing(
  previous: ReconPeriod,
  until: IsoDate,
  closedEnd: boolean,
  frequency: Frequency,
  tolerance: AppliedTolerance,
  why: string,
): CheckResult[] {
  const spans = missingPeriods(frequency, previous.periodEnd, until, closedEnd);
  return spans.map((span) => ({
    kind: 'MISSING_PERIOD',
    status: 'FAILED',
    accountId: previous.accountId,
    vendorCode: previous.vendorCode,
    counterparty: '',
    periodStart: span.periodStart,
    periodEnd: span.periodEnd,
    expected: null,
    observed: null,
    varianceBps: null,
    varianceAmount: null,
    tolerance,
    message: `no ${frequency} period ${span.periodStart} → ${span.periodEnd} from ${previous.vendorCode}: the last one before ends ${previous.periodEnd}, ${why}`,
    fileId: previous.lineage.fileId,
    inputs: { frequency, lastReported: { periodEnd: previous.periodEnd, ...lineage(previous) } },
    explanation: null,
  }));
}
