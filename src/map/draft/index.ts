// `vendors draft`: a sample file's raw view -> a proposed vendor configuration (YAML) with the
// evidence for each finding and a TODO on every line a person must decide or check. Pure.
import { CANONICAL_FIELDS, type CanonicalField, REQUIRED_FIELDS } from '../../domain/vendor-config.ts';
import type { Guess } from './guess.ts';
import { csvLayout, jsonLayout, type Layout, xlsxLayout } from './layouts.ts';
import { DraftLines } from './render.ts';
import type { RawSample } from './sample.ts';
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

const q = JSON.stringify;

/** `vendorb_perf_2024-02.xlsx` -> `vendorb_perf_*.xlsx`: the dates and counters of a series. */
export function filePattern(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
  const wild = stem.replace(/\d[\d_.-]*\d|\d/g, '*').replace(/\*+/g, '*');
  return `${wild.includes('*') ? wild : `${wild}*`}${ext.toLowerCase()}`;
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
  for (const field of CANONICAL_FIELDS) {
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
