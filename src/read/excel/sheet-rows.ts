// One sheet's rows, in order, into RawRecords: the header search, then data rows with totals,
// footnotes, blank rows and repeated headers reported through onSkipped. No I/O here: rows
// come from the streaming reader one by one.
import type { SourceLocation } from '../../domain/errors.ts';
import { emptyValues, type RawRecord } from '../../domain/read-row.ts';
import type { DocumentRef } from '../../domain/vendor-config.ts';
import { documentValues } from '../document-values.ts';
import { type CellValue, convertCellValue } from './cell-value.ts';
import { DataRowClassifier } from './data-rows.ts';
import { type HeaderColumn, HeaderRowSearch, headerLayout } from './header-row.ts';
import { type CellRange, columnLetters, MergedCellFiller } from './merged-cells.ts';

export interface SheetRowsOptions {
  requiredHeaders: string[][];
  footerPatterns: readonly string[];
  maxHeaderRow: number;
  date1904: boolean;
  /** Title cells and title rows whose values every record carries. */
  documentRefs?: readonly DocumentRef[] | undefined;
  onSkipped?: ((location: SourceLocation, reason: string, text?: string) => void) | undefined;
  onHeader?:
    | ((header: { location: SourceLocation; columns: string[]; date1904: boolean }) => void)
    | undefined;
  onWarning?: ((location: SourceLocation, message: string) => void) | undefined;
}

export interface SheetRow {
  number: number;
  /** Cell values by column number (index 0 unused); converted in place. */
  values: unknown[];
}

/**
 * Converts a row's values in place into plain cell values (the streamed row is not used again);
 * returns the problems of cells that have no value to give.
 */
function convertRow(values: unknown[]): Map<number, string> | undefined {
  let problems: Map<number, string> | undefined;
  for (let column = 0; column < values.length; column++) {
    const raw = values[column];
    if (raw === undefined || raw === null) {
      values[column] = null;
      continue;
    }
    // Plain numbers and strings are most cells: convert them without an intermediate object.
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) values[column] = null;
      continue;
    }
    if (typeof raw === 'string' && !raw.includes('_x')) {
      if (raw === '') values[column] = null;
      continue;
    }
    const converted = convertCellValue(raw);
    values[column] = converted.value;
    if (converted.problem !== undefined) {
      problems ??= new Map();
      problems.set(column, converted.problem);
    }
  }
  return problems;
}

/** The row as a person would read it, for skipped-row reports; a merged value counts once. */
function rowText(cells: readonly CellValue[], filled: readonly number[]): string {
  const texts: string[] = [];
  cells.forEach((value, column) => {
    if (value === null || filled.includes(column)) return;
    const text = String(value).replace(/\s+/g, ' ').trim();
    if (text !== '') texts.push(text);
  });
  const text = texts.join(' | ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

interface PendingRow {
  number: number;
  text: string;
  cells?: CellValue[];
}

export class SheetRows {
  readonly search: HeaderRowSearch;
  private readonly filler: MergedCellFiller;
  private readonly options: SheetRowsOptions;
  private readonly file: string;
  private readonly sheet: string;
  private classifier: DataRowClassifier | undefined;
  private columns: HeaderColumn[] = [];
  /** Rows above the header, reported once the header is found (they are then known to be titles). */
  private above: PendingRow[] = [];
  /** The document values (title cells), once the header is found. */
  private document: RawRecord['document'];
  /** The header search ran past maxHeaderRow without a match. */
  gaveUp = false;

  constructor(file: string, sheet: string, merges: readonly CellRange[], options: SheetRowsOptions) {
    this.file = file;
    this.sheet = sheet;
    this.options = options;
    this.search = new HeaderRowSearch(options.requiredHeaders);
    this.filler = new MergedCellFiller(merges);
  }

  get headerFound(): boolean {
    return this.classifier !== undefined;
  }

  /** Takes the next row; returns a record for a data row. */
  accept(row: SheetRow): RawRecord | undefined {
    const problems = convertRow(row.values);
    const cells = row.values as CellValue[];
    const location: SourceLocation = { file: this.file, sheet: this.sheet, row: row.number };
    if (this.classifier === undefined) {
      if (row.number > this.options.maxHeaderRow) {
        this.gaveUp = true;
        this.search.lastRow = this.options.maxHeaderRow;
        return undefined;
      }
      const filled = this.filler.fill(row.number, cells, 'vertical');
      if (this.search.consider(row.number, cells)) this.startData(location, cells);
      else
        this.above.push({
          number: row.number,
          text: rowText(cells, filled),
          // Kept only when the configuration reads title cells: rows above the header are few.
          ...(this.options.documentRefs?.length ? { cells: cells.slice(1) } : {}),
        });
      return undefined;
    }
    const filled = this.filler.fill(row.number, cells, 'all');
    const kind = this.classifier.classify(cells);
    if (kind.kind !== 'data') {
      const reason = kind.kind === 'blank' ? 'blank row' : kind.reason;
      this.options.onSkipped?.(location, reason, kind.kind === 'blank' ? '' : rowText(cells, filled));
      return undefined;
    }
    // No prototype: a header named `__proto__` is a column like any other.
    const values = emptyValues<RawRecord['values'][string]>();
    for (const { column, key } of this.columns) {
      values[key] = cells[column] ?? null;
      const problem = problems?.get(column);
      if (problem !== undefined) {
        this.options.onWarning?.(
          { ...location, column: key },
          `cell ${columnLetters(column)}${row.number}: ${problem}`,
        );
      }
    }
    return this.document ? { location, values, document: this.document } : { location, values };
  }

  private startData(location: SourceLocation, cells: CellValue[]): void {
    const layout = headerLayout(location.row ?? 0, cells);
    this.classifier = new DataRowClassifier(layout, this.options.footerPatterns);
    this.columns = layout.columns;
    this.document = documentValues(
      this.options.documentRefs ?? [],
      this.above.map((pending) => ({ number: pending.number, cells: pending.cells ?? [] })),
      location.row ?? 0,
      { file: this.file, sheet: this.sheet },
    );
    for (const pending of this.above) {
      this.options.onSkipped?.(
        { file: this.file, sheet: this.sheet, row: pending.number },
        pending.text === '' ? 'blank row above the header' : 'title row above the header',
        pending.text,
      );
    }
    this.above = [];
    for (const duplicate of layout.duplicates)
      this.options.onWarning?.(location, `duplicate header ${duplicate}`);
    if (this.options.date1904) {
      this.options.onWarning?.(
        location,
        'the workbook uses the 1904 date system: serial dates count from 1904-01-01',
      );
    }
    this.options.onHeader?.({
      location,
      columns: layout.columns.map((column) => column.key),
      date1904: this.options.date1904,
    });
  }
}
