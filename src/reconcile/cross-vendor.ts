// The same account reported by two vendors (SPEC §4): market values at the valuation dates
// both report, and returns over the same spans. Each vendor's return is our calculated return
// on that vendor's data (the vendors' own figures are checked against ours one by one), so a
// difference here should be a difference in the data. When the frequencies differ (daily vs
// monthly), linking the finer vendor's returns differs from one Modified Dietz over the coarser
// period by method alone; so the finer vendor's stored values and flows are recomputed with the
// coarser vendor's method over its period and compared like with like (compareReturns). A
// comparison is judged against the looser of the two tolerances.

import { linkReturns, type PeriodInput, periodReturn, toPeriodInput } from '../calculate/index.ts';
import { flowTimingFor, type IsoDate, type VendorFlowTiming } from '../domain/canonical.ts';
import { dayNumber } from '../domain/civil-date.ts';
import { compare, subtract } from '../domain/decimal.ts';
import type {
  AppliedTolerance,
  BreakExplanation,
  CheckResult,
  ExplanationCandidate,
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
    ).cumulativeReturn;
    // A gap or an undefined return is reported by the fine vendor's own checks; nothing to compare.
    if (linked === null) continue;
    const tolerance = looser(
      scope.tolerance(coarseVendor, period.periodEnd),
      scope.tolerance(fineVendor, period.periodEnd),
      period.endMarketValue,
    );
    results.push(
      compareReturns({
        coarse: period,
        ours,
        fine: covered,
        linked,
        tolerance,
        coarseSettings,
        fineSettings,
      }),
    );
  }
  return results;
}

interface ReturnPair {
  coarse: ReconPeriod;
  /** The coarse vendor's period return (ours on its data), net of fees. */
  ours: number;
  /** The fine vendor's periods covering the coarse one without a gap. */
  fine: readonly ReconPeriod[];
  /** The fine vendor's returns linked geometrically over the coarse period. */
  linked: number;
  tolerance: AppliedTolerance;
  coarseSettings: VendorReconSettings;
  fineSettings: VendorReconSettings;
}

/**
 * The fine vendor's periods as one period of the coarse vendor's (first begin value, last end
 * value, every flow, the fees summed), with each flow counted at the time of day the coarse
 * vendor counts it: its own flow of that date and amount, else its convention.
 */
function asOnePeriod(
  coarse: ReconPeriod,
  fine: readonly ReconPeriod[],
  timing: 'as-reported' | 'coarse',
  coarseSettings: VendorReconSettings,
): PeriodInput {
  const inputs = fine.map(toPeriodInput);
  const coarseFlows = toPeriodInput(coarse).flows;
  return {
    periodStart: coarse.periodStart,
    periodEnd: coarse.periodEnd,
    beginMarketValue: inputs[0]?.beginMarketValue ?? 0,
    endMarketValue: inputs.at(-1)?.endMarketValue ?? 0,
    flows: inputs.flatMap((p) =>
      p.flows.map((flow) =>
        timing === 'as-reported'
          ? flow
          : {
              ...flow,
              timing:
                coarseFlows.find((c) => c.date === flow.date && c.amount === flow.amount)?.timing ??
                flowTimingFor(coarseSettings.flowTiming, flow.amount),
            },
      ),
    ),
    fees: fine.some((p) => p.fees === null) ? null : inputs.reduce((sum, p) => sum + (p.fees ?? 0), 0),
  };
}

function dietz(input: PeriodInput, settings: VendorReconSettings): number | null {
  return periodReturn(input, { basis: 'net', largeFlowThreshold: settings.largeFlowThreshold }).value;
}

const TIMING_WORDS: Record<VendorFlowTiming, string> = {
  end_of_day: 'end of day',
  start_of_day: 'start of day',
  mixed: 'start of day when contributed, end of day when withdrawn',
};

/**
 * Two vendors' returns over the coarse period, like with like (issue 10, item 33): the fine
 * vendor's stored values and flows recomputed with the coarse vendor's method — one Modified
 * Dietz period, flows counted at the coarse vendor's time of day — against the coarse figure.
 * Only a difference of data breaks. A difference that linking the fine periods, or the fine
 * vendor's flow timing, makes on its own is kept as information on a passing result: its
 * explanation names it and lists the linked and the as-reported figures beside ours.
 */
