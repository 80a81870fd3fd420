// The typed, validated shape of a vendor configuration (YAML documented in vendors/README.md).
// Everything a reader or the mapper needs about a vendor is here, so onboarding a vendor is a
// configuration file, not code.
import type { ReturnBasis, VendorFlowTiming } from './canonical.ts';
import type { ReportedPrecision } from './reconciliation.ts';

export type { ReportedPrecision } from './reconciliation.ts';

export type VendorFormat = 'csv' | 'xlsx' | 'json';

/** Date formats a vendor may use. ISO `YYYY-MM-DD` is always accepted as well. */
export type DateFormat =
  | 'ISO'
  | 'MM/DD/YYYY'
  | 'DD/MM/YYYY'
  | 'DD.MM.YYYY'
  | 'YYYYMMDD'
  | 'EXCEL_SERIAL'
  | 'DD-Mon-YYYY';

export const DATE_FORMATS: readonly DateFormat[] = [
  'ISO',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'DD.MM.YYYY',
  'YYYYMMDD',
  'EXCEL_SERIAL',
  'DD-Mon-YYYY',
];

/** How numbers are written: `1.234,56` is decimal `,` thousands `.`. */
export interface NumberFormat {
  decimal: '.' | ',';
  /** Accepted grouping separators (`''` none). Grouping is checked: groups of three digits. */
  thousands: string[];
}

/** The unit a value is given in; the mapper converts returns to a decimal fraction. */
export type ReturnUnit = 'fraction' | 'percent' | 'bps';

export type CanonicalField =
  | 'account_id'
  | 'period_start'
  | 'period_end'
  | 'currency'
  | 'begin_market_value'
  | 'end_market_value'
  | 'flow_date'
  | 'flow_amount'
  | 'flow_timing'
  | 'income'
  | 'fees'
  | 'vendor_return'
  | 'return_basis';

export const CANONICAL_FIELDS: readonly CanonicalField[] = [
  'account_id',
  'period_start',
  'period_end',
  'currency',
  'begin_market_value',
  'end_market_value',
  'flow_date',
  'flow_amount',
  'flow_timing',
  'income',
  'fees',
  'vendor_return',
  'return_basis',
];

/** Fields every period needs; a vendor must map each (or give it a constant/default). */
export const REQUIRED_FIELDS: readonly CanonicalField[] = [
  'account_id',
  'period_start',
  'period_end',
  'currency',
  'begin_market_value',
  'end_market_value',
];

/**
 * A value stated once for a whole CSV file or sheet, above its header: a cell (`B2`), or the
 * first title-row cell matching a regular expression (its first group, else the whole match).
 * JSON needs none: a path without `[]` (`report.currency`, `$.report.currency`) is the document's.
 */
export type DocumentRef = { cell: string } | { title: string };

/** How a document value is named in lineage and messages: `cell B2`, `title /^Account: (.+)/`. */
export function documentLabel(ref: DocumentRef): string {
  return 'cell' in ref ? `cell ${ref.cell}` : `title /${ref.title}/`;
}

/** One term of a sum of columns (fees = management fee + performance fee). */
export interface SummedSource {
  source: string;
  negate: boolean;
}

export interface FieldMapping {
  /**
   * Where the value is: header aliases for CSV/Excel (case-insensitive, trimmed, first present
   * wins) or JSON paths such as `accounts[].periods[].values.begin` for JSON.
   */
  sources: string[];
  /** Where the value is when the sources give none: a title cell or title row (CSV, Excel). */
  document?: DocumentRef;
  /** Columns or paths added up exactly (each present one counts; all empty: no value). */
  sum?: SummedSource[];
  /** Decimal places the vendor prints this field with (vendor_return), overriding the vendor's. */
  precision?: ReportedPrecision;
  /** A constant used instead of reading the file (e.g. a vendor that only reports USD). */
  value?: string;
  /** Used when the source is empty or null; the mapped row then carries a warning. */
  default?: string;
  /** Unit of a return field (vendor_return). */
  unit?: ReturnUnit;
  /** Flip the sign (e.g. a `Withdrawals` column reported as positive numbers). */
  negate?: boolean;
  /** Date formats for this field, overriding the source's. */
  dateFormats?: DateFormat[];
  /** Vendor value -> canonical value, compared case-insensitively (e.g. `G: gross`). */
  values?: Record<string, string>;
}

/** An array of dated flows inside each JSON record (or an Excel/CSV row group). */
export interface FlowArrayMapping {
  /** Path of the array, ending in `[]`: `accounts[].periods[].cashFlows[]`. */
  array: string;
  /** Paths relative to one array element. */
  amount: string;
  date?: string;
  timing?: string;
  /** A timing for every flow of the array (deposits at start of day). */
  timingValue?: VendorFlowTiming;
  negate?: boolean;
}

