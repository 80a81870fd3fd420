// `vendors draft`: a sample file's raw view -> a proposed vendor configuration (YAML) with the
// evidence for each finding and a TODO on every line a person must decide or check. Pure.
import { FileRejectedError } from '../../domain/errors.ts';
import { DEFAULT_FOOTER_PATTERNS } from '../../domain/footer.ts';
import { type CanonicalField, REQUIRED_FIELDS } from '../../domain/vendor-config.ts';
import { type FieldGuesses, type Guess, guessFields } from './guess.ts';
import { jsonRecords } from './json-records.ts';
import { DraftLines } from './render.ts';
import type { RawSample, SampleColumn } from './sample.ts';
import { readTable, type Table } from './table.ts';
import { titleAccount, titleCurrency, titleDate, titleText } from './title-values.ts';

export type { RawSample, SampleCell, SampleSheet } from './sample.ts';

export interface DraftOptions {
  /** The vendor code to write (lower case). */
  code: string;
  /** The sample's file name, for the file pattern and the comments. */
  fileName: string;
}

export interface VendorDraft {
  yaml: string;
  /** Every `TODO id: why` of the draft, in order. */
  todos: string[];
}

const FIELD_ORDER: readonly CanonicalField[] = [
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

const q = JSON.stringify;

/** `vendorb_perf_2024-02.xlsx` -> `vendorb_perf_*.xlsx`: the dates and counters of a series. */
export function filePattern(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
  const wild = stem.replace(/\d[\d_.-]*\d|\d/g, '*').replace(/\*+/g, '*');
  return `${wild.includes('*') ? wild : `${wild}*`}${ext.toLowerCase()}`;
}

interface Layout {
  evidence: string[];
  /** The format's own block (`csv:`, `json:`, `xlsx:`) as lines. */
  block: (lines: DraftLines) => void;
  guesses: FieldGuesses;
  titleRows?: Table['titleRows'];
  /** Flow arrays (JSON) or a flow sheet (Excel), written under `flows:` / `xlsx:`. */
  flowArrays?: { array: string; amount: string; date?: string; timing?: string; negate: boolean }[];
}

const requiredCount = (g: FieldGuesses): number =>
  REQUIRED_FIELDS.filter((f) => g.fields[f] !== undefined).length + (g.points ? 2 : 0);

function noHeader(file: string, where: string): FileRejectedError {
  return new FileRejectedError(
    `no header row found${where}: no row of words followed by rows of values`,
    { file },
    'Check that the file is a vendor performance file; a file without a header row needs its columns named by hand.',
  );
}

function tableBlock(table: Table, lines: DraftLines, indent: number): void {
  if (table.headerRow > 50) lines.plain(indent, `header_scan_rows: ${table.headerRow + 5}`);
  if (table.extraFooters.length > 0)
    lines.plain(
      indent,
      `footer_patterns: [${[...DEFAULT_FOOTER_PATTERNS, ...table.extraFooters].map((p) => q(p)).join(', ')}]`,
    );
}

function tableEvidence(table: Table): string[] {
  const titles = table.titleRows.length;
  return [
    `header: row ${table.headerRow}${titles > 0 ? ` (${titles} row${titles === 1 ? '' : 's'} above it)` : ''}, ${table.columns.length} columns, ${table.dataRows} data rows`,
  ];
}

function csvLayout(sample: Extract<RawSample, { format: 'csv' }>, file: string): Layout {
  const table = readTable(sample.sheet);
  if (!table) throw noHeader(file, '');
  const delimiter = sample.delimiter === '\t' ? 'tab' : sample.delimiter;
  return {
    evidence: [
      `format: CSV`,
      `encoding: ${sample.encodingEvidence}`,
      `delimiter: ${sample.delimiterEvidence}`,
      ...tableEvidence(table),
    ],
    block: (lines) => {
      lines.plain(0, 'csv:');
      lines.plain(2, `delimiter: ${q(delimiter)}`);
      lines.plain(2, `encoding: ${sample.encoding}`);
      tableBlock(table, lines, 2);
    },
    guesses: guessFields(table.columns, { serialDates: false }),
    titleRows: table.titleRows,
  };
}

function flowSheetFields(
  table: Table,
): { account: string; date: string; amount: string; guesses: FieldGuesses } | undefined {
  const g = guessFields(table.columns, { serialDates: true });
  const account = table.columns.find((c) => g.fields.account_id?.yaml.includes(c.name));
  const dated = g.dateEvidence.map((e) => e.slice(0, e.indexOf(':')));
  const amount = table.columns.find(
    (c) => /\b(amount|betrag|flow|value)\b/i.test(c.name) && !dated.includes(c.name),
  );
  if (!account || dated.length === 0 || !amount) return undefined;
  return { account: account.name, date: dated[0] as string, amount: amount.name, guesses: g };
}

function xlsxLayout(sample: Extract<RawSample, { format: 'xlsx' }>, file: string): Layout {
  const tables = sample.sheets.flatMap((s) => {
    const t = readTable(s);
    return t ? [{ table: t, guesses: guessFields(t.columns, { serialDates: true }) }] : [];
  });
  const main = [...tables].sort(
    (a, b) => requiredCount(b.guesses) - requiredCount(a.guesses) || b.table.dataRows - a.table.dataRows,
  )[0];
  if (!main) throw noHeader(file, ` on any sheet (${sample.sheets.map((s) => `"${s.name}"`).join(', ')})`);
  const flowSheet = tables
    .filter((t) => t !== main && /flow|cash|transaction|bewegung/i.test(t.table.sheet))
    .map((t) => ({ table: t.table, fields: flowSheetFields(t.table) }))
    .find((t) => t.fields !== undefined);
  const guesses = main.guesses;
  const flowDates = flowSheet?.fields?.guesses;
  if (flowDates) {
    // One date_format serves both sheets: the flow sheet's dates count too.
    guesses.dateFormats = [...new Set([...guesses.dateFormats, ...flowDates.dateFormats])];
    guesses.dateEvidence.push(...flowDates.dateEvidence.map((e) => `"${flowSheet?.table.sheet}" ${e}`));
  }
  if (flowSheet && guesses.fields.flow_amount) {
    // The flow sheet's dated flows are the same money as a net-flow column: never both.
    guesses.unplaced.push(`${guesses.fields.flow_amount.yaml} (net flows: the flow sheet has them dated)`);
    delete guesses.fields.flow_amount;
  }
  const evidence = [
    `format: Excel workbook; sheets ${sample.sheets.map((s) => `"${s.name}"`).join(', ')}${sample.date1904 ? ' (1904 date system)' : ''}`,
    `sheet: "${main.table.sheet}" (its header holds the most canonical fields)`,
    ...tableEvidence(main.table),
  ];
  if (flowSheet) evidence.push(`flow sheet: "${flowSheet.table.sheet}" (account, date and amount columns)`);
  return {
    evidence,
    block: (lines) => {
      lines.plain(0, 'xlsx:');
      lines.plain(2, `sheet: ${q(main.table.sheet)}`);
      tableBlock(main.table, lines, 2);
      if (flowSheet?.fields) {
        lines.plain(2, `flow_sheet: ${q(flowSheet.table.sheet)}`);
        lines.plain(2, 'flow_fields:');
        lines.plain(4, `account_id: ${q(flowSheet.fields.account)}`);
        lines.plain(4, `flow_date: ${q(flowSheet.fields.date)}`);
        lines.plain(4, `flow_amount: ${q(flowSheet.fields.amount)}`);
      }
    },
    guesses,
    titleRows: main.table.titleRows,
  };
}

function arrayFlow(array: {
  array: string;
  columns: SampleColumn[];
}): NonNullable<Layout['flowArrays']>[number] | undefined {
  const named = (pattern: RegExp) => array.columns.find((c) => pattern.test(c.name))?.name;
  const amount = named(/^(amount|value|betrag|flow ?amount)$/i);
  if (amount === undefined) return undefined;
  const date = named(/date|datum/i);
  const timing = named(/timing/i);
  return {
    array: array.array,
    amount,
    ...(date !== undefined ? { date } : {}),
    ...(timing !== undefined ? { timing } : {}),
    negate: /withdrawal|redemption|outflow/i.test(array.array),
  };
}

function jsonLayout(sample: Extract<RawSample, { format: 'json' }>, file: string): Layout {
  const found = jsonRecords(sample.document);
  if (!found) {
    throw new FileRejectedError(
      'no array of records with dates and numbers found in the document',
      { file },
      'Check that the file is a vendor performance file; name json.record_path by hand otherwise.',
    );
  }
  const flowArrays = found.arrays.flatMap((a) => arrayFlow(a) ?? []);
  return {
    evidence: [
      'format: JSON',
      `encoding: ${sample.encodingEvidence}`,
      `records: ${found.records} at ${found.recordPath} (the array with the most dated and numeric values)`,
      ...flowArrays.map((f) => `flow array: ${f.array}`),
    ],
    block: (lines) => {
      lines.plain(0, 'json:');
      lines.plain(2, `record_path: ${q(found.recordPath)}`);
      lines.plain(2, `encoding: ${sample.encoding}`);
    },
    guesses: guessFields(found.columns, { serialDates: false, documentPrefix: '$.' }),
    flowArrays,
  };
}

function fieldGuess(field: CanonicalField, layout: Layout): Guess | undefined {
  const guess = layout.guesses.fields[field];
  if (guess || !layout.titleRows || layout.titleRows.length === 0) return guess;
  if (field === 'account_id') return titleAccount(layout.titleRows);
  if (field === 'currency') return titleCurrency(layout.titleRows);
  if (field === 'period_end') return titleDate(layout.titleRows, layout.guesses.dateFormats);
  return undefined;
}

function missingReason(field: CanonicalField, layout: Layout): string {
  const where = layout.titleRows ? `; ${titleText(layout.titleRows)}` : '';
  const forms = layout.titleRows
    ? 'a column name, a title cell ({ cell: B2 }), a title row ({ title: "^Account: (.+)" }) or a constant ({ value: ... })'
    : 'a path, a document path ("$.report.currency") or a constant ({ value: ... })';
  return `no column looks like ${field}${where}; give ${forms}`;
}

export function draftVendorConfig(sample: RawSample, options: DraftOptions): VendorDraft {
  const layout =
    sample.format === 'csv'
      ? csvLayout(sample, options.fileName)
      : sample.format === 'xlsx'
        ? xlsxLayout(sample, options.fileName)
        : jsonLayout(sample, options.fileName);
  const g = layout.guesses;
  const lines = new DraftLines();
  lines.comment(0, `Drafted by "perfrecon vendors draft" from ${options.fileName}. What the file showed:`);
  for (const e of layout.evidence) lines.comment(2, e);
  lines.comment(2, `numbers: ${g.numberEvidence}`);
  for (const e of g.dateEvidence) lines.comment(2, `dates: ${e}`);
  if (g.points) lines.comment(2, `time series: ${g.points.evidence}`);
  if (g.unplaced.length > 0) lines.comment(2, `not mapped: ${g.unplaced.join(', ')}`);
  lines.comment(0, 'Settle every TODO, then check it: perfrecon vendors check-config --config THIS_FILE');
  lines.comment(
    0,
    `and preview the rows: PERFRECON_CONFIG=THIS_FILE perfrecon ingest ${options.fileName} --vendor ${options.code} --dry-run`,
  );
  lines.plain(0, `code: ${options.code}`);
  lines.plain(0, `name: ${q(`Drafted from ${options.fileName}`)}`);
  lines.value(
    0,
    'flow_timing',
    { yaml: 'end_of_day', todo: 'when flows without a timing count: end_of_day, start_of_day or mixed' },
    'flow_timing',
  );
  lines.value(
    0,
    'return_basis',
    { yaml: 'gross', todo: 'gross or net of fees, where the file does not say' },
    'return_basis',
  );
  lines.plain(0, `format: ${sample.format}`);
  lines.plain(0, `file_patterns: [${q(filePattern(options.fileName))}]`);
  layout.block(lines);
  lines.plain(0, `decimal: ${q(g.numberFormat.decimal)}`);
  if (g.numberFormat.thousands.length > 0) lines.plain(0, `thousands: ${q(g.numberFormat.thousands[0])}`);
  const dates = `[${g.dateFormats.join(', ')}]`;
  if (g.dateTodo) lines.value(0, 'date_format', { yaml: dates, todo: g.dateTodo }, 'date_format');
  else lines.plain(0, `date_format: ${dates}`);
  if (g.points) {
    lines.value(
      0,
      'periods',
      {
        yaml: `{ from: consecutive_points, spacing: ${g.points.spacing}, on_gap: skip }`,
        todo: 'a time series (dates and end values, no begin values): check the spacing (days, business_days, months, any) and on_gap (skip: no period over a missing date; flag: a period with a warning)',
      },
      'periods',
    );
  }
  lines.plain(0, 'fields:');
  for (const field of FIELD_ORDER) {
    if (g.points && (field === 'period_start' || field === 'begin_market_value')) continue;
    const guess = fieldGuess(field, layout);
    if (guess) lines.value(2, field, guess, `fields.${field}`);
    else if (REQUIRED_FIELDS.includes(field))
      lines.missing(2, `fields.${field}`, missingReason(field, layout));
  }
  if (g.flows.length > 0 || (layout.flowArrays?.length ?? 0) > 0) {
    lines.plain(0, 'flows:');
    g.flows.forEach((flow, i) => {
      lines.value(2, 'amount', flow.amount, `flows.${i}.amount`, '- ');
      if (flow.date) lines.value(4, 'date', flow.date, `flows.${i}.date`);
      lines.value(4, 'timing', flow.timing, `flows.${i}.timing`);
    });
    for (const f of layout.flowArrays ?? []) {
      lines.plain(2, `- array: ${q(f.array)}`);
      lines.plain(4, `amount: ${q(f.amount)}`);
      if (f.date !== undefined) lines.plain(4, `date: ${q(f.date)}`);
      if (f.timing !== undefined) lines.plain(4, `timing: ${q(f.timing)}`);
      if (f.negate) lines.plain(4, 'negate: true');
    }
  }
  return { yaml: lines.text(), todos: lines.todos };
}