function compareReturns(pair: ReturnPair): CheckResult {
  const { coarse, ours, fine, linked, tolerance, coarseSettings, fineSettings } = pair;
  const coarseVendor = coarse.vendorCode;
  const fineVendor = (fine[0] as ReconPeriod).vendorCode;
  const allowed = tolerance.returnBps * 1e-4 + RETURN_EPSILON;
  const asReported = dietz(asOnePeriod(coarse, fine, 'as-reported', coarseSettings), coarseSettings);
  const retimed = dietz(asOnePeriod(coarse, fine, 'coarse', coarseSettings), coarseSettings);
  // Without a Modified Dietz figure of the fine data (its denominator is not positive), the linked one is all there is.
  const observed = retimed ?? linked;
  const variance = observed - ours;
  const passed = Math.abs(variance) <= allowed;
  const varianceBps = bps(variance);
  const how = fine.length === 1 ? 'return' : `${fine.length} periods linked`;
  const candidates: ExplanationCandidate[] = [
    {
      cause: 'METHOD_LINKED_VS_DIETZ',
      assumption: `${fineVendor}'s ${how}, as ${fineVendor} computes them`,
      recomputed: linked,
      residualBps: bps(linked - ours),
      fits: Math.abs(linked - ours) <= allowed,
    },
  ];
  const timingMatters =
    asReported !== null && retimed !== null && Math.abs(asReported - retimed) > RETURN_EPSILON;
  if (timingMatters) {
    candidates.push({
      cause: 'FLOW_TIMING_DIFFERS',
      assumption: `${fineVendor}'s values and flows as one Modified Dietz period, flows at ${fineVendor}'s time of day`,
      recomputed: asReported,
      residualBps: bps(asReported - ours),
      fits: Math.abs(asReported - ours) <= allowed,
    });
  }
  const figures = `${fineVendor} ${how} ${linked.toFixed(8)}, its values and flows as one Modified Dietz period ${observed.toFixed(8)}, ${coarseVendor} ${ours.toFixed(8)}`;
  const base = {
    accountId: coarse.accountId,
    vendorCode: coarseVendor,
    counterparty: fineVendor,
    periodStart: coarse.periodStart,
    periodEnd: coarse.periodEnd,
    expected: String(ours),
    observed: String(observed),
    varianceBps,
    varianceAmount: null,
    tolerance,
    fileId: coarse.lineage.fileId,
    inputs: { [coarseVendor]: brief(coarse), [fineVendor]: fine.map(brief) },
  };
  if (!passed) {
    return {
      ...base,
      kind: 'CROSS_VENDOR_RETURN',
      status: 'FAILED',
      message: `${fineVendor} ${observed.toFixed(8)} vs ${coarseVendor} ${ours.toFixed(8)} on the same method: variance ${varianceBps} bp exceeds ${tolerance.returnBps} bp (${figures})`,
      explanation: explainDataDifference(coarse, fine, { recomputed: observed, candidates }),
    };
  }
  const noted = candidates.filter((c) => !c.fits);
  const cause = noted.some((c) => c.cause === 'FLOW_TIMING_DIFFERS')
    ? 'FLOW_TIMING_DIFFERS'
    : 'METHOD_LINKED_VS_DIETZ';
  const timingNote =
    cause === 'FLOW_TIMING_DIFFERS'
      ? `; ${fineVendor} counts the same flows at ${TIMING_WORDS[fineSettings.flowTiming]}, ${coarseVendor} at ${TIMING_WORDS[coarseSettings.flowTiming]}: ${fineVendor}'s timing gives ${(asReported as number).toFixed(8)}`
      : '';
  return {
    ...base,
    kind: 'CROSS_VENDOR_RETURN',
    status: 'PASSED',
    message: `${fineVendor} agrees with ${coarseVendor} within ${tolerance.returnBps} bp on the same method (${figures})`,
    explanation:
      noted.length === 0
        ? null
        : {
            cause,
            summary: `the data agree, the methods differ (information, not a break): ${figures}${timingNote}`,
            recomputed: observed,
            alsoFits: [],
            candidates,
            inferredFlow: null,
          },
  };
}

