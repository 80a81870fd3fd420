// CSV (and delimited text) -> raw records, streamed. papaparse runs in array mode (rows as
// string arrays, not header objects: about 5x faster on 1M rows) behind a streaming decoder,
// so a file of any size is read in bounded memory. The header row is found by content (title
// rows above it are skipped), and blank, total and footer rows below it are skipped and
// reported, never silently dropped.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import { FileRejectedError } from '../domain/errors.ts';
import { footerPrefixMatches } from '../domain/footer.ts';
import { emptyValues, normalizeHeader, type RawRecord, type ReadRecord } from '../domain/read-row.ts';
import type { VendorSource } from '../domain/vendor-config.ts';
import { countLines, MAX_RECORD_CHARS, recordTooLong } from './csv-record-limit.ts';
import { createDecoder, decodeBuffer, detectEncoding, type Encoding, readSample } from './decode.ts';
import { documentRefs, documentValues } from './document-values.ts';
import {
  findHeader,
  type HeaderMatch,
  MissingColumnsError,
  missingColumnsMessage,
  type RequiredHeader,
  requiredHeaders,
} from './header.ts';
import type { ReaderHooks } from './hooks.ts';
import { InvalidUtf8Finder, notUtf8Error } from './not-utf8.ts';

export const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'];

function parseSample(text: string, delimiter: string, quoteChar: string): string[][] {
  // Drop the last line: the sample may end in the middle of it.
  const cut = text.lastIndexOf('\n');
  const body = cut > 0 ? text.slice(0, cut) : text;
  return Papa.parse<string[]>(body, { delimiter, quoteChar, skipEmptyLines: false }).data;
}

/** Pick the delimiter under which a row holds the required headers; else the most regular one. */
export function detectDelimiter(
  text: string,
  quoteChar: string,
  required: RequiredHeader[],
  scanRows: number,
): { delimiter: string; header: HeaderMatch | undefined } {
  let best: { delimiter: string; header: HeaderMatch | undefined; score: number } | undefined;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const rows = parseSample(text, delimiter, quoteChar);
    const header = findHeader(rows.slice(0, scanRows), required);
    let score: number;
    if (header.found) {
      score = 1e9 + (rows[header.index]?.length ?? 0);
    } else {
      // Most rows sharing one field count (> 1) wins.
      const counts = new Map<number, number>();
      for (const r of rows.slice(0, 200))
        if (r.length > 1) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
      score = Math.max(0, ...counts.values());
    }
    if (!best || score > best.score) best = { delimiter, header: header.found ? header : undefined, score };
  }
  return { delimiter: best?.delimiter ?? ',', header: best?.header };
}

