// Excel (.xlsx) reader: sheet detection, header-row identification under title rows, data
// extraction. Streams rows with exceljs's streaming reader, so a large workbook is never
// held in memory; yields RawRecords keyed by the header text as the file writes it, for the
// mapping layer to turn into canonical periods.
//
// Values: text as written ('' becomes null), numbers as numbers, booleans, errors as their
// code ('#N/A'). Dates arrive as Excel serial numbers (styles are not read) and stay numbers.
// Formulas give their saved result; rich text and hyperlinks give their text. Merged cells
// give the merge's value to every cell they cover (see excel/merged-cells.ts).
import { basename } from 'node:path';
import { DomainError, FileRejectedError, type SourceLocation } from '../domain/errors.ts';
import { DEFAULT_FOOTER_PATTERNS } from '../domain/footer.ts';
import type { RawRecord } from '../domain/read-row.ts';
import type { DocumentRef } from '../domain/vendor-config.ts';
import type { HeaderRowSearch } from './excel/header-row.ts';
import { SheetRows } from './excel/sheet-rows.ts';
import { chooseCandidateSheets } from './excel/sheet-selection.ts';
import { streamWorksheets, WorkbookStreamError } from './excel/streaming-workbook.ts';
import { checkWorkbookParts, openWorkbookFile } from './excel/workbook-file.ts';
import type { WorkbookSheet } from './excel/workbook-structure.ts';

export { DEFAULT_FOOTER_PATTERNS } from '../domain/footer.ts';
export { normalizeHeader } from './excel/header-row.ts';
export { compileSheetPattern } from './excel/sheet-selection.ts';

/** The header row found, given before the first record (for schema-drift checks and lineage). */
export interface ExcelHeader {
  location: SourceLocation;
  /** Header texts in column order, exactly as the RawRecord keys. */
  columns: string[];
  /** Serial dates in this workbook count from 1904-01-01 (old Mac workbooks), not 1899-12-30. */
  date1904: boolean;
}

export interface ExcelReadOptions {
  /** The name the file arrived with, for locations (default: the path's base name). */
  fileName?: string;
  /** Exact sheet name (a case-only difference is accepted, as Excel accepts it). Wins over sheetPattern. */
  sheet?: string;
  /** Glob (`Perf*`) or regular expression (`/^perf/`, `^Perf(ormance)?$`) matched against sheet names. */
  sheetPattern?: string;
  /**
   * Per required field, its accepted header names (case-insensitive, trimmed). The header row is
   * the first row holding all of them; without sheet or sheetPattern, the sheet is the first (in
   * the order the file stores them, which Excel keeps in tab order) with such a row.
   */
  requiredHeaders: string[][];
  /** A row whose first non-empty cell starts with one of these is a total/footer row. */
  footerPatterns?: string[];
  /** The header must lie within this many rows from the top. Default 100. */
  maxHeaderRow?: number;
  /**
   * Every row that gives no record is reported here: rows above the header (once it is found),
   * blank rows, totals and footnotes, repeated header rows, values without a header. `text` is
   * the row's cells joined by " | " (shortened), for a person to see what was skipped.
   */
  onSkipped?: (location: SourceLocation, reason: string, text?: string) => void;
  /** Title cells and title rows whose values every record carries (RawRecord.document). */
  documentRefs?: readonly DocumentRef[];
  /** Called once, when the header row is found. */
  onHeader?: (header: ExcelHeader) => void;
  /** Things a person should know that do not stop the row (a formula with no saved result, duplicate headers). */
  onWarning?: (location: SourceLocation, message: string) => void;
}

export const DEFAULT_MAX_HEADER_ROW = 100;

/** Sheet names in tab order, hidden sheets included. */
export async function readExcelSheetNames(filePath: string): Promise<string[]> {
  const file = basename(filePath);
  try {
    const workbook = await openWorkbookFile(filePath, file);
    return workbook.structure.sheets.map((sheet) => sheet.name);
  } catch (error) {
    throw asRejection(error, { file });
  }
}

function unreadable(error: Error, location: SourceLocation): FileRejectedError {
  // The XML parser says "2:253: disallowed character": name the part that line is in.
  const position = /^(\d+):(\d+): (.*)$/s.exec(error.message);
  const part = error instanceof WorkbookStreamError ? error.part : undefined;
  const where =
    part === undefined
      ? ''
      : position === null
        ? `"${part}": `
        : `"${part}", line ${position[1]}, column ${position[2]}: `;
  const what = part !== undefined && position !== null ? position[3] : error.message;
  return new FileRejectedError(
    `the workbook could not be read: ${where}${what}`,
    location,
    'Ask the vendor to send the file again; if it opens in Excel, save it again as .xlsx.',
  );
}

/**
 * A workbook that defeats the reader (an internal TypeError or RangeError on input nobody
 * foresaw) is rejected with a message, never shown as the bare error. Errors of the system
 * (a file that vanished, too many open files) stay as they are: they are worth a retry.
 */
