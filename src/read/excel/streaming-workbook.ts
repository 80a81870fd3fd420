// A thin wrapper over exceljs's streaming WorkbookReader: worksheets in the order the file
// stores them, each known by its zip part, rows one at a time. It works around four traits
// of exceljs 4.4's reader:
// - sheet names are resolved only when xl/workbook.xml comes before the sheets in the zip,
//   and reading a sheet before it crashes (`this.model.sheets` of undefined); sheets are
//   therefore identified by their part (from the 'entry' event) and `model` is pre-set;
// - worksheets stored before xl/sharedStrings.xml are copied to temporary files that are
//   removed only when the iteration runs to its end, so an early stop drains the rest;
// - a worksheet that is not read must still be closed;
// - a formula cell's `value` loses a cached result of 0, false or '' (see toRow).
// Memory: rows stream in chunks either way. Worksheets stored before the shared strings (Excel,
// exceljs) go through temporary files; stored after them (LibreOffice) they stream straight
// from the zip, and a sheet left early (header search given up) is then drained by exceljs
// while its listener still buffers the rest of that one sheet part -- transient, bounded by
// the part's size (measured: +36 MB for a 200k-row sheet), unavoidable from outside exceljs.
import type { EventEmitter } from 'node:events';
import ExcelJS from 'exceljs';

export interface StreamedRow {
  /** 1-based Excel row number. */
  number: number;
  /** Cell values indexed by column number (index 0 unused, empty cells null), as exceljs gives them. */
  values: unknown[];
}

export interface StreamedSheet {
  /** Zip entry of the sheet, e.g. `xl/worksheets/sheet2.xml`. */
  part: string;
  /** Rows in batches, one batch per parsed chunk of the sheet (one await per chunk, not per row). */
  rowBatches(): AsyncGenerator<StreamedRow[], void, undefined>;
  /** Closes a sheet that is not read. */
  skip(): void;
}

/** An error raised by the parser while reading the file (damaged XML and the like). */
export class WorkbookStreamError extends Error {
  readonly reason: unknown;
  /** The zip part being parsed when it failed, e.g. `xl/sharedStrings.xml`. */
  readonly part: string | undefined;
  constructor(reason: unknown, part: string | undefined) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.reason = reason;
    this.part = part;
    this.name = 'WorkbookStreamError';
  }
}

/** The part exceljs announces with an 'entry' event as it starts parsing it. */
function announcedPart(entry: { type?: string; id?: string }): string | undefined {
  switch (entry.type) {
    case 'workbook':
      return 'xl/workbook.xml';
    case 'shared-strings':
      return 'xl/sharedStrings.xml';
    case 'styles':
      return 'xl/styles.xml';
    case 'worksheet':
      return `xl/worksheets/sheet${entry.id}.xml`;
    case 'hyperlinks':
      return `xl/worksheets/_rels/sheet${entry.id}.xml.rels`;
    default:
      return undefined;
  }
}

interface ExcelCell {
  type: number;
  value: unknown;
  formula: string | undefined;
  result: unknown;
}

interface ExcelRow {
  number: number;
  cellCount: number;
  eachCell(iteratee: (cell: ExcelCell, column: number) => void): void;
}

interface ExcelWorksheetReader {
  iterator: unknown;
  /** Parser events per chunk of the sheet part; 'row' events carry a finished row. */
  parse(): AsyncIterator<{ eventType: string; value: unknown }[]>;
}

interface ExcelWorkbookReader extends EventEmitter {
  model: unknown;
  stream?: { destroy(): void };
  /** Parses xl/_rels/workbook.xml.rels, the one part exceljs parses without an 'entry' event. */
  _parseRels(entry: unknown): Promise<void>;
  [Symbol.asyncIterator](): AsyncIterator<ExcelWorksheetReader>;
}

function isClosable(value: unknown): value is { destroy(): void } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { destroy?: unknown }).destroy === 'function'
  );
}

async function nextOf<T>(
  iterator: AsyncIterator<T>,
  part: () => string | undefined,
): Promise<IteratorResult<T>> {
  try {
    return await iterator.next();
  } catch (error) {
    throw new WorkbookStreamError(error, part());
  }
}

const FORMULA = ExcelJS.ValueType.Formula as number;

function toRow(row: ExcelRow): StreamedRow {
  const values: unknown[] = new Array(row.cellCount + 1).fill(null);
  row.eachCell((cell, column) => {
    // A formula's `value` drops a falsy cached result (0, false, ''): exceljs copies the model
    // with `if (value)`. `result` reads the model itself.
    values[column] =
      cell.type === FORMULA ? { formula: cell.formula ?? '', result: cell.result } : cell.value;
  });
  return { number: row.number, values };
}

function streamedSheet(worksheet: ExcelWorksheetReader, part: string): StreamedSheet {
  let started = false;
  return {
    part,
    skip() {
      // Worksheets stored before the shared strings come from a temporary file: close it.
      // exceljs removes that file right after, possibly before the stream has opened it; the
      // stream's late ENOENT is then about a file nobody reads, and must not crash the process.
      if (!started && isClosable(worksheet.iterator)) {
        const stream = worksheet.iterator as {
          destroy(): void;
          on?: (event: string, listener: () => void) => void;
        };
        stream.on?.('error', () => {});
        stream.destroy();
      }
    },
    async *rowBatches() {
      started = true;
      const iterator = worksheet.parse();
      let finished = false;
      try {
        for (;;) {
          const next = await nextOf(iterator, () => part);
          if (next.done) {
            finished = true;
            return;
          }
          const batch: StreamedRow[] = [];
          for (const event of next.value) {
            if (event.eventType !== 'row') continue;
            batch.push(toRow(event.value as ExcelRow));
          }
          if (batch.length > 0) yield batch;
        }
      } finally {
        if (!finished) await iterator.return?.();
      }
    },
  };
}

export async function* streamWorksheets(filePath: string): AsyncGenerator<StreamedSheet, void, undefined> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(filePath, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'emit',
  }) as unknown as ExcelWorkbookReader;
  // Replaced when xl/workbook.xml is parsed; keeps a sheet stored before it from crashing the reader.
  reader.model = { sheets: [] };
  let part = '';
  // The part being parsed, to name in an error: exceljs announces every part it parses with an
  // 'entry' event but the workbook's relationships, whose parser is wrapped to say so.
  let parsing: string | undefined;
  reader.on('entry', (entry: { type?: string; id?: string }) => {
    parsing = announcedPart(entry);
    if (entry.type === 'worksheet') part = parsing ?? '';
  });
  const parseRels = reader._parseRels.bind(reader);
  reader._parseRels = (entry) => {
    parsing = 'xl/_rels/workbook.xml.rels';
    return parseRels(entry);
  };
  const worksheets = reader[Symbol.asyncIterator]();
  let state: 'reading' | 'done' | 'failed' = 'reading';
  try {
    for (;;) {
      const next = await nextOf(worksheets, () => parsing);
      if (next.done) {
        state = 'done';
        return;
      }
      const sheet = streamedSheet(next.value, part);
      try {
        yield sheet;
      } finally {
        sheet.skip();
      }
    }
  } catch (error) {
    state = 'failed';
    throw error;
  } finally {
    if (state === 'failed') {
      reader.stream?.destroy();
    } else if (state === 'reading') {
      // Stopped early: run the reader to its end, skipping the remaining sheets, so that
      // exceljs removes its temporary files.
      try {
        for (;;) {
          const next = await worksheets.next();
          if (next.done) break;
          streamedSheet(next.value, part).skip();
        }
      } catch {
        reader.stream?.destroy();
      }
    }
  }
}
