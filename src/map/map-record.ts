// One raw record (values keyed by source header or JSON path) -> a canonical period, or a
// quarantined row listing every problem found (not only the first), each with its field,
// column and value. Pure: no I/O.

import { type CashFlow, type FlowTiming, flowTimingFor, type ReturnBasis } from '../domain/canonical.ts';
import {
  type MappedRow,
  normalizeHeader,
  type RawRecord,
  type ReadRecord,
  type RowProblem,
} from '../domain/read-row.ts';
import type {
  CanonicalField,
  FieldMapping,
  VendorConfig,
  VendorFormat,
  VendorSource,
} from '../domain/vendor-config.ts';
import { isReturnWithinBound, MAX_ABSOLUTE_RETURN } from './bounds.ts';
import { isIsoCurrency } from './currency.ts';
import { parseDate } from './date.ts';
import { identifierProblem, shortened } from './identifier.ts';
import { concretePath } from './json-path.ts';
import { isZeroDecimal, negateDecimal, parseDecimal, returnToFraction } from './number.ts';
import { ownWord } from './own-word.ts';

type RawValue = string | number | boolean | null | undefined;

interface Found {
  value: RawValue;
  /** The source column or concrete JSON path, or `(constant)` / `(default)`. */
  column: string | undefined;
  usedDefault: boolean;
}

// Maps, not object literals: a cell saying `constructor` must not find Object.prototype's.
const TIMING_WORDS = new Map<string, FlowTiming>([
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
]);

const BASIS_WORDS = new Map<string, ReturnBasis>([
  ['gross', 'gross'],
  ['net', 'net'],
  ['g', 'gross'],
  ['n', 'net'],
]);

/** The source that produced a record: its location says which format it came from. */
export function sourceForRecord(raw: RawRecord, vendor: VendorConfig): VendorSource {
  const format: VendorFormat =
    raw.location.jsonPath !== undefined ? 'json' : raw.location.sheet !== undefined ? 'xlsx' : 'csv';
  const source = vendor.sources.find((s) => s.format === format) ?? vendor.sources[0];
  if (!source) throw new Error(`vendor ${vendor.code} has no sources`);
  return source;
}

const isEmpty = (v: RawValue): boolean =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** Per header: for each field mapping, the record keys its aliases name, in alias order. */
type Resolution = Map<FieldMapping, string[]>;

/** Resolved once per header (by the reader's header array, else by the key list), not per row. */
const byHeader = new WeakMap<readonly string[], Resolution>();
const bySignature = new WeakMap<VendorSource, Map<string, Resolution>>();

function resolutionFor(raw: ReadRecord, source: VendorSource): Resolution {
  if (raw.header) {
    let r = byHeader.get(raw.header);
    if (!r) {
      r = new Map();
      byHeader.set(raw.header, r);
    }
    return r;
  }
  const signature = Object.keys(raw.values).join('\u0000');
  let cache = bySignature.get(source);
  if (!cache) {
    cache = new Map();
    bySignature.set(source, cache);
  }
  let r = cache.get(signature);
  if (!r) {
    if (cache.size > 100) cache.clear();
    r = new Map();
    cache.set(signature, r);
  }
  return r;
}

function keysFor(raw: ReadRecord, source: VendorSource, mapping: FieldMapping): string[] {
  const resolution = resolutionFor(raw, source);
  let keys = resolution.get(mapping);
  if (!keys) {
    const index = new Map<string, string>();
    for (const k of raw.header ?? Object.keys(raw.values)) {
      const norm = normalizeHeader(k);
      if (!index.has(norm)) index.set(norm, k);
    }
    keys = [];
    for (const alias of mapping.sources) {
      const key = index.get(normalizeHeader(alias));
      if (key !== undefined && !keys.includes(key)) keys.push(key);
    }
    resolution.set(mapping, keys);
  }
  return keys;
}

function lookup(raw: ReadRecord, source: VendorSource, mapping: FieldMapping | undefined): Found {
  if (!mapping) return { value: undefined, column: undefined, usedDefault: false };
  if (mapping.value !== undefined) return { value: mapping.value, column: '(constant)', usedDefault: false };
  let column: string | undefined;
  let value: RawValue;
  if (source.format === 'json') {
    let chosen: string | undefined;
    for (const path of mapping.sources) {
      if (Object.hasOwn(raw.values, path)) {
        chosen ??= path;
        value = raw.values[path];
        if (!isEmpty(value)) {
          chosen = path;
          break;
        }
      }
    }
    chosen ??= mapping.sources[0];
    column = chosen === undefined ? undefined : concretePath(chosen, raw.location.jsonPath ?? '');
  } else {
    for (const key of keysFor(raw, source, mapping)) {
      column ??= key;
      value = raw.values[key];
      if (!isEmpty(value)) {
        column = key;
        break;
      }
    }
    column ??= mapping.sources[0];
  }
  if (isEmpty(value) && mapping.default !== undefined)
    return { value: mapping.default, column, usedDefault: true };
  return { value, column, usedDefault: false };
}

