// What reconciliation reads and what it decides. Pure data: no database, HTTP or clock.
import type { CanonicalPeriod, DecimalString, FlowTiming, IsoDate, VendorFlowTiming } from './canonical.ts';
import type { SourceLocation } from './errors.ts';

/** The checks of SPEC §4 and issue 6. */
export type CheckKind =
  | 'RETURN'
  | 'CONTINUITY'
  | 'MISSING_PERIOD'
  | 'CROSS_VENDOR_RETURN'
  | 'CROSS_VENDOR_MARKET_VALUE';

export const CHECK_KINDS: readonly CheckKind[] = [
  'RETURN',
  'CONTINUITY',
  'MISSING_PERIOD',
  'CROSS_VENDOR_RETURN',
  'CROSS_VENDOR_MARKET_VALUE',
];

export type CheckStatus = 'PASSED' | 'FAILED';

/** Where a stored figure came from (SPEC §2 lineage). */
export interface PeriodLineage {
  fileId: number;
  configVersion: string;
  calculationVersion: string | null;
  sourceLocation: SourceLocation | null;
}

/** A stored performance period as reconciliation sees it. Amounts stay decimal strings. */
export interface ReconPeriod extends CanonicalPeriod {
  vendorCode: string;
  /** Our return as stored by the calculate step; null when undefined (see the reason). */
  calculatedReturn: DecimalString | null;
  returnUndefinedReason: string | null;
  lineage: PeriodLineage;
}

/** What reconciliation needs to know about a vendor (from its configuration). */
export interface VendorReconSettings {
  flowTiming: VendorFlowTiming;
  largeFlowThreshold: number;
  reportedPrecision: ReportedPrecision | null;
  /** Accounts printed with another precision than the vendor's (they win over everything). */
  accountPrecision?: Readonly<Record<string, ReportedPrecision>>;
  /** The precision of the vendor_return field of the file layout a figure came from, if set. */
  fieldPrecision?: (location: SourceLocation | null) => ReportedPrecision | undefined;
  tolerances: VendorToleranceDefaults;
}

export interface ReportedPrecision {
  decimals: number;
  unit: 'fraction' | 'percent' | 'bps';
}

export interface VendorToleranceDefaults {
  returnBps?: number;
  marketValueAbs?: DecimalString;
  marketValueRel?: number;
}

export const DEFAULT_VENDOR_SETTINGS: VendorReconSettings = {
  flowTiming: 'end_of_day',
  largeFlowThreshold: 0.1,
  reportedPrecision: null,
  tolerances: {},
};

export type ToleranceSource =
  | 'account+vendor'
  | 'account'
  | 'vendor'
  | 'vendor-config'
  | 'global'
  | 'default';

/** The tolerance a check was judged against, and where each part came from. */
export interface AppliedTolerance {
  returnBps: number;
  returnSource: ToleranceSource;
  marketValueAbs: DecimalString | null;
  marketValueRel: number | null;
  marketValueSource: ToleranceSource;
  /** Half a unit of the vendor's last reported digit, in bps (return checks only). */
  roundingBps?: number;
  /** How the vendor's precision was known. */
  roundingSource?: 'configured' | 'inferred';
}

export type BreakCause =
  | 'VENDOR_ROUNDING'
  | 'VENDOR_TRUNCATION'
  | 'FLOW_TIMING_START_OF_DAY'
  | 'FLOW_TIMING_END_OF_DAY'
  | 'FLOW_TIMING_MIXED'
  | 'FEE_BASIS'
  | 'BEGIN_VALUE_DISCONTINUITY'
  | 'END_VALUE_DISCONTINUITY'
  | 'INCOME_AS_FLOW'
  | 'FLOW_NOT_COUNTED'
  | 'SIMPLE_DIETZ_WEIGHTING'
  | 'ANNUALIZED_365'
  | 'ANNUALIZED_365_25'
  | 'PERCENT_FOR_FRACTION'
  | 'MISSING_FLOW'
  | 'METHOD_LINKED_VS_DIETZ'
  | 'MARKET_VALUE_DIFFERS'
  | 'FLOWS_DIFFER'
  /** Two vendors count the same flows at another time of day (their conventions differ). */
  | 'FLOW_TIMING_DIFFERS'
  | 'CALCULATION_UNDEFINED';

/** One alternative the explanation engine tried. */
export interface ExplanationCandidate {
  cause: BreakCause;
  /** What the alternative assumes, in an operator's words. */
  assumption: string;
  /** The return recomputed under it; null when it has no return (e.g. undefined). */
  recomputed: number | null;
  /** (vendor - recomputed) in bps. */
  residualBps: number | null;
  fits: boolean;
}

