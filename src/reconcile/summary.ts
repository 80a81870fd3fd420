// A run's summary (SPEC §1.8): counts, pass rate, the worst breaks, per vendor and per check.
import type { CheckKind, CheckResult } from '../domain/reconciliation.ts';

export interface Counts {
  checked: number;
  passed: number;
  failed: number;
  /** passed / checked, or null when nothing was checked. */
  passRate: number | null;
}

export interface WorstBreak {
  accountId: string;
  vendorCode: string;
  counterparty: string;
  kind: CheckKind;
  periodStart: string;
  periodEnd: string;
  varianceBps: number | null;
  varianceAmount: string | null;
  cause: string | null;
  message: string;
}

export interface RunSummary extends Counts {
  accounts: number;
  perVendor: Record<string, Counts>;
  perCheck: Partial<Record<CheckKind, Counts>>;
  /** Passes that carry information: two vendors whose figures differ by method or flow timing alone. */
  notes: number;
  worstBreaks: WorstBreak[];
}

function empty(): Counts {
  return { checked: 0, passed: 0, failed: 0, passRate: null };
}

function counter<K>(map: Map<K, Counts>, key: K): Counts {
  let counts = map.get(key);
  if (counts === undefined) {
    counts = empty();
    map.set(key, counts);
  }
  return counts;
}

function count(counts: Counts, result: CheckResult) {
  counts.checked++;
  if (result.status === 'PASSED') counts.passed++;
  else counts.failed++;
}

function finish(counts: Counts): Counts {
  counts.passRate = counts.checked === 0 ? null : Math.round((counts.passed / counts.checked) * 1e6) / 1e6;
  return counts;
}

/** How bad a break is, to rank them: return variance in bps, value differences by their relative size. */
function severity(result: CheckResult): number {
  if (result.varianceBps !== null) return Math.abs(result.varianceBps);
  if (result.varianceAmount !== null && result.expected !== null) {
    const base = Math.abs(Number(result.expected));
    return base === 0 ? Number.POSITIVE_INFINITY : (Math.abs(Number(result.varianceAmount)) / base) * 1e4;
  }
  return Number.POSITIVE_INFINITY;
}

/** Accumulates a run's results batch by batch, keeping only the worst breaks. */
export class SummaryBuilder {
  private readonly total = empty();
  private readonly perVendor = new Map<string, Counts>();
  private readonly perCheck = new Map<CheckKind, Counts>();
  private readonly accounts = new Set<string>();
  private notes = 0;
  private worst: { score: number; result: CheckResult }[] = [];
  private readonly keep: number;

  constructor(keep = 10) {
    this.keep = keep;
  }

  add(results: readonly CheckResult[]): void {
    for (const result of results) {
      this.accounts.add(result.accountId);
      count(this.total, result);
      for (const vendor of result.counterparty === ''
        ? [result.vendorCode]
        : [result.vendorCode, result.counterparty]) {
        count(counter(this.perVendor, vendor), result);
      }
      count(counter(this.perCheck, result.kind), result);
      if (result.status === 'FAILED') this.worst.push({ score: severity(result), result });
      else if (result.explanation !== null) this.notes++;
    }
    if (this.worst.length > this.keep * 4) this.trim();
  }

  /** Checks that passed without being materialised (decided set-based): counted, not kept. */
  addPassed(accountId: string, vendorCode: string, kind: CheckKind, checks: number): void {
    if (checks === 0) return;
    this.accounts.add(accountId);
    for (const counts of [this.total, counter(this.perVendor, vendorCode), counter(this.perCheck, kind)]) {
      counts.checked += checks;
      counts.passed += checks;
    }
  }

  private trim() {
    this.worst.sort((a, b) => b.score - a.score);
    this.worst.length = Math.min(this.worst.length, this.keep);
  }

  build(): RunSummary {
    this.trim();
    return {
      ...finish({ ...this.total }),
      accounts: this.accounts.size,
      perVendor: Object.fromEntries(
        [...this.perVendor.entries()].sort().map(([k, v]) => [k, finish({ ...v })]),
      ),
      perCheck: Object.fromEntries([...this.perCheck.entries()].map(([k, v]) => [k, finish({ ...v })])),
      notes: this.notes,
      worstBreaks: this.worst.map(({ result }) => ({
        accountId: result.accountId,
        vendorCode: result.vendorCode,
        counterparty: result.counterparty,
        kind: result.kind,
        periodStart: result.periodStart,
        periodEnd: result.periodEnd,
        varianceBps: result.varianceBps,
        varianceAmount: result.varianceAmount,
        cause: result.explanation?.cause ?? null,
        message: result.message,
      })),
    };
  }
}
