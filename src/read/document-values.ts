// Values stated once above the header of a CSV file or sheet (the account in a title row, the
// currency or report date in a header block), read from the title rows once the header is
// found and given to every record of the file under their label (`cell B2`).
import { FileRejectedError, type SourceLocation } from '../domain/errors.ts';
import type { RawRecord } from '../domain/read-row.ts';
import {
  type DocumentRef,
  documentLabel,
  sourceMappings,
  type VendorSource,
} from '../domain/vendor-config.ts';

type Cell = RawRecord['values'][string];

/** A row above the header: its number (1-based) and its cells from column A. */
export interface TitleRow {
  number: number;
  cells: readonly Cell[];
}

export function documentRefs(source: VendorSource): DocumentRef[] {
  return sourceMappings(source).flatMap((m) => (m.document ? [m.document] : []));
}

/** `B2` -> row 2, column index 1 (A is 0). */
function cellPosition(cell: string): { row: number; column: number } {
  const match = /^([A-Z]{1,3})(\d+)$/.exec(cell) as RegExpExecArray;
  let column = 0;
  for (const letter of match[1] as string) column = column * 26 + (letter.charCodeAt(0) - 64);
  return { row: Number(match[2]), column: column - 1 };
}

const text = (cell: Cell | undefined): string =>
  cell === null || cell === undefined ? '' : String(cell).trim();

function titleMatch(rows: readonly TitleRow[], pattern: string): string | undefined {
  const regex = new RegExp(pattern, 'i');
  for (const row of rows) {
    for (const cell of row.cells) {
      const match = regex.exec(text(cell));
      if (match) return (match[1] ?? match[0]).trim();
    }
  }
  return undefined;
}

/**
 * The document values of a file whose header is on `headerRow`. A cell reference at or below
 * the header rejects the file: its value would differ from row to row.
 */
export function documentValues(
  refs: readonly DocumentRef[],
  rows: readonly TitleRow[],
  headerRow: number,
  location: SourceLocation,
): Record<string, Cell> | undefined {
  if (refs.length === 0) return undefined;
  const values: Record<string, Cell> = Object.create(null);
  for (const ref of refs) {
    const label = documentLabel(ref);
    if ('title' in ref) {
      values[label] = titleMatch(rows, ref.title) ?? null;
      continue;
    }
    const { row, column } = cellPosition(ref.cell);
    if (row >= headerRow) {
      throw new FileRejectedError(
        `${label} is not above the header (row ${headerRow}); a document value lies in the title rows`,
        { ...location, row: headerRow },
        `Point "cell: ${ref.cell}" in the vendor configuration at a title cell above row ${headerRow}, or map a column instead.`,
      );
    }
    const cell = rows.find((r) => r.number === row)?.cells[column];
    values[label] = text(cell) === '' ? null : (cell ?? null);
  }
  return values;
}