export interface InferredFlow {
  /** The single extra flow at the end of the period that makes the vendor's return true. */
  atPeriodEnd: number | null;
  /** The same flow at the start of the period (weight 1). */
  atPeriodStart: number | null;
  /** A round amount on a date that makes the vendor's number true, when exactly one date fits. */
  likely: { date: IsoDate; timing: FlowTiming; amount: number } | null;
  /**
   * On how many dates and timings (of different weight) a round amount makes the vendor's number
   * true at its precision: more than one means the evidence is ambiguous and no flow is named.
   */
  roundFlowsThatFit: number;
}

export interface BreakExplanation {
  /** The most likely cause, or null when none fits. */
  cause: BreakCause | null;
  /** One sentence: the cause with the recomputed figure, or that none fits. */
  summary: string;
  recomputed: number | null;
  /** Other causes that fit equally (the data cannot tell them apart). */
  alsoFits: BreakCause[];
  candidates: ExplanationCandidate[];
  inferredFlow: InferredFlow | null;
}

/** The outcome of one check on one account, vendor and period. */
export interface CheckResult {
  kind: CheckKind;
  status: CheckStatus;
  accountId: string;
  vendorCode: string;
  /** The other vendor of a cross-vendor check; '' otherwise. */
  counterparty: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  /** Our figure (return or value), as text; null when there is none. */
  expected: string | null;
  /** The figure compared with it (the vendor's return, the next BMV, the other vendor's). */
  observed: string | null;
  /** (observed - expected) in basis points, for return checks. */
  varianceBps: number | null;
  /** observed - expected in currency units, for market-value checks. */
  varianceAmount: string | null;
  tolerance: AppliedTolerance;
  message: string;
  /** The file the checked figures came from (the later period's, the coarser vendor's). */
  fileId: number | null;
  /** The inputs the result was computed from (lineage). */
  inputs: Record<string, unknown>;
  explanation: BreakExplanation | null;
}

/** A result's identity across runs: the same key in two runs is the same check. */
export function checkKey(
  result: Pick<CheckResult, 'kind' | 'vendorCode' | 'counterparty' | 'periodStart' | 'periodEnd'>,
) {
  return `${result.kind}|${result.vendorCode}|${result.counterparty}|${result.periodStart}|${result.periodEnd}`;
}

/** The life of a break: open → acknowledged → (pending approval) → resolved, or cleared by a run. */
export type BreakStatus = 'OPEN' | 'ACKNOWLEDGED' | 'PENDING_APPROVAL' | 'RESOLVED' | 'CLEARED';

export const BREAK_STATUSES: readonly BreakStatus[] = [
  'OPEN',
  'ACKNOWLEDGED',
  'PENDING_APPROVAL',
  'RESOLVED',
  'CLEARED',
];

/** Statuses of a break someone still has to deal with. */
export const ACTIVE_STATUSES: readonly BreakStatus[] = ['OPEN', 'ACKNOWLEDGED', 'PENDING_APPROVAL'];

/** A stored break as the run's sync sees it. */
export interface KnownBreak {
  id: number;
  accountId: string;
  key: string;
  status: BreakStatus;
  fingerprint: string;
  kind: CheckResult['kind'];
  vendorCode: string;
  counterparty: string;
  periodStart: string;
  periodEnd: string;
}

/** What identifies the figures a break was raised on: the same figures again are the same break. */
export function breakFingerprint(result: CheckResult): string {
  return JSON.stringify([result.expected, result.observed, result.varianceAmount]);
}

export interface BreakSyncPlan {
  /** Failures with no break yet: open one each. */
  open: CheckResult[];
  /** Failures of a break already known: record that this run saw it again. */
  seen: { id: number; accountId: string; result: CheckResult }[];
  /** Known breaks this run found passing (or no longer failing): record the clearing. */
  clear: KnownBreak[];
}

/** A stored tolerance rule (account and vendor may be `*`); null fields fall through to the next level. */
export interface ToleranceRule {
  accountId: string;
  vendorCode: string;
  effectiveFrom: IsoDate;
  /** Last valuation date the rule applies to; null = open-ended. */
  effectiveTo: IsoDate | null;
  returnBps: number | null;
  marketValueAbs: DecimalString | null;
  marketValueRel: number | null;
}

/** Orders a list of breaks can be sorted in. */
export const BREAK_SORTS = ['openedAt', 'periodEnd', 'varianceBps', 'accountId'] as const;
export type BreakSort = (typeof BREAK_SORTS)[number];
