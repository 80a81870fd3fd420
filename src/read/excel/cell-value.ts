// Turns the values exceljs's streaming reader produces into the plain values of a RawRecord.
// With styles ignored, a date arrives as its serial number and stays one: the mapping layer
// converts Excel serials, and only it knows which columns are dates.

export type CellValue = string | number | boolean | null;

export interface ConvertedCell {
  value: CellValue;
  /** Set when the cell holds something that cannot be given as a value (a formula never calculated). */
  problem?: string;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** OOXML escapes characters XML cannot hold as `_xHHHH_` (e.g. `_x000D_` for a carriage return). */
export function decodeOoxmlEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

function fromString(text: string): CellValue {
  return text === '' ? null : decodeOoxmlEscapes(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function convertCellValue(value: unknown): ConvertedCell {
  if (value === null || value === undefined) return { value: null };
  if (typeof value === 'string') return { value: fromString(value) };
  if (typeof value === 'number') return { value: Number.isFinite(value) ? value : null };
  if (typeof value === 'boolean') return { value };
  if (value instanceof Date) {
    // Only reachable with styles cached; kept as a serial so every date reaches the mapper alike.
    return { value: (value.getTime() - EXCEL_EPOCH_MS) / DAY_MS };
  }
  if (!isRecord(value)) return { value: null };
  if ('formula' in value || 'sharedFormula' in value) {
    if (value.result === undefined || value.result === null) {
      const formula = String(value.formula ?? value.sharedFormula ?? '');
      return {
        value: null,
        problem: `formula ${formula === '' ? '' : `=${formula} `}has no saved result (the file was never calculated)`,
      };
    }
    return convertCellValue(value.result);
  }
  if (Array.isArray(value.richText)) {
    const text = value.richText.map((run: unknown) => (isRecord(run) ? String(run.text ?? '') : '')).join('');
    return { value: fromString(text) };
  }
  if ('error' in value) return { value: String(value.error) };
  // A hyperlink cell: the text shown, which may itself be rich text.
  if ('text' in value) return convertCellValue(value.text);
  return { value: null };
}