function asRejection(error: unknown, location: SourceLocation): unknown {
  if (error instanceof DomainError || !(error instanceof Error)) return error;
  if (typeof (error as NodeJS.ErrnoException).syscall === 'string') return error;
  return unreadable(error, location);
}

interface SheetFailure {
  sheet: WorkbookSheet;
  search: HeaderRowSearch | undefined;
}

function headerNotFound(
  file: string,
  failures: readonly SheetFailure[],
  explicit: boolean,
): FileRejectedError {
  const hint =
    "Check the header names in the vendor's configuration against the file: the vendor may have renamed, removed or added a column.";
  const [only] = failures;
  if (explicit && only !== undefined) {
    const message = only.search?.failureMessage() ?? 'the sheet could not be read by the streaming reader';
    return new FileRejectedError(
      message,
      { file, sheet: only.sheet.name, row: only.search?.closest?.row },
      hint,
    );
  }
  let best: SheetFailure | undefined;
  for (const failure of failures) {
    const found = failure.search?.closest?.found ?? 0;
    if (found > 0 && (best === undefined || found > (best.search?.closest?.found ?? 0))) best = failure;
  }
  const searched = failures.map((failure) => `"${failure.sheet.name}"`).join(', ');
  const message = `no sheet has a header row with all required columns (searched ${searched})`;
  if (best?.search?.closest === undefined) {
    const expected = failures.find((failure) => failure.search !== undefined)?.search?.allRequired() ?? '';
    return new FileRejectedError(`${message}; expected ${expected}`, { file }, hint);
  }
  return new FileRejectedError(
    `${message}: ${best.search.closestDescription()}`,
    { file, sheet: best.sheet.name, row: best.search.closest.row },
    hint,
  );
}

export async function* readExcelRecords(
  filePath: string,
  options: ExcelReadOptions,
): AsyncGenerator<RawRecord, void, undefined> {
  const file = options.fileName ?? basename(filePath);
  try {
    yield* readWorkbookRecords(filePath, file, options);
  } catch (error) {
    throw asRejection(error, { file });
  }
}

async function* readWorkbookRecords(
  filePath: string,
  file: string,
  options: ExcelReadOptions,
): AsyncGenerator<RawRecord, void, undefined> {
  const footerPatterns = options.footerPatterns ?? DEFAULT_FOOTER_PATTERNS;
  const maxHeaderRow = options.maxHeaderRow ?? DEFAULT_MAX_HEADER_ROW;
  const workbook = await openWorkbookFile(filePath, file);
  const choice = chooseCandidateSheets(workbook.structure.sheets, options, file);
  const byPart = new Map<string, WorkbookSheet>();
  for (const sheet of choice.sheets) {
    if (sheet.part === undefined || !/^xl\/worksheets\/sheet\d+\.xml$/.test(sheet.part)) {
      throw new FileRejectedError(
        `sheet "${sheet.name}" is stored as "${sheet.part ?? '(missing)'}", which the streaming reader cannot read`,
        { file, sheet: sheet.name },
        'Open the workbook in Excel and save it again as .xlsx.',
      );
    }
    byPart.set(sheet.part, sheet);
  }
  const merges = await checkWorkbookParts(
    workbook,
    new Map([...byPart].map(([part, sheet]) => [part, sheet.name])),
    file,
  );

  const failures = new Map<string, SheetFailure>();
  let found = false;
  let current: SourceLocation = { file };
  try {
    for await (const streamed of streamWorksheets(filePath)) {
      const sheet = found ? undefined : byPart.get(streamed.part);
      if (sheet === undefined) {
        streamed.skip();
        continue;
      }
      current = { file, sheet: sheet.name };
      const rows = new SheetRows(file, sheet.name, merges.get(streamed.part) ?? [], {
        requiredHeaders: options.requiredHeaders,
        footerPatterns,
        maxHeaderRow,
        date1904: workbook.structure.date1904,
        documentRefs: options.documentRefs,
        onSkipped: options.onSkipped,
        onHeader: options.onHeader,
        onWarning: options.onWarning,
      });
      failures.set(streamed.part, { sheet, search: rows.search });
      for await (const batch of streamed.rowBatches()) {
        for (const row of batch) {
          current = { file, sheet: sheet.name, row: row.number };
          const record = rows.accept(row);
          if (record !== undefined) yield record;
        }
        if (rows.gaveUp) break;
      }
      if (rows.headerFound) {
        found = true;
        break;
      }
    }
  } catch (error) {
    if (error instanceof WorkbookStreamError) throw unreadable(error, current);
    throw error;
  }
  if (!found) {
    const ordered = choice.sheets.map(
      (sheet) => failures.get(sheet.part ?? '') ?? { sheet, search: undefined },
    );
    throw headerNotFound(file, ordered, choice.explicit);
  }
}
