// Callbacks a reader reports through while it streams.
import type { SourceLocation } from '../domain/errors.ts';

/** A row the reader did not turn into a record: above the header, blank, a total or a footnote. */
export interface SkippedRow {
  location: SourceLocation;
  reason: string;
  /** The row's text (shortened), so a person can see what was skipped. */
  text: string;
}

export interface ReaderHooks {
  /** The name the file arrived with, for locations and file patterns (a landing copy is renamed). */
  fileName?: string;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** The header row as found (CSV/Excel) or the field paths (JSON); for schema-drift checks. */
  onHeader?: (header: string[]) => void;
  onSkippedRow?: (row: SkippedRow) => void;
  /** Something a person should know that does not stop a row (duplicate header, 1904 dates). */
  onWarning?: (location: SourceLocation, message: string) => void;
}
