// The same account reported by two vendors (SPEC §4): market values at the valuation dates
// both report, and returns over the same spans. Each vendor's return is our calculated return
// on that vendor's data (the vendors' own figures are checked against ours one by one), so a
// difference here is a difference in the data. When the frequencies differ (daily vs
// monthly), the finer vendor's returns are linked geometrically over each coarser period they
// cover without a gap; a comparison is judged against the looser of the two tolerances.

import { linkReturns, periodReturn, toPeriodInput } from '../calculate/index.ts';
import type { IsoDate } from '../domain/canonical.ts';
import { dayNumber } from '../domain/civil-date.ts';
import { compare, subtract } from '../domain/decimal.ts';
import type {
  AppliedTolerance,
  BreakExplanation,
  CheckResult,
  ReconPeriod,
  VendorReconSettings,
} from '../domain/reconciliation.ts';
import { RETURN_EPSILON } from './precision.ts';
import { looser, withinMarketValueTolerance } from './tolerance.ts';

interface Valuation {
  date: IsoDate;
  value: string;
  period: ReconPeriod;
}

/** Each valuation date of a series with its value: the end value of the period ending there, else the begin value of the one starting there. */
function valuations(periods: readonly ReconPeriod[]): Map<IsoDate, Valuation> {
  const byDate = new Map<IsoDate, Valuation>();
  for (const period of periods) {
    if (!byDate.has(period.periodStart)) {
      byDate.set(period.periodStart, { date: period.periodStart, value: period.beginMarketValue, period });
    }
  }
  for (const period of periods) {
    byDate.set(period.periodEnd, { date: period.periodEnd, value: period.endMarketValue, period });
  }
  return byDate;
}

function medianLength(periods: readonly ReconPeriod[]): number {
  const lengths = periods.map((p) => dayNumber(p.periodEnd) - dayNumber(p.periodStart)).sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)] ?? 0;
}

export interface CrossVendorScope {
  /** True for valuation dates and periods ending within the run's range. */
  inRange(date: IsoDate): boolean;
  tolerance(vendorCode: string, asOf: IsoDate): AppliedTolerance;
  settings(vendorCode: string): VendorReconSettings;
}

function brief(period: ReconPeriod) {
  return {
    vendorCode: period.vendorCode,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    fileId: period.lineage.fileId,
    configVersion: period.lineage.configVersion,
    calculationVersion: period.lineage.calculationVersion,
  };
}

/**
 * Two vendors' returns are compared on one basis: net of fees, from the market values and flows
 * each reported. A vendor's own gross figures would otherwise break against another's net
 * figures on every day fees are charged.
 */
function netReturn(period: ReconPeriod, settings: VendorReconSettings): number | null {
  return periodReturn(toPeriodInput(period), {
    basis: 'net',
    largeFlowThreshold: settings.largeFlowThreshold,
  }).value;
}

/** Compare two vendors' series of one account. `a` and `b` are sorted by start then end. */
export function compareVendors(
  a: readonly ReconPeriod[],
  b: readonly ReconPeriod[],
  scope: CrossVendorScope,
): CheckResult[] {
  const first = a[0];
  const second = b[0];
  if (first === undefined || second === undefined) return [];
  // The coarser series anchors the comparison; on equal frequency, the first vendor by code.
  const aCoarser =
    medianLength(a) > medianLength(b) ||
    (medianLength(a) === medianLength(b) && first.vendorCode < second.vendorCode);
  const [coarse, fine] = aCoarser ? [a, b] : [b, a];
  const coarseVendor = (coarse[0] as ReconPeriod).vendorCode;
  const fineVendor = (fine[0] as ReconPeriod).vendorCode;
  const results: CheckResult[] = [];

  const coarseValues = valuations(coarse);
  const fineValues = valuations(fine);
  for (const [date, mine] of coarseValues) {
    const theirs = fineValues.get(date);
    if (theirs === undefined || !scope.inRange(date)) continue;
    const tolerance = looser(
      scope.tolerance(coarseVendor, date),
      scope.tolerance(fineVendor, date),
      mine.value,
    );
    const difference = subtract(theirs.value, mine.value);
    const passed = withinMarketValueTolerance(difference, mine.value, tolerance);
    results.push({
      kind: 'CROSS_VENDOR_MARKET_VALUE',
      status: passed ? 'PASSED' : 'FAILED',
      accountId: mine.period.accountId,
      vendorCode: coarseVendor,
      counterparty: fineVendor,
      periodStart: date,
      periodEnd: date,
      expected: mine.value,
      observed: theirs.value,
      varianceBps: null,
      varianceAmount: difference,
      tolerance,
      message: passed
        ? `${coarseVendor} and ${fineVendor} agree on the value on ${date}`
        : `${coarseVendor} values the account at ${mine.value} on ${date}, ${fineVendor} at ${theirs.value}: difference ${difference}`,
      fileId: mine.period.lineage.fileId,
      inputs: { [coarseVendor]: brief(mine.period), [fineVendor]: brief(theirs.period) },
      explanation: null,
    });
  }

  const coarseSettings = scope.settings(coarseVendor);
  const fineSettings = scope.settings(fineVendor);
  for (const period of coarse) {
    if (!scope.inRange(period.periodEnd)) continue;
    const ours = netReturn(period, coarseSettings);
    if (ours === null) continue;
    const covered = fine.filter(
      (p) => p.periodStart >= period.periodStart && p.periodEnd <= period.periodEnd,
    );
    if (covered.length === 0) continue;
    const linked = linkReturns(
      covered.map((p) => ({
        periodStart: p.periodStart,
        periodEnd: p.periodEnd,
        value: netReturn(p, fineSettings),
      })),
      period.periodStart,
      period.periodEnd,
    );
    // A gap or an undefined return is reported by the fine vendor's own checks; nothing to compare.
    if (linked.cumulativeReturn === null) continue;
    const tolerance = looser(
      scope.tolerance(coarseVendor, period.periodEnd),
      scope.tolerance(fineVendor, period.periodEnd),
      period.endMarketValue,
    );
    const variance = linked.cumulativeReturn - ours;
    const passed = Math.abs(variance) <= tolerance.returnBps * 1e-4 + RETURN_EPSILON;
    const varianceBps = Math.round(variance * 1e4 * 1e6) / 1e6;
    const how = covered.length === 1 ? 'return' : `${covered.length} periods linked`;
    results.push({
      kind: 'CROSS_VENDOR_RETURN',
      status: passed ? 'PASSED' : 'FAILED',
      accountId: period.accountId,
      vendorCode: coarseVendor,
      counterparty: fineVendor,
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      expected: String(ours),
      observed: String(linked.cumulativeReturn),
      varianceBps,
      varianceAmount: null,
      tolerance,
      message: passed
        ? `${fineVendor} (${how}) agrees with ${coarseVendor} within ${tolerance.returnBps} bp`
        : `${fineVendor} (${how}) ${linked.cumulativeReturn.toFixed(8)} vs ${coarseVendor} ${ours.toFixed(8)}: variance ${varianceBps} bp exceeds ${tolerance.returnBps} bp`,
      fileId: period.lineage.fileId,
      inputs: { [coarseVendor]: brief(period), [fineVendor]: covered.map(brief) },
      explanation: passed ? null : explainCrossVendor(period, ours, covered, tolerance, fineSettings),
    });
  }
  return results;
}

