// The mapping parts of a vendor source as written in YAML -> their typed form: field mappings
// (aliases, constants, document cells and title rows, sums), flows (arrays and flow fields)
// and the time-series mode. Checks a schema cannot express are reported through `add`.
import type { VendorFlowTiming } from '../domain/canonical.ts';
import type {
  CanonicalField,
  DateFormat,
  DocumentRef,
  FieldMapping,
  FlowArrayMapping,
  FlowFieldMapping,
  PointsOptions,
  VendorFormat,
} from '../domain/vendor-config.ts';

export type ConfigPath = (string | number)[];
export type AddIssue = (path: ConfigPath, message: string, atKey?: boolean) => void;

export const toList = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** `$.report.currency` and `report.currency` name the same value: paths start at the document. */
const fromRoot = (path: string): string => (path.startsWith('$.') ? path.slice(2) : path);

function documentRef(o: Record<string, unknown>): DocumentRef | undefined {
  if (o.cell !== undefined) return { cell: String(o.cell).toUpperCase() };
  if (o.title !== undefined) return { title: String(o.title) };
  return undefined;
}

export function normalizeField(raw: unknown): FieldMapping {
  if (typeof raw === 'string' || Array.isArray(raw)) return { sources: toList(raw).map(fromRoot) };
  const o = raw as Record<string, unknown>;
  const m: FieldMapping = { sources: toList(o.from).map(fromRoot) };
  if (o.value !== undefined) m.value = String(o.value);
  if (o.default !== undefined) m.default = String(o.default);
  if (o.unit !== undefined) m.unit = o.unit as FieldMapping['unit'];
  if (o.negate !== undefined) m.negate = Boolean(o.negate);
  if (o.date_format !== undefined) m.dateFormats = toList(o.date_format) as DateFormat[];
  if (o.values !== undefined) {
    m.values = Object.fromEntries(
      Object.entries(o.values as Record<string, string>).map(([k, v]) => [k.trim().toLowerCase(), v]),
    );
  }
  const document = documentRef(o);
  if (document) m.document = document;
  if (o.sum !== undefined) {
    m.sum = (o.sum as unknown[]).map((term) =>
      typeof term === 'string'
        ? { source: fromRoot(term), negate: false }
        : {
            source: fromRoot(String((term as { from: unknown }).from)),
            negate: (term as { negate?: boolean }).negate === true,
          },
    );
  }
  if (o.precision !== undefined) m.precision = o.precision as NonNullable<FieldMapping['precision']>;
  return m;
}

export function normalizeFields(raw: unknown): Partial<Record<CanonicalField, FieldMapping>> {
  const out: Partial<Record<CanonicalField, FieldMapping>> = {};
  for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    out[k as CanonicalField] = normalizeField(v);
  }
  return out;
}

/** A mapping that names where its value is (not only a constant or default). */
export const readsFile = (m: FieldMapping): boolean =>
  m.sources.length > 0 || m.document !== undefined || (m.sum?.length ?? 0) > 0;

/** Problems of one field mapping that depend on the format or the field. */
export function checkField(
  name: string,
  m: FieldMapping,
  format: VendorFormat,
  path: ConfigPath,
  add: AddIssue,
): void {
  if (m.document !== undefined && format === 'json') {
    add(
      [...path, 'cell' in m.document ? 'cell' : 'title'],
      'JSON has no title cells: name the document value by its path, e.g. "$.report.currency"',
      true,
    );
  }
  if ('title' in (m.document ?? {})) {
    try {
      new RegExp((m.document as { title: string }).title, 'i');
    } catch (e) {
      add([...path, 'title'], `not a regular expression: ${(e as Error).message}`);
    }
  }
  if (m.sum !== undefined && m.sources.length > 0) {
    add([...path, 'sum'], 'give "from" (the first present wins) or "sum" (all are added), not both', true);
  }
  if (m.precision !== undefined && name !== 'vendor_return') {
    add([...path, 'precision'], '"precision" applies to vendor_return only', true);
  }
}

