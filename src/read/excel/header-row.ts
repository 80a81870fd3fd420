// Finding the header row under title rows, logos, report dates and notes: the first row that
// holds every required field under one of its accepted names.
import { type CellValue, decodeOoxmlEscapes } from './cell-value.ts';
import { columnLetters } from './merged-cells.ts';

/** How header names are compared: case-insensitive, trimmed, inner whitespace and line breaks collapsed. */
export function normalizeHeader(text: string): string {
  let normalized = decodeOoxmlEscapes(text).trim();
  // Collapse only when needed: this runs for every data row's first cell.
  if (/\s\s|[^\S ]/.test(normalized)) normalized = normalized.replace(/\s+/g, ' ');
  return normalized.toLowerCase();
}

/** The text of a header cell as written, or undefined when the cell is empty. */
export function headerText(value: CellValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return text.trim() === '' ? undefined : text;
}

export interface HeaderColumn {
  column: number;
  /** The key of this column's values in a RawRecord: the header text exactly as written. */
  key: string;
  normalized: string;
}

export interface HeaderLayout {
  row: number;
  columns: HeaderColumn[];
  /** Header texts that occur more than once, with the keys given to the later occurrences. */
  duplicates: string[];
}

/**
 * The columns under a header row. A header text that repeats keeps its plain text for its
 * first column; later columns become `Text (G)` with their column letter, so no value is lost.
 */
export function headerLayout(row: number, cells: readonly (CellValue | undefined)[]): HeaderLayout {
  const columns: HeaderColumn[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (let column = 1; column < cells.length; column++) {
    const text = headerText(cells[column]);
    if (text === undefined) continue;
    let key = text;
    if (seen.has(key)) {
      key = `${text} (${columnLetters(column)})`;
      duplicates.push(`"${text}" (column ${columnLetters(column)} read as "${key}")`);
    }
    seen.add(key);
    columns.push({ column, key, normalized: normalizeHeader(text) });
  }
  return { row, columns, duplicates };
}

export function describeField(aliases: readonly string[]): string {
  const [first, ...others] = aliases;
  const name = `"${first ?? ''}"`;
  return others.length === 0 ? name : `${name} (or ${others.map((alias) => `"${alias}"`).join(', ')})`;
}

function quoteList(texts: readonly string[], limit: number): string {
  const shown = texts.slice(0, limit).map((text) => `"${text.replace(/\s+/g, ' ').trim()}"`);
  if (texts.length > limit) shown.push(`… (${texts.length - limit} more)`);
  return shown.join(', ');
}

export interface HeaderCandidate {
  row: number;
  found: number;
  missing: string[][];
  texts: string[];
}

/** Scans rows one by one for the header; remembers the closest row for the error message. */
export class HeaderRowSearch {
  private readonly required: { aliases: string[]; names: Set<string> }[];
  closest: HeaderCandidate | undefined;
  lastRow = 0;
  rowsWithValues = 0;

  constructor(requiredHeaders: readonly (readonly string[])[]) {
    this.required = requiredHeaders.map((aliases) => ({
      aliases: [...aliases],
      names: new Set(aliases.map(normalizeHeader)),
    }));
  }

  /** True when this row holds every required field. */
  consider(row: number, cells: readonly (CellValue | undefined)[]): boolean {
    this.lastRow = row;
    const present = new Set<string>();
    const texts: string[] = [];
    for (let column = 1; column < cells.length; column++) {
      const text = headerText(cells[column]);
      if (text === undefined) continue;
      texts.push(text);
      present.add(normalizeHeader(text));
    }
    if (texts.length === 0) return false;
    this.rowsWithValues++;
    const missing: string[][] = [];
    for (const field of this.required) {
      if (![...field.names].some((name) => present.has(name))) missing.push(field.aliases);
    }
    const found = this.required.length - missing.length;
    if (missing.length === 0) return true;
    if (found > 0 && (this.closest === undefined || found > this.closest.found)) {
      this.closest = { row, found, missing, texts };
    }
    return false;
  }

  /** Why no header was found, for a FileRejectedError on this sheet. */
  failureMessage(): string {
    if (this.rowsWithValues === 0)
      return `the sheet is empty; expected a header row with ${this.allRequired()}`;
    return `no header row found in rows 1-${this.lastRow}: ${this.closestDescription()}`;
  }

  allRequired(): string {
    return this.required.map((field) => describeField(field.aliases)).join(', ');
  }

  /** What the closest row lacks and what it has. */
  closestDescription(): string {
    if (this.closest === undefined) return `no row has any of the required columns ${this.allRequired()}`;
    const missing = this.closest.missing.map(describeField).join(', ');
    return `missing ${missing}; the closest row (row ${this.closest.row}) has ${quoteList(this.closest.texts, 12)}`;
  }
}