function bps(fraction: number): number {
  return Math.round(fraction * 1e4 * 1e6) / 1e6;
}

function flowList(flows: readonly { date: IsoDate; amount: string }[]): string {
  return flows
    .map((f) => `${f.date} ${f.amount}`)
    .sort()
    .join(', ');
}

/**
 * Why two vendors' figures differ on the same method: the end or begin values, the flows'
 * amounts or dates, the flows' time of day (where the coarse vendor's own flows say otherwise
 * than its convention), or the fees — which of them, with both sides.
 */
function explainDataDifference(
  coarse: ReconPeriod,
  fine: readonly ReconPeriod[],
  figures: { recomputed: number; candidates: ExplanationCandidate[] },
): BreakExplanation {
  const firstFine = fine[0] as ReconPeriod;
  const lastFine = fine.at(-1) as ReconPeriod;
  const fineVendor = firstFine.vendorCode;
  const sameValue = (x: string, y: string) => compare(x, y) === 0;
  const values: string[] = [];
  if (!sameValue(lastFine.endMarketValue, coarse.endMarketValue)) {
    values.push(`end value on ${coarse.periodEnd}: ${coarse.endMarketValue} vs ${lastFine.endMarketValue}`);
  }
  if (!sameValue(firstFine.beginMarketValue, coarse.beginMarketValue)) {
    values.push(
      `begin value on ${coarse.periodStart}: ${coarse.beginMarketValue} vs ${firstFine.beginMarketValue}`,
    );
  }
  const fineFlows = fine.flatMap((p) => p.flows);
  const total = (flows: readonly { amount: string }[]) => flows.reduce((sum, f) => sum + Number(f.amount), 0);
  const flows: string[] = [];
  if (Math.abs(total(fineFlows) - total(coarse.flows)) > 0.005) {
    flows.push(`net flows: ${total(coarse.flows).toFixed(2)} vs ${total(fineFlows).toFixed(2)}`);
  } else if (flowList(fineFlows) !== flowList(coarse.flows)) {
    flows.push(`flow dates: ${flowList(coarse.flows) || 'none'} vs ${flowList(fineFlows) || 'none'}`);
  }
  const timings = (list: readonly { date: IsoDate; amount: string; timing: string }[]) =>
    list
      .map((f) => `${f.date} ${f.amount} ${f.timing}`)
      .sort()
      .join(', ');
  const timingDiffers = flows.length === 0 && timings(fineFlows) !== timings(coarse.flows);
  const fees = (p: ReconPeriod) => (p.fees === null ? 0 : Number(p.fees));
  const feesDiffer = Math.abs(fine.reduce((sum, p) => sum + fees(p), 0) - fees(coarse)) > 0.005;
  const differences = [
    ...values,
    ...flows,
    ...(timingDiffers ? [`flow timing: ${timings(coarse.flows)} vs ${timings(fineFlows)}`] : []),
    ...(feesDiffer
      ? [`fees: ${fees(coarse).toFixed(2)} vs ${fine.reduce((sum, p) => sum + fees(p), 0).toFixed(2)}`]
      : []),
  ];
  const cause =
    values.length > 0
      ? 'MARKET_VALUE_DIFFERS'
      : flows.length > 0
        ? 'FLOWS_DIFFER'
        : timingDiffers
          ? 'FLOW_TIMING_DIFFERS'
          : null;
  return {
    cause,
    summary:
      differences.length === 0
        ? `values, flows and fees agree, yet ${fineVendor} as one Modified Dietz period gives ${figures.recomputed.toFixed(8)}: no data difference explains it`
        : `${coarse.vendorCode} vs ${fineVendor} — ${differences.join('; ')}`,
    recomputed: figures.recomputed,
    alsoFits: [],
    candidates: figures.candidates,
    inferredFlow: null,
  };
}
