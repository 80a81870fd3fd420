// The contract between vendor readers (CSV, Excel, JSON) and the rest of the pipeline.
// A reader turns a file into a stream of mapped rows: each either a canonical period with
// the source location of every field (lineage), or a quarantined row with its reasons.
// A problem with the file as a whole is thrown as FileRejectedError before or while streaming.
import type { CanonicalPeriod } from './canonical.ts';
import type { SourceLocation } from './errors.ts';

export interface RowProblem {
  /** Canonical field concerned, when there is one. */
  field?: string;
  /** Source column header or JSON path as the vendor wrote it. */
  column?: string;
  /** The raw value found. */
  value?: string | null;
  reason: string;
}

export interface MappedPeriod {
  ok: true;
  record: CanonicalPeriod;
  /** Where the row is: file, sheet, row or JSON path. */
  location: SourceLocation;
  /** Canonical field name -> source column or JSON path it was read from. */
  fieldSources: Record<string, string>;
  warnings: string[];
}

export interface QuarantinedRow {
  ok: false;
  location: SourceLocation;
  /** The raw values as read, keyed by source column or JSON path. */
  raw: Record<string, unknown>;
  problems: RowProblem[];
}

export type MappedRow = MappedPeriod | QuarantinedRow;

/** A period a file reported more than once, as staged: its rows in file order. */
export interface RepeatedPeriod {
  accountId: string;
  periodStart: string;
  periodEnd: string;
  rows: readonly {
    /** The row's position in the file. */
    seq: number;
    location: SourceLocation;
    /** A digest of the figures as the file gave them: equal digests are an exact repeat. */
    figures: string;
    /** The staged figures, kept with the row if it is quarantined. */
    record: Record<string, unknown>;
  }[];
}

/** Progress reporting for long files (bytes read of total). */
export type ProgressCallback = (bytesRead: number, totalBytes: number) => void;

/**
 * One data row as a format reader found it, before mapping: values keyed by the source
 * header (CSV, Excel) or by the flattened JSON path (`accounts[].periods[].values.begin`).
 * Values are strings as written, or numbers/booleans/null where the format is typed
 * (Excel cached values, JSON).
 */
export interface RawRecord {
  location: SourceLocation;
  values: Record<string, string | number | boolean | null>;
  /** Values stated once above the header (CSV, Excel), keyed by their label (`cell B2`). */
  document?: Readonly<Record<string, string | number | boolean | null>>;
}

/** A raw record that a reader already found problems with (wrong field count, bad bytes). */
export interface ReadRecord extends RawRecord {
  problems?: RowProblem[];
  /** Excel serial dates of this record count from 1904-01-01 (old Mac workbooks). */
  date1904?: boolean;
  /** The header the values are keyed by, the same array for every row of a file (a lookup cache key). */
  header?: readonly string[];
}

/** Headers compare case-insensitively, ignoring surrounding and repeated spaces. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/**
 * A new, empty record for a row's values keyed by header, with nothing behind it: a header named
 * `__proto__` or `constructor` is a column like any other. Made by a constructor whose prototype
 * has no prototype, not by Object.create(null): V8 keeps those in dictionary mode, several times
 * slower to fill and read, row after row.
 */
export function emptyValues<T>(): Record<string, T> {
  return new NoPrototype() as Record<string, T>;
}

const NoPrototype = function NoPrototype() {} as unknown as new () => object;
NoPrototype.prototype = Object.create(null);
