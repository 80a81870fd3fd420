// Merged cells in streaming mode. What exceljs's streaming reader gives: nothing. It skips
// <mergeCell>, and the <mergeCells> list sits after <sheetData> in the sheet part, so no single
// front-to-back pass can know a merge before its rows have gone by; a covered cell streams as
// empty. What this reader does: the archive check decompresses every part once anyway (CRC),
// and collects the merge ranges of the candidate sheets on the way (ranges only, so memory
// grows with the number of merges, not with the rows). While rows stream, a merge's value is
// taken from its top-left cell and copied into the cells it covers, in every row after it.
// What it cannot do: give a value to a merge whose top-left row is absent from the file (no
// value was ever written), or spread group labels merged across a header row (a two-row
// header's "Market value" over Begin/End would otherwise name both columns) -- in the header
// row only labels merged downwards are filled.
import type { CellValue } from './cell-value.ts';

export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export function columnNumber(letters: string): number {
  let column = 0;
  for (const letter of letters.toUpperCase()) column = column * 26 + (letter.charCodeAt(0) - 64);
  return column;
}

export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** Parses `B5:D7` (or a single `B5`). Returns undefined for anything else. */
export function parseCellRange(reference: string): CellRange | undefined {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$/.exec(reference.trim());
  if (!match) return undefined;
  const left = columnNumber(match[1] ?? '');
  const top = Number(match[2]);
  const right = match[3] === undefined ? left : columnNumber(match[3]);
  const bottom = match[4] === undefined ? top : Number(match[4]);
  return {
    top: Math.min(top, bottom),
    bottom: Math.max(top, bottom),
    left: Math.min(left, right),
    right: Math.max(left, right),
  };
}

const MERGE_CELL = Buffer.from('mergeCell');
const CARRY_BYTES = 256;

/** Collects <mergeCell ref="…"/> ranges from a sheet part fed chunk by chunk. */
export class MergeRangeScanner {
  readonly ranges: CellRange[] = [];
  private carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    const window = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    let consumed = 0;
    if (window.includes(MERGE_CELL)) {
      // Tag names and cell references are ASCII, so latin1 decoding is exact for them.
      const text = window.toString('latin1');
      for (const match of text.matchAll(/<(?:[\w.-]+:)?mergeCell\b[^>]*>/g)) {
        const reference = /\bref\s*=\s*["']([^"']+)["']/.exec(match[0])?.[1];
        const range = reference === undefined ? undefined : parseCellRange(reference);
        if (range && (range.bottom > range.top || range.right > range.left)) this.ranges.push(range);
        consumed = (match.index ?? 0) + match[0].length;
      }
    }
    this.carry = Buffer.from(window.subarray(Math.max(consumed, window.length - CARRY_BYTES)));
  }
}

const NONE: readonly number[] = [];

interface ActiveMerge {
  range: CellRange;
  value: CellValue;
}

/**
 * Fills the cells a merge covers with the value of its top-left cell, row by row. Rows must be
 * given in ascending order (as a sheet streams). `mode: 'vertical'` fills only the merge's
 * first column, as wanted in a header row: a label merged down over a two-row header names
 * its column, while a group label merged across columns must not name every column it spans.
 */
export class MergedCellFiller {
  private readonly pending: CellRange[];
  private next = 0;
  private active: ActiveMerge[] = [];

  constructor(ranges: readonly CellRange[]) {
    this.pending = [...ranges].sort((a, b) => a.top - b.top || a.left - b.left);
  }

  get isEmpty(): boolean {
    return this.pending.length === 0;
  }

  /** Fills `cells` (index = column number) in place; returns the columns it filled. */
  fill(rowNumber: number, cells: CellValue[], mode: 'all' | 'vertical'): readonly number[] {
    if (this.pending.length === 0) return NONE;
    if (this.active.length > 0) this.active = this.active.filter((merge) => merge.range.bottom >= rowNumber);
    while (this.next < this.pending.length) {
      const range = this.pending[this.next];
      if (range === undefined || range.top > rowNumber) break;
      this.next++;
      if (range.bottom < rowNumber) continue;
      // A merge whose top row was never streamed (absent from the file) has no value.
      this.active.push({ range, value: range.top === rowNumber ? (cells[range.left] ?? null) : null });
    }
    let filled: number[] | undefined;
    for (const { range, value } of this.active) {
      if (value === null) continue;
      const right = mode === 'all' ? range.right : range.left;
      for (let column = range.left; column <= right; column++) {
        if (rowNumber === range.top && column === range.left) continue;
        if (cells[column] === null || cells[column] === undefined) {
          cells[column] = value;
          filled ??= [];
          filled.push(column);
        }
      }
    }
    return filled ?? NONE;
  }
}
