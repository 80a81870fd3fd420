// A row of a separate flow sheet (Excel: dated flows beside the periods) -> one dated flow of
// an account, or a quarantined row. The flow is joined to its period by account and date.

import { type CashFlow, type FlowTiming, flowTimingFor } from '../domain/canonical.ts';
import type { SourceLocation } from '../domain/errors.ts';
import type { QuarantinedRow, RowProblem } from '../domain/read-row.ts';
import { normalizeHeader, type ReadRecord } from '../domain/read-row.ts';
import type { FieldMapping, VendorConfig, VendorSource } from '../domain/vendor-config.ts';
import { parseDate } from './date.ts';
import { identifierProblem, shortened } from './identifier.ts';
import { isZeroDecimal, negateDecimal, parseDecimal } from './number.ts';
import { ownWord } from './own-word.ts';

export interface MappedFlow {
  ok: true;
  accountId: string;
  flow: CashFlow;
  location: SourceLocation;
}

const TIMINGS = new Map<string, FlowTiming>([
  ['end_of_day', 'end_of_day'],
  ['eod', 'end_of_day'],
  ['end', 'end_of_day'],
  ['start_of_day', 'start_of_day'],
  ['sod', 'start_of_day'],
  ['start', 'start_of_day'],
]);

function find(
  raw: ReadRecord,
  mapping: FieldMapping | undefined,
): { value: unknown; column: string | undefined } {
  if (!mapping) return { value: undefined, column: undefined };
  if (mapping.value !== undefined) return { value: mapping.value, column: '(constant)' };
  const byNorm = new Map(Object.keys(raw.values).map((k) => [normalizeHeader(k), k]));
  for (const alias of mapping.sources) {
    const key = byNorm.get(normalizeHeader(alias));
    if (key !== undefined) return { value: raw.values[key], column: key };
  }
  return { value: undefined, column: mapping.sources[0] };
}

const empty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** Map one flow-sheet row. Returns undefined for a zero flow (nothing to join). */
export function mapFlowRecord(
  raw: ReadRecord,
  vendor: VendorConfig,
  source: VendorSource,
): MappedFlow | QuarantinedRow | undefined {
  const fields = source.xlsx?.flowFields ?? {};
  const problems: RowProblem[] = [...(raw.problems ?? [])];
  const account = find(raw, fields.account_id);
  const date = find(raw, fields.flow_date);
  const amount = find(raw, fields.flow_amount);
  const timing = find(raw, fields.flow_timing);
  const show = (v: unknown) => (v === undefined || v === null ? null : String(v));
  if (empty(account.value)) {
    problems.push({
      field: 'account_id',
      column: account.column,
      value: show(account.value),
      reason: 'account_id is missing',
    });
  } else {
    const invalid = identifierProblem('account_id', String(account.value));
    if (invalid !== undefined) {
      problems.push({
        field: 'account_id',
        column: account.column,
        value: shortened(String(account.value)),
        reason: invalid,
      });
    }
  }
  let isoDate: string | undefined;
  if (empty(date.value)) {
    problems.push({
      field: 'flow_date',
      column: date.column,
      value: show(date.value),
      reason: 'flow_date is missing',
    });
  } else {
    const parsed =
      typeof date.value === 'string' || typeof date.value === 'number'
        ? parseDate(date.value, fields.flow_date?.dateFormats ?? source.dateFormats, {
            date1904: raw.date1904 === true,
          })
        : ({ ok: false, reason: 'flow_date is not a date' } as const);
    if (parsed.ok) isoDate = parsed.value;
    else
      problems.push({
        field: 'flow_date',
        column: date.column,
        value: show(date.value),
        reason: parsed.reason,
      });
  }
  let value: string | undefined;
  if (empty(amount.value)) {
    problems.push({
      field: 'flow_amount',
      column: amount.column,
      value: show(amount.value),
      reason: 'flow_amount is missing',
    });
  } else {
    const parsed =
      typeof amount.value === 'string' || typeof amount.value === 'number'
        ? parseDecimal(amount.value, source.numberFormat)
        : ({ ok: false, reason: 'flow_amount is not a number' } as const);
    if (parsed.ok && !parsed.percent)
      value = fields.flow_amount?.negate ? negateDecimal(parsed.value) : parsed.value;
    else {
      problems.push({
        field: 'flow_amount',
        column: amount.column,
        value: show(amount.value),
        reason: parsed.ok ? 'flow_amount is a percentage' : parsed.reason,
      });
    }
  }
  let flowTiming: FlowTiming | undefined;
  if (!empty(timing.value)) {
    const word = String(timing.value).trim().toLowerCase();
    flowTiming = TIMINGS.get((ownWord(fields.flow_timing?.values, word) ?? word).toLowerCase());
    if (!flowTiming) {
      problems.push({
        field: 'flow_timing',
        column: timing.column,
        value: show(timing.value),
        reason: `"${String(timing.value)}" is not a flow timing (end_of_day or start_of_day)`,
      });
    }
  }
  if (problems.length > 0) return { ok: false, location: raw.location, raw: { ...raw.values }, problems };
  if (isZeroDecimal(value as string)) return undefined;
  const amountText = value as string;
  return {
    ok: true,
    accountId: String(account.value).trim(),
    location: raw.location,
    flow: {
      date: isoDate as string,
      amount: amountText,
      timing: flowTiming ?? flowTimingFor(vendor.flowTiming, amountText.startsWith('-') ? -1 : 1),
    },
  };
}
