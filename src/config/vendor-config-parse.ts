// YAML text -> validated VendorConfig[]. Every problem names the file, line, column and key,
// and all problems of a file are reported together so a person fixes them in one pass.
import { Ajv, type ErrorObject } from 'ajv';
import { type Document, isMap, isNode, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../domain/errors.ts';
import { DEFAULT_FOOTER_PATTERNS } from '../domain/footer.ts';
import { compileGlob } from '../domain/glob.ts';
import {
  type CsvOptions,
  type FieldMapping,
  type JsonOptions,
  REQUIRED_FIELDS,
  type VendorConfig,
  type VendorFormat,
  type VendorSource,
  type XlsxOptions,
} from '../domain/vendor-config.ts';
import { isPathUnder } from '../map/json-path.ts';
import { parseDecimal } from '../map/number.ts';
import { isKnownEncoding } from '../read/decode.ts';
import {
  checkField,
  normalizeFields,
  normalizeFlows,
  normalizePoints,
  readsFile,
  toList,
} from './vendor-config-fields.ts';
import { vendorSchema } from './vendor-config-schema.ts';

/** Fields a time series takes from the previous point, never from its own record. */
const FROM_PREVIOUS_POINT = ['period_start', 'begin_market_value'] as const;

/** The paths a JSON mapping reads: its sources and its summed terms. */
const mappingPaths = (m: FieldMapping): string[] => [...m.sources, ...(m.sum ?? []).map((t) => t.source)];

export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Dotted key path, e.g. `vendors[0].sources[0].csv.delimiter`. */
  key: string;
  message: string;
}

/** A vendor configuration file is invalid; `issues` lists every problem with its line. */
export class VendorConfigError extends ConfigError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const lines = issues.map(
      (i) => `${i.file}:${i.line}:${i.column}: ${i.key ? `${i.key}: ` : ''}${i.message}`,
    );
    super(
      `invalid vendor configuration:\n  ${lines.join('\n  ')}`,
      'Fix the keys named above; vendors/README.md documents every key.',
    );
    this.issues = issues;
  }
}

type Path = (string | number)[];

// Every command loads the vendor configurations: compiling this schema was the largest part of
// a read-only command's start-up. Unoptimised code compiles in about half the time, and checks a
// handful of configurations no slower that anyone could tell; definitions stay functions of
// their own (`inlineRefs: false`) so each is compiled once, not at every place that refers to it.
const ajv = new Ajv({ allErrors: true, strict: false, inlineRefs: false, code: { optimize: false } });
const validateVendor = ajv.compile(vendorSchema);