const TIMING_CONSTANTS = new Set<string>(['end_of_day', 'start_of_day', 'mixed']);

function arrayFlow(
  raw: Record<string, unknown>,
  path: ConfigPath,
  add: AddIssue,
): FlowArrayMapping | undefined {
  const m: FlowArrayMapping = { array: fromRoot(String(raw.array)), amount: '' };
  const paths: [string, unknown][] = [
    ['amount', raw.amount],
    ['date', raw.date],
    ['timing', raw.timing],
  ];
  for (const [key, value] of paths) {
    if (value === undefined) continue;
    if (typeof value === 'string') {
      if (key === 'amount') m.amount = value;
      else if (key === 'date') m.date = value;
      else m.timing = value;
      continue;
    }
    const constant = (value as { value?: unknown }).value;
    if (key === 'timing' && typeof constant === 'string' && TIMING_CONSTANTS.has(constant)) {
      m.timingValue = constant as VendorFlowTiming;
      continue;
    }
    add(
      [...path, key],
      key === 'timing'
        ? 'in a flow array, timing is a path in one element or { value: end_of_day | start_of_day | mixed }'
        : `in a flow array, ${key} is a path in one element (e.g. "amount")`,
    );
    return undefined;
  }
  if (raw.negate !== undefined) m.negate = Boolean(raw.negate);
  return m;
}

function fieldFlow(
  raw: Record<string, unknown>,
  format: VendorFormat,
  path: ConfigPath,
  add: AddIssue,
): FlowFieldMapping {
  const amount = normalizeField(raw.amount);
  if (raw.negate === true) amount.negate = !amount.negate;
  const m: FlowFieldMapping = { amount };
  checkField('flow_amount', amount, format, [...path, 'amount'], add);
  if (raw.date !== undefined) {
    m.date = normalizeField(raw.date);
    checkField('flow_date', m.date, format, [...path, 'date'], add);
  }
  if (raw.timing !== undefined) {
    m.timing = normalizeField(raw.timing);
    const constant = m.timing.value;
    if (constant !== undefined && !TIMING_CONSTANTS.has(constant)) {
      add([...path, 'timing', 'value'], 'must be one of: "end_of_day", "start_of_day", "mixed"');
    }
  }
  if (!readsFile(amount))
    add([...path, 'amount'], 'needs "from", "sum", "cell" or "title": where the amount is');
  return m;
}

/** `flows:` entries: with `array` a JSON array of flows, else a flow of the record itself. */
export function normalizeFlows(
  raw: unknown,
  format: VendorFormat,
  path: ConfigPath,
  add: AddIssue,
): { arrays: FlowArrayMapping[]; fields: FlowFieldMapping[] } {
  const arrays: FlowArrayMapping[] = [];
  const fields: FlowFieldMapping[] = [];
  for (const [i, entry] of ((raw ?? []) as Record<string, unknown>[]).entries()) {
    if (entry.array === undefined) {
      fields.push(fieldFlow(entry, format, [...path, i], add));
      continue;
    }
    if (format !== 'json') {
      add(
        [...path, i, 'array'],
        'flow arrays are for JSON sources; in CSV/Excel name the column: "amount: Deposits"',
        true,
      );
      continue;
    }
    const m = arrayFlow(entry, [...path, i], add);
    if (m) arrays.push(m);
  }
  return { arrays, fields };
}

export function normalizePoints(raw: unknown): PointsOptions | undefined {
  if (raw === undefined) return undefined;
  const o = (typeof raw === 'string' ? {} : raw) as Record<string, unknown>;
  return {
    spacing: (o.spacing as PointsOptions['spacing'] | undefined) ?? 'business_days',
    onGap: (o.on_gap as PointsOptions['onGap'] | undefined) ?? 'skip',
  };
}
