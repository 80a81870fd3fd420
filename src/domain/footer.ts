// Total, subtotal and footnote rows: a row whose first non-empty cell starts with a footer
// pattern (case-insensitive). A pattern ending in a letter or digit must end a word there, so
// `total` matches "Total", "Total:" and "Total EUR" but not "Totally". One rule for CSV and Excel.
import { normalizeHeader } from './read-row.ts';

/** Footer patterns when a vendor configures none. */
export const DEFAULT_FOOTER_PATTERNS: readonly string[] = [
  'total',
  'grand total',
  'subtotal',
  'gesamtsumme',
  'summe',
  'note',
  'notes',
  'source:',
  '*',
];

/** The rule on a cell and a pattern that are both normalized already (lower case, trimmed). */
export function footerPrefixMatches(cell: string, prefix: string): boolean {
  if (prefix === '' || !cell.startsWith(prefix)) return false;
  const next = cell.charAt(prefix.length);
  return (
    next === '' || !/[\p{L}\p{N}]/u.test(prefix.charAt(prefix.length - 1)) || !/[\p{L}\p{N}]/u.test(next)
  );
}

export function matchesFooterPattern(text: string, pattern: string): boolean {
  return footerPrefixMatches(normalizeHeader(text), normalizeHeader(pattern));
}
