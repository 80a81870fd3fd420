// Returns of an account: the stored periods of one vendor between two valuation dates (or over a
// standard span), linked by the return engine. The figures the CLI and the API show are these.
import {
  type AccountReturnReport,
  accountReturnReport,
  cumulativeSeries,
  periodReturn,
  type Span,
  spanRange,
  toPeriodInput,
} from '../calculate/index.ts';
import { findVendor } from '../config/vendor-config.ts';
import type { ReturnsReport, SeriesPoint } from '../contracts/returns.ts';
import type { IsoDate, ReturnBasis } from '../domain/canonical.ts';
import { InvalidInputError, NotFoundError } from '../domain/errors.ts';
import type { VendorConfig } from '../domain/vendor-config.ts';
import type { Database } from '../store/db/database.ts';
import { accountCoverage, type StoredPeriod, selectPeriods } from '../store/period-repository.ts';

export interface ReturnsDeps {
  database: Database;
  vendors: readonly VendorConfig[];
}

/** Either a range (`from`, `to`) or a span ending on `asOf` (default: the last valuation). */
export interface ReturnsRequest {
  accountId: string;
  from?: IsoDate;
  to?: IsoDate;
  span?: Span;
  asOf?: IsoDate;
  /** Whose periods to link when several vendors report the account. */
  vendorCode?: string;
  basis: ReturnBasis;
  daysInYear: 365 | 365.25;
  series: boolean;
}

export interface AccountReturns {
  vendorCode: string;
  report: AccountReturnReport;
  series: SeriesPoint[] | undefined;
}

export async function accountReturns(deps: ReturnsDeps, request: ReturnsRequest): Promise<AccountReturns> {
  const db = deps.database.db;
  const coverage = await accountCoverage(db, request.accountId);
  const vendorCode = chooseVendor(request, coverage);
  const covered = coverage.find((c) => c.vendor_code === vendorCode);
  const { from, to } = resolveRange(request, covered?.first_date ?? '', covered?.last_date ?? '');
  const stored = await selectPeriods(db, { vendorCode, accountId: request.accountId, from, to });
  const conventions = {
    basis: request.basis,
    largeFlowThreshold: findVendor(vendorCode, deps.vendors)?.largeFlowThreshold,
  };
  const periods = stored.map(toPeriodInput);
  const report = accountReturnReport(request.accountId, periods, from, to, {
    conventions,
    daysInYear: request.daysInYear,
  });
  const series = request.series
    ? withReported(
        periods.map((p) => periodReturn(p, conventions).value),
        stored,
      )
    : undefined;
  return { vendorCode, report, series };
}

/**
 * Our series over the stored periods beside the vendor's own: the returns it reported, linked the
 * same way (a period it reported no return for breaks its line there, never linked over), so an
 * analyst sees where the two diverge.
 */
function withReported(ours: readonly (number | null)[], stored: readonly StoredPeriod[]): SeriesPoint[] {
  const dated = (value: (period: StoredPeriod, index: number) => number | null) =>
    stored.map((period, index) => ({
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      value: value(period, index),
    }));
  const reported = cumulativeSeries(
    dated((period) => (period.vendorReturn === null ? null : Number(period.vendorReturn))),
  );
  return cumulativeSeries(dated((_, index) => ours[index] ?? null)).map((point, index) => ({
    ...point,
    vendorReturn: reported[index]?.periodReturn ?? null,
    vendorCumulativeReturn: reported[index]?.cumulativeReturn ?? null,
  }));
}

/** The public shape: the ten agreed keys in their order, then the series when asked for. */
export function returnsReport(result: AccountReturns): ReturnsReport {
  const { report, series } = result;
  const output: ReturnsReport = {
    account_id: report.account_id,
    from: report.from,
    to: report.to,
    cumulative_return: report.cumulative_return,
    annualized_return: report.annualized_return,
    periods: report.periods,
    days: report.days,
    gaps: report.gaps.map((gap) => ({ from: gap.from, to: gap.to })),
    warnings: report.warnings,
    undefined_reason: report.undefined_reason,
  };
  if (series !== undefined) output.series = series;
  return output;
}

function resolveRange(
  request: ReturnsRequest,
  inception: IsoDate,
  lastDate: IsoDate,
): { from: IsoDate; to: IsoDate } {
  if (request.span !== undefined) {
    if (request.from !== undefined || request.to !== undefined) {
      throw new InvalidInputError(
        '--span cannot be combined with --from/--to',
        'Use either --span [--as-of] or --from and --to.',
      );
    }
    return spanRange(request.span, request.asOf ?? lastDate, inception);
  }
  if (request.from === undefined || request.to === undefined) {
    throw new InvalidInputError(
      'give --from and --to, or --span',
      'e.g. --from 2023-12-31 --to 2024-12-31, or --span YTD.',
    );
  }
  if (request.to <= request.from)
    throw new InvalidInputError(`--to ${request.to} is not after --from ${request.from}`);
  return { from: request.from, to: request.to };
}

function chooseVendor(
  request: ReturnsRequest,
  coverage: { vendor_code: string; first_date: string; last_date: string }[],
): string {
  const account = request.accountId;
  if (coverage.length === 0) {
    throw new NotFoundError(
      `no periods are stored for account "${account}"`,
      'Check the account id, or ingest its files first.',
    );
  }
  if (request.vendorCode !== undefined) {
    if (!coverage.some((c) => c.vendor_code === request.vendorCode)) {
      throw new NotFoundError(
        `vendor "${request.vendorCode}" reports no periods for account "${account}"`,
        `Vendors reporting it: ${coverage.map((c) => c.vendor_code).join(', ')}.`,
      );
    }
    return request.vendorCode;
  }
  const only = coverage[0];
  if (coverage.length > 1 || only === undefined) {
    throw new InvalidInputError(
      `account "${account}" is reported by ${coverage.length} vendors`,
      `Choose one with --vendor: ${coverage.map((c) => `${c.vendor_code} (${c.first_date}..${c.last_date})`).join(', ')}.`,
    );
  }
  return only.vendor_code;
}
