// The external flows of one record: the one net flow of a row (flow_amount), flow fields (a
// column or path each, with its own sign, date and timing) and arrays of dated flows (JSON).
// A flow without a date is dated period_end (SPEC §2); a flow without a timing takes the
// record's flow_timing (a column, a document value), else the vendor's.
import {
  type CashFlow,
  type FlowTiming,
  flowTimingFor,
  type IsoDate,
  type VendorFlowTiming,
} from '../domain/canonical.ts';
import type { FieldMapping } from '../domain/vendor-config.ts';
import { concretePath } from './json-path.ts';
import { type Found, isEmpty, NOTHING } from './lookup.ts';
import { isZeroDecimal, negateDecimal, parseDecimal } from './number.ts';
import { ownWord } from './own-word.ts';
import type { RowContext } from './row-context.ts';

// Maps, not object literals: a cell saying `constructor` must not find Object.prototype's.
const TIMING_WORDS = new Map<string, VendorFlowTiming>([
  ['end_of_day', 'end_of_day'],
  ['end of day', 'end_of_day'],
  ['end', 'end_of_day'],
  ['eod', 'end_of_day'],
  ['e', 'end_of_day'],
  ['start_of_day', 'start_of_day'],
  ['start of day', 'start_of_day'],
  ['start', 'start_of_day'],
  ['sod', 'start_of_day'],
  ['bod', 'start_of_day'],
  ['s', 'start_of_day'],
  ['mixed', 'mixed'],
]);

/** The flow timing a vendor's word means (`SOD`, `end of day`, `mixed`), if it is one of ours. */
export const timingOfWord = (word: string): VendorFlowTiming | undefined =>
  TIMING_WORDS.get(word.trim().toLowerCase());

/** The period a record's flows must fall in; a point of a time series knows only its end. */
export interface FlowWindow {
  start: IsoDate | undefined;
  end: IsoDate | undefined;
  point: boolean;
}

export function mapFlows(ctx: RowContext, window: FlowWindow): CashFlow[] {
  const flows: CashFlow[] = [];
  let recordTiming: VendorFlowTiming | undefined | null = null;
  /** The record's flow_timing, read once and only when a flow has none of its own. */
  const fallbackTiming = (): VendorFlowTiming | undefined => {
    if (recordTiming === null) {
      const found = ctx.get('flow_timing');
      recordTiming = isEmpty(found.value)
        ? ctx.vendor.flowTiming
        : timingWord(ctx, found, 'flow_timing', ctx.source.fields.flow_timing);
    }
    return recordTiming;
  };
  const timingOf = (found: Found, field: string, amount: string, mapping: FieldMapping | undefined) => {
    const setting = isEmpty(found.value) ? fallbackTiming() : timingWord(ctx, found, field, mapping);
    return setting === undefined ? undefined : flowTimingFor(setting, amount.startsWith('-') ? -1 : 1);
  };
  const add = (amount: string, date: IsoDate | undefined, timing: FlowTiming | undefined, where: Found) => {
    if (date === undefined || timing === undefined) return;
    const { start, end } = window;
    if (window.point && end !== undefined && date > end) {
      ctx.problem('flow_date', where, `flow date ${date} is after the point's date ${end}`);
      return;
    }
    if (start !== undefined && end !== undefined && (date < start || date > end)) {
      ctx.problem('flow_date', where, `flow date ${date} is outside the period ${start} to ${end}`);
      return;
    }
    flows.push({ date, amount, timing });
  };

  // One net flow per row (CSV, Excel): without a date it is dated period_end (SPEC §2).
  const amountFound = ctx.get('flow_amount');
  const amount = ctx.decimal('flow_amount', ctx.source.fields.flow_amount, amountFound);
  if (amount !== undefined && !isZeroDecimal(amount)) {
    const dateFound = ctx.get('flow_date');
    const date = isEmpty(dateFound.value)
      ? window.end
      : ctx.date('flow_date', ctx.source.fields.flow_date, dateFound);
    // The row's flow_timing is the net flow's own timing: read once, reported once if wrong.
    const setting = fallbackTiming();
    const timing =
      setting === undefined ? undefined : flowTimingFor(setting, amount.startsWith('-') ? -1 : 1);
    add(amount, date, timing, dateFound.column ? dateFound : amountFound);
  }

  const columns: string[] = [];
  for (const spec of ctx.source.flowFields ?? []) {
    const found = ctx.find('flows', spec.amount, false);
    const value = ctx.decimal('flows', spec.amount, found);
    if (value === undefined || isZeroDecimal(value)) continue;
    const dateFound = spec.date ? ctx.find('flows', spec.date, false) : NOTHING;
    const date = isEmpty(dateFound.value) ? window.end : ctx.date('flows', spec.date, dateFound);
    const timingFound = spec.timing ? ctx.find('flows', spec.timing, false) : NOTHING;
    add(
      value,
      date,
      timingOf(timingFound, 'flows', value, spec.timing),
      dateFound.column ? dateFound : found,
    );
    if (found.column !== undefined) columns.push(found.column);
  }

  for (const spec of ctx.source.flowArrays) addArrayFlows(ctx, spec, window, timingOf, add, columns);
  if (columns.length > 0) ctx.fieldSources.flows = columns.join('; ');
  flows.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  return flows;
}

