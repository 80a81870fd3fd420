// Finding the header row by content: the first row that holds, for every required field, one
// of its accepted header names. Title rows, logos and blank rows above it do not matter.

import { FileRejectedError, type SourceLocation } from '../domain/errors.ts';
import { normalizeHeader } from '../domain/read-row.ts';
import { REQUIRED_FIELDS, type VendorSource } from '../domain/vendor-config.ts';

/** Required columns are not in the file; carries the closest header row for a drift report. */
export class MissingColumnsError extends FileRejectedError {
  readonly missing: RequiredHeader[];
  /** The closest header row found (for describeSchemaDrift against the last good header). */
  readonly foundHeader: string[];
  constructor(
    message: string,
    location: SourceLocation,
    hint: string,
    missing: RequiredHeader[],
    foundHeader: string[],
  ) {
    super(message, location, hint);
    this.missing = missing;
    this.foundHeader = foundHeader;
  }
}

export interface RequiredHeader {
  field: string;
  aliases: string[];
}

export interface HeaderMatch {
  found: boolean;
  /** Index of the (best) row among the rows given. */
  index: number;
  missing: RequiredHeader[];
}

/** Required fields read from the file (not constants), with their accepted header names. */
export function requiredHeaders(source: VendorSource): RequiredHeader[] {
  const out: RequiredHeader[] = [];
  for (const field of REQUIRED_FIELDS) {
    const m = source.fields[field];
    if (!m || m.value !== undefined || m.default !== undefined || m.sources.length === 0) continue;
    out.push({ field, aliases: m.sources });
  }
  return out;
}

export function findHeader(rows: string[][], required: RequiredHeader[]): HeaderMatch {
  let best: HeaderMatch = { found: false, index: 0, missing: required };
  for (let i = 0; i < rows.length; i++) {
    const cells = new Set((rows[i] ?? []).map((c) => normalizeHeader(String(c ?? ''))));
    if (cells.size === 0 || (cells.size === 1 && cells.has(''))) continue;
    const missing = required.filter((r) => !r.aliases.some((a) => cells.has(normalizeHeader(a))));
    if (missing.length === 0) return { found: true, index: i, missing };
    if (missing.length < best.missing.length) best = { found: false, index: i, missing };
  }
  return best;
}

export function missingColumnsMessage(best: HeaderMatch, rows: string[][], requiredCount: number): string {
  const expected = best.missing
    .map((m) => `${m.field} (expected ${m.aliases.map((a) => `"${a}"`).join(' or ')})`)
    .join(', ');
  const row = rows[best.index] ?? [];
  const found = row
    .map((c) => String(c ?? '').trim())
    .filter((c) => c !== '')
    .map((c) => `"${c}"`)
    .join(', ');
  const noun = best.missing.length === 1 ? 'required column' : 'required columns';
  if (!found || best.missing.length === requiredCount)
    return `${noun} not found: ${expected}; no row holds any of them`;
  return `${noun} not found: ${expected}; the closest header row (row ${best.index + 1}) has: ${found}`;
}
