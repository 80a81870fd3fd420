// One raw record (values keyed by source header or JSON path) -> a canonical period, or a
// quarantined row listing every problem found (not only the first), each with its field,
// column and value. A point of a time series maps the same way, without the period's start and
// begin value (those come from the previous point, map/points.ts). Pure: no I/O.

import type { CanonicalPeriod, ReturnBasis } from '../domain/canonical.ts';
import type { MappedRow, RawRecord, ReadRecord } from '../domain/read-row.ts';
import type { CanonicalField, VendorConfig, VendorFormat, VendorSource } from '../domain/vendor-config.ts';
import { isIsoCurrency } from './currency.ts';
import { identifierProblem, shortened } from './identifier.ts';
import { isEmpty } from './lookup.ts';
import { ownWord } from './own-word.ts';
import { mapFlows } from './record-flows.ts';
import { RowContext } from './row-context.ts';

const BASIS_WORDS = new Map<string, ReturnBasis>([
  ['gross', 'gross'],
  ['net', 'net'],
  ['g', 'gross'],
  ['n', 'net'],
]);

/** The return basis a vendor's word means (`G`, `net`), if it is one of ours. */
export const basisOfWord = (word: string): ReturnBasis | undefined =>
  BASIS_WORDS.get(word.trim().toLowerCase());

/** The source that produced a record: its location says which format it came from. */
export function sourceForRecord(raw: RawRecord, vendor: VendorConfig): VendorSource {
  const format: VendorFormat =
    raw.location.jsonPath !== undefined ? 'json' : raw.location.sheet !== undefined ? 'xlsx' : 'csv';
  const source = vendor.sources.find((s) => s.format === format) ?? vendor.sources[0];
  if (!source) throw new Error(`vendor ${vendor.code} has no sources`);
  return source;
}

type PointRecord = Omit<CanonicalPeriod, 'periodStart' | 'beginMarketValue'>;

/** A mapped point of a time series: a period without its start and begin value. */
export type MappedPoint =
  | (Omit<Extract<MappedRow, { ok: true }>, 'record'> & { record: PointRecord })
  | (Extract<MappedRow, { ok: false }> & { accountId?: string });

function mapCommon(ctx: RowContext, start: () => string | undefined, point: boolean) {
  const identifier = (field: CanonicalField): string | undefined => {
    const found = ctx.required(field);
    if (!found) return undefined;
    const value = String(found.value);
    const invalid = identifierProblem(field, value);
    if (invalid === undefined) return value.trim();
    ctx.problem(field, { ...found, value: shortened(value) }, invalid);
    return undefined;
  };
  const { fields } = ctx.source;
  const accountId = identifier('account_id');
  const periodStart = start();
  const periodEnd = ctx.date('period_end', fields.period_end, ctx.required('period_end'));
  if (periodStart !== undefined && periodEnd !== undefined && periodEnd <= periodStart) {
    ctx.problems.push({
      field: 'period_end',
      column: ctx.fieldSources.period_end,
      value: periodEnd,
      reason: `period_end ${periodEnd} is not after period_start ${periodStart}`,
    });
  }

  const currencyFound = ctx.required('currency');
  let currency: string | undefined;
  if (currencyFound) {
    const code = String(currencyFound.value).trim().toUpperCase();
    if (isIsoCurrency(code)) currency = code;
    else
      ctx.problem(
        'currency',
        currencyFound,
        `"${String(currencyFound.value)}" is not an ISO 4217 currency code`,
      );
  }

  const amount = (field: CanonicalField, required: boolean) =>
    ctx.decimal(field, fields[field], required ? ctx.required(field) : ctx.get(field));
  const beginMarketValue = point ? undefined : amount('begin_market_value', true);
  const endMarketValue = amount('end_market_value', true);
  if (beginMarketValue?.startsWith('-'))
    ctx.warnings.push(`begin_market_value is negative (${beginMarketValue})`);
  if (endMarketValue?.startsWith('-')) ctx.warnings.push(`end_market_value is negative (${endMarketValue})`);
  const income = amount('income', false) ?? null;
  const fees = amount('fees', false) ?? null;
  const vendorReturn = amount('vendor_return', false) ?? null;

  let returnBasis: ReturnBasis = ctx.vendor.returnBasis;
  const basisFound = ctx.get('return_basis');
  if (!isEmpty(basisFound.value)) {
    const word = String(basisFound.value).trim().toLowerCase();
    const mapped = ownWord(fields.return_basis?.values, word) ?? word;
    const basis = BASIS_WORDS.get(mapped.toLowerCase());
    if (basis) returnBasis = basis;
    else
      ctx.problem(
        'return_basis',
        basisFound,
        `"${String(basisFound.value)}" is not a return basis (gross or net)`,
      );
  }

  const flows = mapFlows(ctx, { start: periodStart, end: periodEnd, point });
  return {
    periodStart,
    beginMarketValue,
    record: {
      accountId: accountId as string,
      periodEnd: periodEnd as string,
      currency: currency as string,
      endMarketValue: endMarketValue as string,
      flows,
      income,
      fees,
      vendorReturn,
      returnBasis,
    },
  };
}

export function mapRecord(
  raw: ReadRecord,
  vendor: VendorConfig,
  source = sourceForRecord(raw, vendor),
): MappedRow {
  const ctx = new RowContext(raw, vendor, source);
  const { periodStart, beginMarketValue, record } = mapCommon(
    ctx,
    () => ctx.date('period_start', source.fields.period_start, ctx.required('period_start')),
    false,
  );
  if (ctx.problems.length > 0)
    return { ok: false, location: raw.location, raw: { ...raw.values }, problems: ctx.problems };
  return {
    ok: true,
    location: raw.location,
    fieldSources: ctx.fieldSources,
    warnings: ctx.warnings,
    record: asPeriod(record, periodStart as string, beginMarketValue as string),
  };
}

/** A point's figures with the period's start and begin value, in the canonical field order. */
export function asPeriod(point: PointRecord, periodStart: string, beginMarketValue: string): CanonicalPeriod {
  return {
    accountId: point.accountId,
    periodStart,
    periodEnd: point.periodEnd,
    currency: point.currency,
    beginMarketValue,
    endMarketValue: point.endMarketValue,
    flows: point.flows,
    income: point.income,
    fees: point.fees,
    vendorReturn: point.vendorReturn,
    returnBasis: point.returnBasis,
  };
}

/** One point of a time series (`periods: consecutive_points`). */
export function mapPoint(raw: ReadRecord, vendor: VendorConfig, source: VendorSource): MappedPoint {
  const ctx = new RowContext(raw, vendor, source);
  const { record } = mapCommon(ctx, () => undefined, true);
  if (ctx.problems.length > 0) {
    const bad = {
      ok: false as const,
      location: raw.location,
      raw: { ...raw.values },
      problems: ctx.problems,
    };
    // The series needs the account of a bad point, to start that account afresh after it.
    return record.accountId === undefined ? bad : { ...bad, accountId: record.accountId };
  }
  return { ok: true, location: raw.location, fieldSources: ctx.fieldSources, warnings: ctx.warnings, record };
}