function timingWord(
  ctx: RowContext,
  found: Found,
  field: string,
  mapping: FieldMapping | undefined,
): VendorFlowTiming | undefined {
  const word = String(found.value).trim().toLowerCase();
  const timing = TIMING_WORDS.get((ownWord(mapping?.values, word) ?? word).toLowerCase());
  if (!timing)
    ctx.problem(field, found, `"${String(found.value)}" is not a flow timing (end_of_day or start_of_day)`);
  return timing;
}

type TimingOf = (
  found: Found,
  field: string,
  amount: string,
  mapping: FieldMapping | undefined,
) => FlowTiming | undefined;
type AddFlow = (
  amount: string,
  date: IsoDate | undefined,
  timing: FlowTiming | undefined,
  where: Found,
) => void;

/** Arrays of dated flows (JSON): `values` holds `base[i].amount` and `base.length`. */
function addArrayFlows(
  ctx: RowContext,
  spec: (typeof ctx.source.flowArrays)[number],
  window: FlowWindow,
  timingOf: TimingOf,
  add: AddFlow,
  columns: string[],
): void {
  const { raw, source } = ctx;
  const base = spec.array.slice(0, -2);
  const count = raw.values[`${base}.length`];
  const n = typeof count === 'number' ? count : 0;
  const constant: Found =
    spec.timingValue === undefined
      ? NOTHING
      : { value: spec.timingValue, column: '(constant)', usedDefault: false };
  for (let i = 0; i < n; i++) {
    const at = (sub: string | undefined): Found => {
      if (sub === undefined) return NOTHING;
      const key = `${base}[${i}].${sub}`;
      return {
        value: raw.values[key],
        column: concretePath(key, raw.location.jsonPath ?? ''),
        usedDefault: false,
      };
    };
    const a = at(spec.amount);
    if (isEmpty(a.value)) {
      ctx.problem('flows', a, 'flow amount is missing');
      continue;
    }
    if (typeof a.value !== 'string' && typeof a.value !== 'number') {
      ctx.problem('flows', a, 'flow amount is not a number');
      continue;
    }
    const parsed = parseDecimal(a.value, source.numberFormat);
    if (!parsed.ok || parsed.percent) {
      ctx.problem('flows', a, parsed.ok ? 'flow amount is a percentage' : parsed.reason);
      continue;
    }
    const value = spec.negate ? negateDecimal(parsed.value) : parsed.value;
    if (isZeroDecimal(value)) continue;
    const d = at(spec.date);
    const date = isEmpty(d.value) ? window.end : ctx.date('flows', undefined, d);
    const timingFound = spec.timing !== undefined ? at(spec.timing) : constant;
    add(value, date, timingOf(timingFound, 'flows', value, source.fields.flow_timing), d.column ? d : a);
  }
  if (n > 0) columns.push(concretePath(base, raw.location.jsonPath ?? ''));
}
