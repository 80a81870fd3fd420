// The raw view of a sample file that `vendors draft` guesses from: its format (by extension,
// else by its first bytes), encoding and delimiter with the evidence, and its first rows (CSV,
// each sheet of a workbook) or its parsed document (JSON). Samples are small: the first rows
// tell the layout, so at most SAMPLE_ROWS rows per sheet and SAMPLE_BYTES of text are read.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import { FileRejectedError } from '../domain/errors.ts';
import type { RawSample, SampleCell, SampleSheet } from '../map/draft/index.ts';
import { CANDIDATE_DELIMITERS } from './csv.ts';
import { decodeBuffer, detectEncoding, type Encoding, readSample } from './decode.ts';
import { convertCellValue } from './excel/cell-value.ts';
import { MergedCellFiller } from './excel/merged-cells.ts';
import { streamWorksheets } from './excel/streaming-workbook.ts';
import { checkWorkbookParts, openWorkbookFile } from './excel/workbook-file.ts';

const SAMPLE_ROWS = 2000;
const SAMPLE_BYTES = 4 * 1024 * 1024;
const MAX_JSON_BYTES = 64 * 1024 * 1024;

const NAMES: Record<string, string> = {
  utf8: 'utf-8',
  utf16le: 'utf-16le',
  utf16be: 'utf-16be',
  'windows-1252': 'windows-1252',
};

function encodingOf(bytes: Buffer): { encoding: Encoding; name: string; evidence: string } {
  const encoding = detectEncoding(bytes);
  const name = NAMES[encoding.name] ?? encoding.name;
  const evidence =
    encoding.how === 'bom'
      ? `${name} (byte-order mark)`
      : encoding.name === 'utf8'
        ? 'utf-8 (every byte sequence is valid UTF-8)'
        : encoding.name === 'windows-1252'
          ? 'windows-1252 (bytes that are not UTF-8, no zero bytes)'
          : `${name} (zero bytes in every other position)`;
  return { encoding, name, evidence };
}

async function formatOf(filePath: string): Promise<RawSample['format']> {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.json') return 'json';
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  const head = await readSample(filePath, 8);
  if (head[0] === 0x50 && head[1] === 0x4b) return 'xlsx';
  return /^\s*[[{]/.test(head.toString('latin1')) ? 'json' : 'csv';
}

/**
 * The delimiter under which most rows have one same number of fields (more than one); on a tie,
 * the one giving more fields. No header names are known yet, so regularity is the evidence.
 */
function regularDelimiter(text: string): {
  delimiter: string;
  rows: string[][];
  width: number;
  count: number;
} {
  let best: { delimiter: string; rows: string[][]; width: number; count: number } | undefined;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const rows = Papa.parse<string[]>(text, { delimiter, quoteChar: '"', skipEmptyLines: false }).data;
    // A final line break leaves one empty row behind; it is not a row of the file.
    if (rows.length > 0 && rows.at(-1)?.length === 1 && rows.at(-1)?.[0] === '') rows.pop();
    const widths = new Map<number, number>();
    for (const r of rows.slice(0, 200))
      if (r.length > 1) widths.set(r.length, (widths.get(r.length) ?? 0) + 1);
    const [width, count] = [...widths].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0] ?? [1, 0];
    if (!best || count > best.count || (count === best.count && width > best.width))
      best = { delimiter, rows, width, count };
  }
  return best as { delimiter: string; rows: string[][]; width: number; count: number };
}

async function csvSample(filePath: string): Promise<RawSample> {
  const bytes = await readSample(filePath, SAMPLE_BYTES);
  const { encoding, name, evidence } = encodingOf(bytes);
  let text = decodeBuffer(bytes, encoding);
  // A sample cut inside the file ends in the middle of a line: drop that line.
  if ((await stat(filePath)).size > bytes.length) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
  const { delimiter, rows: parsed, width, count } = regularDelimiter(text);
  const rows = parsed
    .slice(0, SAMPLE_ROWS)
    .map((cells, i) => ({ number: i + 1, cells: cells as SampleCell[] }));
  const shown = delimiter === '\t' ? 'tab' : `"${delimiter}"`;
  return {
    format: 'csv',
    encoding: name,
    encodingEvidence: evidence,
    delimiter,
    delimiterEvidence: `${shown}: ${count} of ${rows.length} rows have ${width} fields`,
    sheet: { name: path.basename(filePath), rows },
  };
}

async function xlsxSample(filePath: string, file: string): Promise<RawSample> {
  const workbook = await openWorkbookFile(filePath, file);
  const byPart = new Map(
    workbook.structure.sheets.flatMap((s) =>
      s.part !== undefined && s.kind === 'worksheet' ? [[s.part, s.name] as const] : [],
    ),
  );
  const merges = await checkWorkbookParts(workbook, byPart, file);
  const sheets: SampleSheet[] = [];
  for await (const streamed of streamWorksheets(filePath)) {
    const name = byPart.get(streamed.part);
    if (name === undefined) {
      streamed.skip();
      continue;
    }
    const rows: SampleSheet['rows'] = [];
    // A label merged down over a two-row header names its column on the lower row too.
    const filler = new MergedCellFiller(merges.get(streamed.part) ?? []);
    for await (const batch of streamed.rowBatches()) {
      for (const row of batch) {
        if (rows.length >= SAMPLE_ROWS) continue;
        // Array.from, not map: exceljs leaves holes for empty cells.
        const cells = Array.from(row.values, (v) => convertCellValue(v).value);
        filler.fill(row.number, cells, 'vertical');
        rows.push({ number: row.number, cells: cells.slice(1) });
      }
    }
    sheets.push({ name, rows });
  }
  // Tab order, as a person sees the workbook.
  const order = workbook.structure.sheets.map((s) => s.name);
  sheets.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return { format: 'xlsx', sheets, date1904: workbook.structure.date1904 };
}

async function jsonSample(filePath: string, file: string): Promise<RawSample> {
  if ((await stat(filePath)).size > MAX_JSON_BYTES) {
    throw new FileRejectedError(
      `the sample is larger than ${MAX_JSON_BYTES / 1024 / 1024} MB`,
      { file },
      'Draft from a smaller sample of the same layout (a day or a few accounts).',
    );
  }
  const bytes = await readFile(filePath);
  const { encoding, name, evidence } = encodingOf(bytes);
  try {
    return {
      format: 'json',
      encoding: name,
      encodingEvidence: evidence,
      document: JSON.parse(decodeBuffer(bytes, encoding)),
    };
  } catch (e) {
    throw new FileRejectedError(
      `not valid JSON: ${(e as Error).message}`,
      { file },
      'Check that the sample is a complete JSON document.',
    );
  }
}

export async function readDraftSample(
  filePath: string,
  fileName = path.basename(filePath),
): Promise<RawSample> {
  const format = await formatOf(filePath);
  if (format === 'xlsx') return xlsxSample(filePath, fileName);
  if (format === 'json') return jsonSample(filePath, fileName);
  return csvSample(filePath);
}