/**
 * A flow read from the record itself: a column (CSV, Excel) or a path of the record (JSON),
 * each with its own sign, date and timing (`Deposits` at start of day, `Withdrawals` negated).
 */
export interface FlowFieldMapping {
  amount: FieldMapping;
  /** No date: the flow is dated period_end. */
  date?: FieldMapping;
  /** A constant (`{ value: start_of_day }`) or a column; none: the record's flow_timing, else the vendor's. */
  timing?: FieldMapping;
}

/** What counts as a gap between two consecutive points of an account. */
export type PointSpacing = 'days' | 'business_days' | 'months' | 'any';

/**
 * A time series of valuations: each record is one point (account, date, end value, flows); a
 * period runs from one point of an account to the next. The first point is an opening value.
 */
export interface PointsOptions {
  spacing: PointSpacing;
  /** `skip`: no period over a gap (the point after it opens anew); `flag`: a period with a warning. */
  onGap: 'skip' | 'flag';
}

export interface CsvOptions {
  /** `auto` detects among `,` `;` tab `|`. */
  delimiter: string | 'auto';
  quote: string;
  /** `auto` detects BOM / UTF-8 / Windows-1252; else an iconv-lite encoding name. */
  encoding: string;
  /** How many rows to scan for the header row (title rows above it are skipped). */
  headerScanRows: number;
  /** Regular expressions (case-insensitive) matched against a row's first non-empty cell. */
  footerPatterns: string[];
}

export interface JsonOptions {
  /** Path of the records: `records[]`, `accounts[].periods[]`. */
  recordPath: string;
  encoding: string;
  /** JSON Schema the whole document must satisfy (inline). */
  schema?: Record<string, unknown>;
}

export interface XlsxOptions {
  sheet?: string;
  sheetPattern?: string;
  /** Sheet holding dated flows, joined to the periods by account and date. */
  flowSheet?: string;
  flowSheetPattern?: string;
  /** Fields of the flow sheet: account_id, flow_date, flow_amount, flow_timing. */
  flowFields?: Partial<Record<CanonicalField, FieldMapping>>;
  footerPatterns: string[];
  headerScanRows: number;
}

/** One file layout a vendor sends. A vendor may send several (the canonical CSV and JSON). */
export interface VendorSource {
  format: VendorFormat;
  /** Globs matched against the file name (case-insensitive). */
  filePatterns: string[];
  csv?: CsvOptions;
  json?: JsonOptions;
  xlsx?: XlsxOptions;
  numberFormat: NumberFormat;
  dateFormats: DateFormat[];
  fields: Partial<Record<CanonicalField, FieldMapping>>;
  flowArrays: FlowArrayMapping[];
  /** Flows read from the record's own fields; absent when none (so older versions hash alike). */
  flowFields?: FlowFieldMapping[];
  /** Set when the records are points of a time series rather than periods. */
  points?: PointsOptions;
}

export interface VendorTolerances {
  /** Return tolerance in basis points (undefined: the global default). */
  returnBps?: number;
  /** Market-value tolerance in currency units, a decimal string. */
  marketValueAbs?: string;
  /** Market-value tolerance as a fraction of the value. */
  marketValueRel?: number;
}

export interface VendorConfig {
  code: string;
  name: string;
  description?: string;
  sources: VendorSource[];
  /** Timing of flows that carry none themselves. */
  flowTiming: VendorFlowTiming;
  /** Return basis when the file does not say. */
  returnBasis: ReturnBasis;
  reportedPrecision?: ReportedPrecision;
  /** Accounts the vendor prints with another precision (a share class quoted to 18 decimals). */
  accountPrecision?: Record<string, ReportedPrecision>;
  /** A flow above this share of the begin market value is a large flow (SPEC §3). */
  largeFlowThreshold: number;
  tolerances: VendorTolerances;
  /** Where the configuration came from (not part of its version hash). */
  origin: { file: string; builtIn: boolean };
}

/** Every field mapping of a source: its fields and the parts of its flow fields. */
export function sourceMappings(source: VendorSource): FieldMapping[] {
  const flows = (source.flowFields ?? []).flatMap((f) => [f.amount, f.date, f.timing]);
  return [...Object.values(source.fields), ...flows].filter((m) => m !== undefined);
}

/** The headers or JSON paths a source's mappings read (aliases and summed terms). */
export function mappedSources(source: VendorSource): string[] {
  return sourceMappings(source).flatMap((m) => [...m.sources, ...(m.sum ?? []).map((t) => t.source)]);
}