/** Unique keys for the record: duplicates get ` (2)`, empty headers `(column N)`. */
export function headerKeys(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((h, i) => {
    const name = h.replace(/^\uFEFF/, '').trim() || `(column ${i + 1})`;
    const norm = normalizeHeader(name);
    const n = (seen.get(norm) ?? 0) + 1;
    seen.set(norm, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

/** The line ending of the file, from its first line break. */
export function newlineOf(text: string): '\r\n' | '\n' | '\r' {
  const lf = text.indexOf('\n');
  if (lf > 0 && text[lf - 1] === '\r') return '\r\n';
  if (lf >= 0) return '\n';
  return text.includes('\r') ? '\r' : '\n';
}

interface RowStream {
  filePath: string;
  file: string;
  encoding: Encoding;
  delimiter: string;
  quoteChar: string;
  newline: '\r\n' | '\n' | '\r';
  maxRecordChars: number;
  onProgress: (bytesRead: number) => void;
  onInvalidUtf8: (at: { line: number; column: number }) => void;
}

/**
 * Rows of a delimited file, streamed in batches: bytes -> decoder -> papaparse's low-level parser
 * in array mode, one decoded chunk (one batch of rows) at a time. A row cut at a chunk's end (even inside a quoted field
 * spanning lines) is carried over to the next chunk via the parser's cursor. Backpressure is
 * natural: the next chunk is read only when the consumer asks for more. A carried-over
 * record longer than maxRecordChars rejects the file (csv-record-limit.ts); the first byte that
 * is not UTF-8 in a file read as UTF-8 is reported through onInvalidUtf8.
 */
async function* parseRows(stream: RowStream): AsyncGenerator<string[][]> {
  const { delimiter, quoteChar, newline } = stream;
  const input = createReadStream(stream.filePath, { highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
    stream.onProgress(bytesRead);
  });
  const decoder = createDecoder(stream.encoding);
  input.on('error', (e) => decoder.destroy(e));
  input.pipe(decoder);
  const parser = new Papa.Parser({ delimiter, quoteChar, newline, skipEmptyLines: false });
  let invalidUtf8 = stream.encoding.name === 'utf8' ? new InvalidUtf8Finder() : undefined;
  let partial = '';
  /** Line breaks before `partial`, to say where an over-long record starts. */
  let linesBefore = 0;
  try {
    for await (const chunk of decoder) {
      const bad = invalidUtf8?.find(chunk as string);
      if (bad !== undefined) {
        stream.onInvalidUtf8(bad);
        invalidUtf8 = undefined;
      }
      const text = partial + (chunk as string);
      const result = parser.parse(text, 0, true) as { data: string[][]; meta: { cursor: number } };
      linesBefore += countLines(text, newline, 0, result.meta.cursor);
      partial = text.slice(result.meta.cursor);
      if (partial.length > stream.maxRecordChars) {
        throw recordTooLong(stream.file, partial, linesBefore + 1, {
          delimiter,
          quote: quoteChar,
          newline,
          maxChars: stream.maxRecordChars,
        });
      }
      if (result.data.length > 0) yield result.data;
    }
    if (partial !== '') {
      const result = parser.parse(partial, 0, false) as { data: string[][] };
      // A final line break leaves one empty row behind; it is not a row of the file.
      const data = result.data;
      if (
        data.length > 0 &&
        partial.endsWith(newline) &&
        data.at(-1)?.length === 1 &&
        data.at(-1)?.[0] === ''
      )
        data.pop();
      if (data.length > 0) yield data;
    }
  } finally {
    input.destroy();
    decoder.destroy();
  }
}

/** Whether every cell from `from` on is empty or spaces (a cell with no space to trim is checked cheaply). */
function isBlank(row: readonly string[], from = 0): boolean {
  for (let i = from; i < row.length; i++) {
    const cell = row[i] as string;
    if (cell.length > 0 && cell.trim() !== '') return false;
  }
  return true;
}

/** A total or footer row: its first non-empty cell matches a footer pattern (normalized once, by the caller). */
function isFooter(row: readonly string[], footers: readonly string[]): boolean {
  const first = normalizeHeader(row.find((c) => c.trim() !== '') ?? '');
  return footers.some((p) => footerPrefixMatches(first, p));
}

export async function* readCsvRecords(
  filePath: string,
  source: VendorSource,
  hooks: ReaderHooks = {},
  limits: { maxRecordChars?: number } = {},
): AsyncGenerator<ReadRecord> {
  const options = source.csv;
  if (!options) throw new Error('readCsvRecords needs a csv source');
  const file = hooks.fileName ?? path.basename(filePath);
  const totalBytes = (await stat(filePath)).size;
  if (totalBytes === 0) {
    throw new FileRejectedError(
      'the file is empty (0 bytes)',
      { file },
      'Ask the vendor to resend the file.',
    );
  }
  const sample = await readSample(filePath);
  const encoding = detectEncoding(sample, options.encoding);
  const required = requiredHeaders(source);
  let delimiter = options.delimiter;
  if (delimiter === 'auto') {
    delimiter = detectDelimiter(
      decodeBuffer(sample, encoding),
      options.quote,
      required,
      options.headerScanRows,
    ).delimiter;
  }
  const footers = options.footerPatterns.map(normalizeHeader);

  const sampleText = decodeBuffer(sample, encoding);
  // Bytes that are not UTF-8 reject the file once its header is found; before that, a missing
  // header says more (a file that is no CSV at all is rarely UTF-8 either).
  let invalidUtf8: FileRejectedError | undefined;
  const rows = parseRows({
    filePath,
    file,
    encoding,
    delimiter,
    quoteChar: options.quote,
    newline: newlineOf(sampleText),
    maxRecordChars: limits.maxRecordChars ?? MAX_RECORD_CHARS,
    onProgress: (read) => hooks.onProgress?.(read, totalBytes),
    onInvalidUtf8: (at) => {
      invalidUtf8 = notUtf8Error(file, encoding, at, 'csv.encoding');
    },
  });

  const refs = documentRefs(source);
  let document: RawRecord['document'];
  let keys: string[] | undefined;
  let headerRow = 0;
  let headerWidth = 0;
  let rowNumber = 0;
  let dataRows = 0;
  let scanLimitHit = false;
  const scanned: string[][] = [];
  try {
    // Rows come a parsed chunk at a time: one await per chunk, not per row.
    reading: for await (const chunk of rows)
      for (const row of chunk) {
        if (keys && invalidUtf8) throw invalidUtf8;
        rowNumber++;
        const blank = isBlank(row);
        if (!keys) {
          scanned.push(row);
          const match = findHeader([row], required);
          if (match.found) {
            keys = headerKeys(row);
            headerWidth = row.length;
            // Trailing empty header cells (Excel pads rows with delimiters) are not columns.
            while (keys.length > 0 && /^\(column \d+\)$/.test(keys[keys.length - 1] as string)) keys.pop();
            headerRow = rowNumber;
            document = documentValues(
              refs,
              scanned.map((cells, i) => ({ number: i + 1, cells })),
              headerRow,
              { file },
            );
            hooks.onHeader?.(keys);
            continue;
          }
          if (rowNumber >= options.headerScanRows) {
            scanLimitHit = true;
            break reading;
          }
          hooks.onSkippedRow?.({
            location: { file, row: rowNumber },
            reason: blank ? 'blank row above the header' : 'title row above the header',
            text: row.join(delimiter).slice(0, 200),
          });
          continue;
        }
        if (blank) {
          hooks.onSkippedRow?.({ location: { file, row: rowNumber }, reason: 'blank row', text: '' });
          continue;
        }
        if (footers.length > 0 && isFooter(row, footers)) {
          hooks.onSkippedRow?.({
            location: { file, row: rowNumber },
            reason: 'total or footer row',
            text: row.join(delimiter).slice(0, 200),
          });
          continue;
        }
        dataRows++;
        // No prototype: a header named `__proto__` is a column like any other.
        const values = emptyValues<string>();
        for (let i = 0; i < keys.length; i++) values[keys[i] as string] = row[i] ?? '';
        const record: ReadRecord = { location: { file, row: rowNumber }, values, header: keys };
        if (document) record.document = document;
        // Extra empty cells are padding only where the header row was padded the same way.
        if (
          row.length < keys.length ||
          (row.length > keys.length && (row.length > headerWidth || !isBlank(row, keys.length)))
        ) {
          for (let i = keys.length; i < row.length; i++) values[`(column ${i + 1})`] = row[i] as string;
          const multiline = row.some((c) => c.includes('\n'));
          record.problems = [
            {
              reason:
                `row has ${row.length} fields but the header (row ${headerRow}) has ${keys.length}` +
                (multiline ? '; a field runs over several lines (an unclosed quote?)' : ''),
            },
          ];
        }
        yield record;
      }
  } finally {
    await rows.return(undefined);
  }
  if (!keys) {
    if (!scanLimitHit && scanned.every((r) => r.every((c) => c.trim() === ''))) {
      throw new FileRejectedError(
        'the file has no rows (only blank lines)',
        { file },
        'Ask the vendor to resend the file.',
      );
    }
    const best = findHeader(scanned, required);
    throw new MissingColumnsError(
      missingColumnsMessage(best, scanned, required.length) +
        (scanLimitHit && best.missing.length === required.length
          ? ` (searched the first ${options.headerScanRows === 1 ? 'row' : `${options.headerScanRows} rows`})`
          : ''),
      best.missing.length < required.length ? { file, row: best.index + 1 } : { file },
      `Check that this is a ${source.format.toUpperCase()} file of this vendor, or add the header names as aliases in the vendor configuration.`,
      best.missing,
      (scanned[best.index] ?? []).map((c) => c.trim()),
    );
  }
  if (invalidUtf8) throw invalidUtf8;
  if (dataRows === 0) {
    throw new FileRejectedError(
      `the file has a header (row ${headerRow}) but no data rows`,
      { file, row: headerRow },
      'Ask the vendor whether the file was cut off; an empty delivery needs no ingest.',
    );
  }
}
