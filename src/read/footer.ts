// Total, subtotal and footnote rows: a row whose first non-empty cell starts with a footer
// pattern (case-insensitive). A pattern ending in a letter or digit must end a word there, so
// `total` matches "Total", "Total:" and "Total EUR" but not "Totally" (the Excel reader's rule).
import { normalizeHeader } from '../map/map-record.ts';

export function matchesFooterPattern(text: string, pattern: string): boolean {
  const cell = normalizeHeader(text);
  const prefix = normalizeHeader(pattern);
  if (prefix === '' || !cell.startsWith(prefix)) return false;
  const next = cell.charAt(prefix.length);
  return (
    next === '' || !/[\p{L}\p{N}]/u.test(prefix.charAt(prefix.length - 1)) || !/[\p{L}\p{N}]/u.test(next)
  );
}
