// Telling data rows from the rows around them once the header is known: blank rows, total
// and subtotal rows, footnotes, page-break repeats of the header, and values that stand in
// columns without a header. Everything except blank rows is reported, never dropped silently.
import { footerPrefixMatches } from '../../domain/footer.ts';
import type { CellValue } from './cell-value.ts';
import { type HeaderLayout, normalizeHeader } from './header-row.ts';
import { columnLetters } from './merged-cells.ts';

export type RowKind = { kind: 'data' } | { kind: 'blank' } | { kind: 'skip'; reason: string };

function isEmpty(value: CellValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

export class DataRowClassifier {
  private readonly header: HeaderLayout;
  private readonly footerPatterns: readonly string[];
  private readonly headerColumns: Set<number>;

  constructor(header: HeaderLayout, footerPatterns: readonly string[]) {
    this.header = header;
    this.footerPatterns = footerPatterns.map(normalizeHeader).filter((pattern) => pattern !== '');
    this.headerColumns = new Set(header.columns.map((column) => column.column));
  }

  classify(cells: readonly (CellValue | undefined)[]): RowKind {
    let first: CellValue | undefined;
    const outside: number[] = [];
    let inside = 0;
    for (let column = 1; column < cells.length; column++) {
      const value = cells[column];
      if (isEmpty(value)) continue;
      if (first === undefined) first = value;
      if (this.headerColumns.has(column)) inside++;
      else outside.push(column);
    }
    if (first === undefined) return { kind: 'blank' };
    if (typeof first === 'string') {
      const cell = normalizeHeader(first);
      if (this.footerPatterns.some((pattern) => footerPrefixMatches(cell, pattern)))
        return { kind: 'skip', reason: 'total or footer row' };
    }
    if (this.repeatsHeader(cells)) return { kind: 'skip', reason: 'repeated header row' };
    if (inside === 0) {
      return {
        kind: 'skip',
        reason: `values only in columns without a header (${outside.map(columnLetters).join(', ')})`,
      };
    }
    return { kind: 'data' };
  }

  private repeatsHeader(cells: readonly (CellValue | undefined)[]): boolean {
    return this.header.columns.every((column) => {
      const value = cells[column.column];
      return typeof value === 'string' && normalizeHeader(value) === column.normalized;
    });
  }
}