function keyPath(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

class IssueCollector {
  readonly issues: ConfigIssue[] = [];
  private readonly file: string;
  private readonly doc: Document;
  private readonly lines: LineCounter;
  constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  private at(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Position of the node at `path`, or of its key when `atKey`, or of the nearest parent. */
  private position(path: Path, atKey: boolean): { line: number; column: number } {
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      if (atKey && n === path.length && n > 0) {
        const parent = this.doc.getIn(sub.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find(
            (p) => isNode(p.key) && (p.key as { value?: unknown }).value === sub.at(-1),
          );
          const range = pair && isNode(pair.key) ? pair.key.range : undefined;
          if (range) return this.at(range[0]);
        }
        continue;
      }
      const node = n === 0 ? this.doc.contents : this.doc.getIn(sub, true);
      if (isNode(node) && node.range) return this.at(node.range[0]);
    }
    return { line: 1, column: 1 };
  }

  add(path: Path, message: string, atKey = false): void {
    const { line, column } = this.position(path, atKey);
    this.issues.push({ file: this.file, line, column, key: keyPath(path), message });
  }
}

function ajvMessage(e: ErrorObject): { sub: Path; message: string; atKey: boolean } {
  const sub: Path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      return { sub: [...sub, key], message: 'unknown key', atKey: true };
    }
    case 'required':
      return { sub, message: `missing required key "${String(e.params.missingProperty)}"`, atKey: false };
    case 'pattern':
      return sub.at(-1) === 'cell'
        ? {
            sub,
            message: 'must be a cell reference such as "B2" (column letters, then the row number)',
            atKey: false,
          }
        : { sub, message: e.message ?? 'invalid', atKey: false };
    case 'enum':
      return {
        sub,
        message: `must be one of: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        atKey: false,
      };
    default:
      return { sub, message: e.message ?? 'invalid', atKey: false };
  }
}

/** Ajv reports every branch of an anyOf; keep the most specific errors per location. */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'anyOf') continue;
    // A type mismatch against one branch of an anyOf is noise when another branch went deeper.
    if (anyOfPaths.has(e.instancePath) && e.keyword === 'type') {
      // (an unknown or missing key of the object branch is as specific: it names the key)
      const deeper = errors.some(
        (o) =>
          o !== e &&
          (o.instancePath.startsWith(`${e.instancePath}/`) ||
            (o.instancePath === e.instancePath &&
              (o.keyword === 'additionalProperties' || o.keyword === 'required'))),
      );
      if (deeper) continue;
      if (!out.some((o) => o.instancePath === e.instancePath)) {
        out.push({ ...e, message: 'has the wrong type (see vendors/README.md for the accepted forms)' });
      }
      continue;
    }
    out.push(e);
  }
  return out;
}

/** An encoding the reader cannot decode is a configuration error, not a file's failure later. */
function checkEncoding(encoding: string, issues: IssueCollector, path: Path): void {
  if (!isKnownEncoding(encoding)) {
    issues.add(path, `unknown encoding "${encoding}" (e.g. auto, utf-8, utf-16le, windows-1252, latin1)`);
  }
}

const THOUSANDS_DEFAULT: Record<string, string[]> = { '.': [], ',': [] };

function normalizeSource(raw: Record<string, unknown>, issues: IssueCollector, path: Path): VendorSource {
  const format = raw.format as VendorFormat;
  const fields = normalizeFields(raw.fields);
  const decimal = (raw.decimal as '.' | ',' | undefined) ?? '.';
  const thousands = raw.thousands === undefined ? (THOUSANDS_DEFAULT[decimal] ?? []) : toList(raw.thousands);
  if (thousands.includes(decimal)) {
    issues.add(
      [...path, 'thousands'],
      `the thousands separator cannot be the decimal separator "${decimal}"`,
    );
  }
  const add = issues.add.bind(issues);
  const flows = normalizeFlows(raw.flows, format, [...path, 'flows'], add);
  const source: VendorSource = {
    format,
    filePatterns: toList(raw.file_patterns),
    numberFormat: { decimal, thousands: thousands.filter((t) => t !== '') },
    dateFormats:
      raw.date_format === undefined ? ['ISO'] : (toList(raw.date_format) as VendorSource['dateFormats']),
    fields,
    flowArrays: flows.arrays,
  };
  if (flows.fields.length > 0) source.flowFields = flows.fields;
  const points = normalizePoints(raw.periods);
  if (points) source.points = points;
  for (const [name, m] of Object.entries(fields)) checkField(name, m, format, [...path, 'fields', name], add);
  for (const [i, pattern] of source.filePatterns.entries()) {
    try {
      compileGlob(pattern);
    } catch (e) {
      issues.add([...path, 'file_patterns', i], (e as Error).message);
    }
  }
  for (const other of ['csv', 'json', 'xlsx'] as const) {
    if (other !== format && raw[other] !== undefined) {
      issues.add([...path, other], `"${other}" options given but the format is "${format}"`, true);
    }
  }
  const footer = (list: unknown): string[] =>
    list === undefined ? [...DEFAULT_FOOTER_PATTERNS] : toList(list);
  if (format === 'csv') {
    const o = (raw.csv ?? {}) as Record<string, unknown>;
    const csv: CsvOptions = {
      delimiter: o.delimiter === 'tab' ? '\t' : ((o.delimiter as string | undefined) ?? 'auto'),
      quote: (o.quote as string | undefined) ?? '"',
      encoding: (o.encoding as string | undefined) ?? 'auto',
      headerScanRows: (o.header_scan_rows as number | undefined) ?? 50,
      footerPatterns: footer(o.footer_patterns),
    };
    checkEncoding(csv.encoding, issues, [...path, 'csv', 'encoding']);
    source.csv = csv;
  } else if (format === 'json') {
    const o = (raw.json ?? {}) as Record<string, unknown>;
    if (raw.json === undefined)
      issues.add([...path, 'format'], 'a json source needs "json: { record_path: ... }"');
    const json: JsonOptions = {
      recordPath: String(o.record_path ?? 'records[]'),
      encoding: (o.encoding as string | undefined) ?? 'auto',
    };
    checkEncoding(json.encoding, issues, [...path, 'json', 'encoding']);
    if (o.schema !== undefined) {
      json.schema = o.schema as Record<string, unknown>;
      try {
        ajv.compile(json.schema);
      } catch (e) {
        issues.add([...path, 'json', 'schema'], `not a valid JSON Schema: ${(e as Error).message}`);
      }
    }
    source.json = json;
    const mapped: [(string | number)[], FieldMapping][] = [
      ...Object.entries(fields).map(([name, m]): [(string | number)[], FieldMapping] => [
        ['fields', name],
        m,
      ]),
      ...(source.flowFields ?? []).flatMap((f, i) =>
        (['amount', 'date', 'timing'] as const).flatMap((k): [(string | number)[], FieldMapping][] => {
          const m = f[k];
          return m ? [[['flows', i, k], m]] : [];
        }),
      ),
    ];
    for (const [at, m] of mapped) {
      const paths = mappingPaths(m);
      for (const [i, p] of paths.entries()) {
        if (!isPathUnder(p, json.recordPath)) {
          issues.add(
            [...path, ...at, ...(paths.length > 1 ? [i] : [])],
            `path "${p}" is not inside the records at "${json.recordPath}" (nor one of their parents)`,
          );
        }
      }
    }
    for (const [i, f] of source.flowArrays.entries()) {
      if (!f.array.startsWith(json.recordPath)) {
        issues.add(
          [...path, 'flows', i, 'array'],
          `flow array "${f.array}" is not inside "${json.recordPath}"`,
        );
      }
    }
  } else {
    const o = (raw.xlsx ?? {}) as Record<string, unknown>;
    const xlsx: XlsxOptions = {
      footerPatterns: footer(o.footer_patterns),
      headerScanRows: (o.header_scan_rows as number | undefined) ?? 50,
    };
    if (o.sheet !== undefined) xlsx.sheet = String(o.sheet);
    if (o.sheet_pattern !== undefined) xlsx.sheetPattern = String(o.sheet_pattern);
    if (o.flow_sheet !== undefined) xlsx.flowSheet = String(o.flow_sheet);
    if (o.flow_sheet_pattern !== undefined) xlsx.flowSheetPattern = String(o.flow_sheet_pattern);
    if (o.flow_fields !== undefined) xlsx.flowFields = normalizeFields(o.flow_fields);
    if (points && (xlsx.flowSheet !== undefined || xlsx.flowSheetPattern !== undefined)) {
      issues.add(
        [...path, 'xlsx', xlsx.flowSheet !== undefined ? 'flow_sheet' : 'flow_sheet_pattern'],
        'a time series ("periods: consecutive_points") takes its flows from each point; map them under "flows:"',
        true,
      );
    }
    source.xlsx = xlsx;
  }
  for (const field of REQUIRED_FIELDS) {
    const m = fields[field];
    const fromPrevious = points !== undefined && (FROM_PREVIOUS_POINT as readonly string[]).includes(field);
    if (fromPrevious) {
      if (m) {
        issues.add(
          [...path, 'fields', field],
          `with "periods: consecutive_points" ${field} comes from the previous point; remove this mapping`,
          true,
        );
      }
    } else if (!m) {
      issues.add(
        [...path, 'fields'],
        `required field "${field}" is not mapped${field === 'period_end' && points ? ' (the date of each point)' : ''}`,
        true,
      );
    } else if (!readsFile(m) && m.value === undefined) {
      issues.add([...path, 'fields', field], 'needs "from" (where to read it) or "value" (a constant)');
    }
  }
  for (const [name, m] of Object.entries(fields)) {
    if (m.unit !== undefined && name !== 'vendor_return') {
      issues.add([...path, 'fields', name, 'unit'], '"unit" applies to vendor_return only', true);
    }
    if (!readsFile(m) && m.value === undefined && m.default === undefined) {
      issues.add([...path, 'fields', name], 'needs "from", "value" or "default"');
    }
  }
  return source;
}

function normalizeVendor(
  raw: Record<string, unknown>,
  issues: IssueCollector,
  path: Path,
  origin: VendorConfig['origin'],
) {
  let sources: VendorSource[];
  const inlineKeys = [
    'format',
    'file_patterns',
    'csv',
    'json',
    'xlsx',
    'decimal',
    'thousands',
    'date_format',
    'fields',
    'flows',
    'periods',
  ];
  if (raw.sources !== undefined) {
    for (const k of inlineKeys) {
      if (raw[k] !== undefined)
        issues.add([...path, k], 'give either "sources" or the single-source keys, not both', true);
    }
    sources = (raw.sources as Record<string, unknown>[]).map((s, i) =>
      normalizeSource(s, issues, [...path, 'sources', i]),
    );
  } else if (raw.format === undefined) {
    issues.add(path, 'missing "format" (or "sources" for a vendor that sends several formats)');
    return undefined;
  } else {
    if (raw.fields === undefined) issues.add(path, 'missing required key "fields"');
    const inline = Object.fromEntries(inlineKeys.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));
    sources = [normalizeSource(inline, issues, path)];
  }
  const tolerancesRaw = (raw.tolerances ?? {}) as Record<string, unknown>;
  const tolerances: VendorConfig['tolerances'] = {};
  if (tolerancesRaw.return_bps !== undefined) tolerances.returnBps = Number(tolerancesRaw.return_bps);
  if (tolerancesRaw.market_value_rel !== undefined)
    tolerances.marketValueRel = Number(tolerancesRaw.market_value_rel);
  if (tolerancesRaw.market_value_abs !== undefined) {
    const parsed = parseDecimal(String(tolerancesRaw.market_value_abs), { decimal: '.', thousands: [] });
    if (parsed.ok && !parsed.value.startsWith('-')) tolerances.marketValueAbs = parsed.value;
    else issues.add([...path, 'tolerances', 'market_value_abs'], 'must be a non-negative decimal number');
  }
  const vendor: VendorConfig = {
    code: String(raw.code),
    name: String(raw.name),
    sources,
    flowTiming: (raw.flow_timing as VendorConfig['flowTiming'] | undefined) ?? 'end_of_day',
    returnBasis: (raw.return_basis as VendorConfig['returnBasis'] | undefined) ?? 'gross',
    largeFlowThreshold: (raw.large_flow_threshold as number | undefined) ?? 0.1,
    tolerances,
    origin,
  };
  if (raw.description !== undefined) vendor.description = String(raw.description);
  if (raw.reported_precision !== undefined) {
    const rp = raw.reported_precision as NonNullable<VendorConfig['reportedPrecision']> & {
      accounts?: VendorConfig['accountPrecision'];
    };
    vendor.reportedPrecision = { decimals: rp.decimals, unit: rp.unit };
    if (rp.accounts !== undefined) vendor.accountPrecision = { ...rp.accounts };
  }
  return vendor;
}

/**
 * Parse one YAML file holding either a single vendor (a map with `code`) or `vendors:` (a list).
 * Other top-level keys of a `vendors:` file belong to other parts of perfrecon and are ignored.
 */
export function parseVendorYaml(text: string, file: string, builtIn: boolean): VendorConfig[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues = new IssueCollector(file, doc, lines);
  if (doc.errors.length > 0) {
    // Later syntax errors are mostly echoes of the first; report the first only.
    for (const e of doc.errors.slice(0, 1)) {
      const pos = lines.linePos(e.pos[0]);
      issues.issues.push({
        file,
        line: pos.line,
        column: pos.col,
        key: '',
        message: e.message.split('\n')[0] ?? e.message,
      });
    }
    throw new VendorConfigError(issues.issues);
  }
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined) return [];
  let entries: { raw: unknown; path: Path }[];
  if (typeof data === 'object' && !Array.isArray(data) && 'vendors' in data) {
    const list = (data as { vendors: unknown }).vendors;
    if (!Array.isArray(list)) {
      issues.add(['vendors'], 'must be a list of vendors');
      throw new VendorConfigError(issues.issues);
    }
    entries = list.map((raw, i) => ({ raw, path: ['vendors', i] }));
  } else if (typeof data === 'object' && !Array.isArray(data) && 'code' in data) {
    entries = [{ raw: data, path: [] }];
  } else {
    issues.add([], 'expected a vendor (a map with "code") or a "vendors:" list');
    throw new VendorConfigError(issues.issues);
  }
  const vendors: VendorConfig[] = [];
  const seen = new Map<string, Path>();
  for (const { raw, path } of entries) {
    if (!validateVendor(raw)) {
      for (const e of relevantErrors(validateVendor.errors ?? [])) {
        const { sub, message, atKey } = ajvMessage(e);
        issues.add([...path, ...sub], message, atKey);
      }
      continue;
    }
    const vendor = normalizeVendor(raw as Record<string, unknown>, issues, path, { file, builtIn });
    if (!vendor) continue;
    if (seen.has(vendor.code))
      issues.add([...path, 'code'], `vendor code "${vendor.code}" is defined twice in this file`);
    seen.set(vendor.code, path);
    vendors.push(vendor);
  }
  if (issues.issues.length > 0) {
    throw new VendorConfigError([...issues.issues].sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return vendors;
}