const display = (v: RawValue): string | null => (v === undefined || v === null ? null : String(v));

export function mapRecord(
  raw: ReadRecord,
  vendor: VendorConfig,
  source = sourceForRecord(raw, vendor),
): MappedRow {
  const problems: RowProblem[] = [...(raw.problems ?? [])];
  const warnings: string[] = [];
  const fieldSources: Record<string, string> = {};
  const get = (field: CanonicalField): Found => {
    const found = lookup(raw, source, source.fields[field]);
    if (found.column !== undefined && !isEmpty(found.value)) fieldSources[field] = found.column;
    if (found.usedDefault)
      warnings.push(
        `${field} is empty in ${found.column ?? 'the file'}; the vendor default ${found.value} was used`,
      );
    return found;
  };
  const problem = (field: string, found: Found, reason: string) => {
    // A reader's problem for the same column (a JSON Schema error) already says it.
    if (found.column !== undefined && raw.problems?.some((p) => p.column === found.column)) return;
    problems.push({ field, column: found.column, value: display(found.value), reason });
  };

  const required = (field: CanonicalField): Found | undefined => {
    const found = get(field);
    if (isEmpty(found.value)) {
      problem(
        field,
        found,
        found.column === undefined ? `no column is mapped to ${field}` : `${field} is missing`,
      );
      return undefined;
    }
    return found;
  };

  const identifier = (field: CanonicalField): string | undefined => {
    const found = required(field);
    if (!found) return undefined;
    const value = String(found.value);
    const invalid = identifierProblem(field, value);
    if (invalid === undefined) return value.trim();
    problem(field, { ...found, value: shortened(value) }, invalid);
    return undefined;
  };

  const date = (field: CanonicalField, found: Found | undefined): string | undefined => {
    if (!found) return undefined;
    const mapping = source.fields[field];
    const v = found.value;
    if (typeof v !== 'string' && typeof v !== 'number') {
      problem(field, found, `${field} is not a date`);
      return undefined;
    }
    const parsed = parseDate(v, mapping?.dateFormats ?? source.dateFormats, {
      date1904: raw.date1904 === true,
    });
    if (!parsed.ok) {
      problem(field, found, parsed.reason);
      return undefined;
    }
    return parsed.value;
  };

  const decimal = (field: CanonicalField, found: Found | undefined, negate = false): string | undefined => {
    if (!found || isEmpty(found.value)) return undefined;
    const v = found.value;
    if (typeof v !== 'string' && typeof v !== 'number') {
      problem(field, found, `${field} is not a number`);
      return undefined;
    }
    const parsed = parseDecimal(v, source.numberFormat);
    if (!parsed.ok) {
      problem(field, found, parsed.reason);
      return undefined;
    }
    const unit = source.fields[field]?.unit;
    let value = parsed.value;
    if (parsed.percent) {
      if (field !== 'vendor_return') {
        problem(field, found, `"${String(v)}" is a percentage where an amount is expected`);
        return undefined;
      }
      value = returnToFraction(value, 'percent');
    } else if (unit !== undefined) {
      value = returnToFraction(value, unit);
    }
    if (field === 'vendor_return' && !isReturnWithinBound(value)) {
      problem(
        field,
        found,
        `vendor_return ${value} is outside -${MAX_ABSOLUTE_RETURN} to ${MAX_ABSOLUTE_RETURN} (as a fraction, ±10,000 %); check the unit configured for it (fraction, percent or bps)`,
      );
      return undefined;
    }
    const mapping = source.fields[field];
    return negate !== Boolean(mapping?.negate) ? negateDecimal(value) : value;
  };

  const accountId = identifier('account_id');
  const periodStart = date('period_start', required('period_start'));
  const periodEnd = date('period_end', required('period_end'));
  if (periodStart !== undefined && periodEnd !== undefined && periodEnd <= periodStart) {
    problems.push({
      field: 'period_end',
      column: fieldSources.period_end,
      value: periodEnd,
      reason: `period_end ${periodEnd} is not after period_start ${periodStart}`,
    });
  }

  const currencyFound = required('currency');
  let currency: string | undefined;
  if (currencyFound) {
    const code = String(currencyFound.value).trim().toUpperCase();
    if (isIsoCurrency(code)) currency = code;
    else
      problem('currency', currencyFound, `"${String(currencyFound.value)}" is not an ISO 4217 currency code`);
  }

  const beginMarketValue = decimal('begin_market_value', required('begin_market_value'));
  const endMarketValue = decimal('end_market_value', required('end_market_value'));
  for (const [field, value] of [
    ['begin_market_value', beginMarketValue],
    ['end_market_value', endMarketValue],
  ] as const) {
    if (value?.startsWith('-')) warnings.push(`${field} is negative (${value})`);
  }
  const income = decimal('income', get('income')) ?? null;
  const fees = decimal('fees', get('fees')) ?? null;
  const vendorReturn = decimal('vendor_return', get('vendor_return')) ?? null;

  let returnBasis: ReturnBasis = vendor.returnBasis;
  const basisFound = get('return_basis');
  if (!isEmpty(basisFound.value)) {
    const word = String(basisFound.value).trim().toLowerCase();
    const mapped = ownWord(source.fields.return_basis?.values, word) ?? word;
    const basis = BASIS_WORDS.get(mapped.toLowerCase());
    if (basis) returnBasis = basis;
    else
      problem(
        'return_basis',
        basisFound,
        `"${String(basisFound.value)}" is not a return basis (gross or net)`,
      );
  }

  const timingOf = (found: Found, field: string, amount: string): FlowTiming | undefined => {
    if (isEmpty(found.value)) return flowTimingFor(vendor.flowTiming, amount.startsWith('-') ? -1 : 1);
    const word = String(found.value).trim().toLowerCase();
    const mapped = (ownWord(source.fields.flow_timing?.values, word) ?? word).toLowerCase();
    const timing = TIMING_WORDS.get(mapped);
    if (!timing)
      problem(field, found, `"${String(found.value)}" is not a flow timing (end_of_day or start_of_day)`);
    return timing;
  };

  const flows: CashFlow[] = [];
  const addFlow = (
    amount: string,
    dateValue: string | undefined,
    timing: FlowTiming | undefined,
    where: Found,
  ) => {
    if (dateValue === undefined || timing === undefined) return;
    if (
      periodStart !== undefined &&
      periodEnd !== undefined &&
      (dateValue < periodStart || dateValue > periodEnd)
    ) {
      problem(
        'flow_date',
        where,
        `flow date ${dateValue} is outside the period ${periodStart} to ${periodEnd}`,
      );
      return;
    }
    flows.push({ date: dateValue, amount, timing });
  };

  // One net flow per row (CSV, Excel): without a date it is dated period_end (SPEC §2).
  const amountFound = get('flow_amount');
  const amount = decimal('flow_amount', amountFound);
  if (amount !== undefined && !isZeroDecimal(amount)) {
    const dateFound = get('flow_date');
    const flowDate = isEmpty(dateFound.value) ? periodEnd : date('flow_date', dateFound);
    addFlow(
      amount,
      flowDate,
      timingOf(get('flow_timing'), 'flow_timing', amount),
      dateFound.column ? dateFound : amountFound,
    );
  }

  // Arrays of dated flows (JSON).
  for (const spec of source.flowArrays) {
    const base = spec.array.slice(0, -2);
    const count = raw.values[`${base}.length`];
    const n = typeof count === 'number' ? count : 0;
    for (let i = 0; i < n; i++) {
      const at = (sub: string | undefined): Found => {
        if (sub === undefined) return { value: undefined, column: undefined, usedDefault: false };
        const key = `${base}[${i}].${sub}`;
        return {
          value: raw.values[key],
          column: concretePath(key, raw.location.jsonPath ?? ''),
          usedDefault: false,
        };
      };
      const a = at(spec.amount);
      if (isEmpty(a.value)) {
        problem('flows', a, 'flow amount is missing');
        continue;
      }
      if (typeof a.value !== 'string' && typeof a.value !== 'number') {
        problem('flows', a, 'flow amount is not a number');
        continue;
      }
      const parsed = parseDecimal(a.value, source.numberFormat);
      if (!parsed.ok || parsed.percent) {
        problem('flows', a, parsed.ok ? 'flow amount is a percentage' : parsed.reason);
        continue;
      }
      const value = spec.negate ? negateDecimal(parsed.value) : parsed.value;
      if (isZeroDecimal(value)) continue;
      const d = at(spec.date);
      let flowDate = periodEnd;
      if (!isEmpty(d.value)) {
        const parsedDate =
          typeof d.value === 'string' || typeof d.value === 'number'
            ? parseDate(d.value, source.dateFormats, { date1904: raw.date1904 === true })
            : ({ ok: false, reason: 'flow date is not a date' } as const);
        if (!parsedDate.ok) {
          problem('flows', d, parsedDate.reason);
          continue;
        }
        flowDate = parsedDate.value;
      }
      addFlow(value, flowDate, timingOf(at(spec.timing), 'flows', value), d.column ? d : a);
    }
    if (n > 0) fieldSources.flows = concretePath(base, raw.location.jsonPath ?? '');
  }

  if (problems.length > 0) {
    return { ok: false, location: raw.location, raw: { ...raw.values }, problems };
  }
  flows.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  return {
    ok: true,
    location: raw.location,
    fieldSources,
    warnings,
    record: {
      accountId: accountId as string,
      periodStart: periodStart as string,
      periodEnd: periodEnd as string,
      currency: currency as string,
      beginMarketValue: beginMarketValue as string,
      endMarketValue: endMarketValue as string,
      flows,
      income,
      fees,
      vendorReturn,
      returnBasis,
    },
  };
}
