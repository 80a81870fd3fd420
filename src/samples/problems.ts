// Problems injected into sample vendor files, and the manifest entry that records each one, so
// tests and reconciliation can check that every problem is caught where it was put.
//
// With a problem rate p, each period a vendor reports carries a problem with probability p,
// one of four kinds drawn evenly: a bad row (a number that does not parse, a missing account
// id, an end date before the start date), a return off by a few basis points, a return
// computed with flows at start of day, a missing period. A flow-timing problem needs a period
// with a flow; drawn for one without, it waits for the next period that has one.
import type { SourceLocation } from '../domain/errors.ts';
import { seededRandom } from './truth.ts';

export type BadRowKind = 'unparseable_number' | 'missing_account_id' | 'missing_value' | 'end_before_start';

export type ProblemKind = BadRowKind | 'return_off' | 'flow_timing' | 'missing_period';

export interface InjectedProblem {
  kind: ProblemKind;
  /** A bad row is quarantined; the other kinds are stored and left to reconciliation. */
  category: 'bad_row' | 'return_off' | 'flow_timing' | 'missing_period';
  vendor: string;
  file: string;
  accountId: string;
  periodStart: string;
  periodEnd: string;
  /** Where the row is (for a missing period: where it would have been). */
  location: SourceLocation;
  /** The column or JSON path of the bad value, when there is one. */
  column?: string;
  /** The bad value as written. */
  value?: string;
  /** Every row ingest must quarantine because of this problem (a bad period's dated flows too). */
  quarantined?: SourceLocation[];
  /** The return as printed, and as it should have been, in the vendor's unit and precision. */
  reportedReturn?: string | null;
  correctReturn?: string | null;
  offsetBps?: number;
  description: string;
}

export interface ProblemChoice {
  kind: ProblemKind;
  /** For return_off: the offset in basis points (±2..±5). */
  offsetBps: number;
  /** A draw in [0, 1) for the writer's own choices (which column, which spelling). */
  variant: number;
}

export interface ProblemPlanOptions {
  rate: number;
  seed: number;
  /** The bad-row kinds this layout can have (a JSON account id sits above the records). */
  badRows: readonly BadRowKind[];
}

export class ProblemPlanner {
  private readonly options: ProblemPlanOptions;
  private readonly random: () => number;
  private pendingTiming = 0;

  constructor(options: ProblemPlanOptions) {
    this.options = options;
    // A stream of its own: the problems never change the truth.
    this.random = seededRandom((options.seed ^ 0x5eed_ba5e) >>> 0);
  }

  /** The problem for the next period, or null. Called once per period, in file order. */
  next(hasFlows: boolean): ProblemChoice | null {
    if (this.options.rate <= 0) return null;
    const draw = this.random();
    const variant = this.random();
    const sign = this.random() < 0.5 ? -1 : 1;
    const offsetBps = sign * (2 + Math.floor(this.random() * 4));
    if (hasFlows && this.pendingTiming > 0) {
      this.pendingTiming--;
      return { kind: 'flow_timing', offsetBps, variant };
    }
    if (draw >= this.options.rate) return null;
    const category = Math.floor((draw / this.options.rate) * 4);
    switch (category) {
      case 0: {
        const kinds = this.options.badRows;
        return {
          kind: kinds[Math.floor(variant * kinds.length)] ?? 'unparseable_number',
          offsetBps,
          variant,
        };
      }
      case 1:
        return { kind: 'return_off', offsetBps, variant };
      case 2:
        if (hasFlows) return { kind: 'flow_timing', offsetBps, variant };
        this.pendingTiming++;
        return null;
      default:
        return { kind: 'missing_period', offsetBps, variant };
    }
  }
}

export const isBadRow = (kind: ProblemKind): kind is BadRowKind =>
  kind === 'unparseable_number' ||
  kind === 'missing_account_id' ||
  kind === 'missing_value' ||
  kind === 'end_before_start';

export function categoryOf(kind: ProblemKind): InjectedProblem['category'] {
  return isBadRow(kind) ? 'bad_row' : (kind as InjectedProblem['category']);
}

/** Moves a printed return by a number of basis points, keeping its decimals. */
export function shiftReturn(
  printed: string,
  offsetBps: number,
  unit: 'percent' | 'fraction',
  decimals: number,
): string {
  const step = unit === 'percent' ? offsetBps / 100 : offsetBps / 10_000;
  const moved = (Number(printed) + step).toFixed(decimals);
  return /^-0\.?0*$/.test(moved) ? moved.slice(1) : moved;
}
