// The three kinds of sample as a layout to draft: a CSV table, a workbook's periods sheet (and
// flow sheet), a JSON document's records and flow arrays; each with its evidence and the
// format's own block of the configuration (`csv:`, `xlsx:`, `json:`).
import { FileRejectedError } from '../../domain/errors.ts';
import { DEFAULT_FOOTER_PATTERNS } from '../../domain/footer.ts';
import { REQUIRED_FIELDS } from '../../domain/vendor-config.ts';
import { type FieldGuesses, guessFields } from './guess.ts';
import { jsonRecords } from './json-records.ts';
import type { DraftLines } from './render.ts';
import type { RawSample, SampleColumn } from './sample.ts';
import { readTable, type Table } from './table.ts';

const q = JSON.stringify;

export interface Layout {
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

export function csvLayout(sample: Extract<RawSample, { format: 'csv' }>, file: string): Layout {
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

export function xlsxLayout(sample: Extract<RawSample, { format: 'xlsx' }>, file: string): Layout {
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

export function jsonLayout(sample: Extract<RawSample, { format: 'json' }>, file: string): Layout {
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