/**
 * Why two vendors' returns over a span differ: aggregated into one Modified Dietz period, the
 * finer vendor's data either reproduces the coarser figure (the difference is method: linked
 * time-weighted vs one Modified Dietz over the flows) or not, in which case the end or begin
 * values or the flows differ, and which.
 */
export function explainCrossVendor(
  coarse: ReconPeriod,
  /** The coarse vendor's period return, net of fees. */
  ours: number,
  fine: readonly ReconPeriod[],
  tolerance: AppliedTolerance,
  fineSettings: VendorReconSettings,
): BreakExplanation {
  const firstFine = fine[0] as ReconPeriod;
  const lastFine = fine.at(-1) as ReconPeriod;
  const fineInputs = fine.map(toPeriodInput);
  const fees = fine.some((p) => p.fees === null)
    ? null
    : fineInputs.reduce((sum, p) => sum + (p.fees ?? 0), 0);
  const aggregated = periodReturn(
    {
      periodStart: coarse.periodStart,
      periodEnd: coarse.periodEnd,
      beginMarketValue: Number(firstFine.beginMarketValue),
      endMarketValue: Number(lastFine.endMarketValue),
      flows: fineInputs.flatMap((p) => p.flows),
      fees,
    },
    { basis: 'net', largeFlowThreshold: fineSettings.largeFlowThreshold },
  ).value;
  const base = { recomputed: aggregated, alsoFits: [], candidates: [], inferredFlow: null };
  const sameValue = (x: string, y: string) => compare(x, y) === 0;
  if (aggregated !== null && Math.abs(aggregated - ours) <= tolerance.returnBps * 1e-4 + RETURN_EPSILON) {
    return {
      ...base,
      cause: 'METHOD_LINKED_VS_DIETZ',
      summary: `the data agree: ${fine[0]?.vendorCode}'s values and flows as one Modified Dietz period give ${aggregated.toFixed(8)} vs ${coarse.vendorCode} ${ours.toFixed(8)}; the difference is linking ${fine.length} periods vs one Modified Dietz over the flows`,
    };
  }
  const differences: string[] = [];
  if (!sameValue(lastFine.endMarketValue, coarse.endMarketValue)) {
    differences.push(
      `end value on ${coarse.periodEnd}: ${coarse.endMarketValue} vs ${lastFine.endMarketValue}`,
    );
  }
  if (!sameValue(firstFine.beginMarketValue, coarse.beginMarketValue)) {
    differences.push(
      `begin value on ${coarse.periodStart}: ${coarse.beginMarketValue} vs ${firstFine.beginMarketValue}`,
    );
  }
  const fineFlows = fine.flatMap((p) => p.flows).reduce((sum, flow) => sum + Number(flow.amount), 0);
  const coarseFlows = coarse.flows.reduce((sum, flow) => sum + Number(flow.amount), 0);
  const flowsDiffer = Math.abs(fineFlows - coarseFlows) > 0.005;
  if (flowsDiffer) differences.push(`net flows: ${coarseFlows.toFixed(2)} vs ${fineFlows.toFixed(2)}`);
  const cause =
    differences.length === 0 || (flowsDiffer && differences.length === 1)
      ? 'FLOWS_DIFFER'
      : 'MARKET_VALUE_DIFFERS';
  return {
    ...base,
    cause,
    summary:
      differences.length === 0
        ? `values and net flows agree; the flows' dates or timing differ (${fine[0]?.vendorCode} as one Modified Dietz period gives ${aggregated === null ? 'undefined' : aggregated.toFixed(8)})`
        : `${coarse.vendorCode} vs ${fine[0]?.vendorCode} — ${differences.join('; ')}`,
  };
}
