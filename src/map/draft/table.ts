// A CSV file or a sheet as a table: which row is the header (titles, logos and blank rows
// above it), which rows below it are data, totals or notes, and each column's values.
import { DEFAULT_FOOTER_PATTERNS, matchesFooterPattern } from '../../domain/footer.ts';
import type { SampleCell, SampleColumn, SampleSheet } from './sample.ts';

export interface Table {
  sheet: string;
  headerRow: number;
  columns: SampleColumn[];
  /** Rows above the header (account or currency stated once). */
  titleRows: SampleSheet['rows'];
  /** Notes below the data that the default footer patterns do not skip. */
  extraFooters: string[];
  dataRows: number;
}

const text = (c: SampleCell): string => (c === null ? '' : String(c).trim());
const NUMBERISH = /^[\s\d.,()%+\-\u2212'/]*\d[\s\d.,()%+\-\u2212'/]*$/;
const isValue = (c: SampleCell): boolean => typeof c === 'number' || NUMBERISH.test(text(c));
const nonEmpty = (cells: readonly SampleCell[]): number => cells.filter((c) => text(c) !== '').length;

const firstText = (cells: readonly SampleCell[]): string => text(cells.find((c) => text(c) !== '') ?? null);
const isFooter = (cells: readonly SampleCell[]): boolean =>
  DEFAULT_FOOTER_PATTERNS.some((p) => matchesFooterPattern(firstText(cells), p));

/** The header row: the row with the most words (not numbers), unique, followed by a row with values. */
function headerIndex(rows: SampleSheet['rows']): number | undefined {
  let best: { index: number; words: number } | undefined;
  for (let i = 0; i < Math.min(rows.length, 50); i++) {
    const cells = rows[i]?.cells ?? [];
    const count = nonEmpty(cells);
    const words = cells.filter((c) => text(c) !== '' && !isValue(c)).map(text);
    // Mostly distinct words: a repeated label ("Rendite %" gross and net) is allowed, a row of "x" not.
    if (words.length < 2 || words.length < count * 0.75 || new Set(words).size < words.length * 0.75)
      continue;
    // The first row below with values; a total row right under the header (European exports) is no data.
    const next = rows.slice(i + 1).find((r) => nonEmpty(r.cells) > 0 && !isFooter(r.cells));
    if (!next || nonEmpty(next.cells) < count * 0.5 || !next.cells.some((c) => text(c) !== '' && isValue(c)))
      continue;
    if (!best || words.length > best.words) best = { index: i, words: words.length };
  }
  return best?.index;
}

export function readTable(sheet: SampleSheet): Table | undefined {
  const index = headerIndex(sheet.rows);
  if (index === undefined) return undefined;
  const header = sheet.rows[index] as SampleSheet['rows'][number];
  let width = header.cells.length;
  while (width > 0 && text(header.cells[width - 1] ?? null) === '') width--;
  const columns: SampleColumn[] = [];
  for (let c = 0; c < width; c++) {
    const name = text(header.cells[c] ?? null);
    if (name !== '') columns.push({ name, values: [] });
  }
  const positions = header.cells.slice(0, width).flatMap((cell, c) => (text(cell) === '' ? [] : [c]));
  const extraFooters: string[] = [];
  let dataRows = 0;
  for (const row of sheet.rows.slice(index + 1)) {
    const count = nonEmpty(row.cells);
    if (count === 0) continue;
    const first = firstText(row.cells);
    if (isFooter(row.cells)) continue;
    if (extraFooters.some((p) => matchesFooterPattern(first, p))) continue;
    // A lone text cell below the header is a note ("End of report"), not a period.
    if (count === 1 && !isValue(first)) {
      const word = first.toLowerCase().split(/\s+/).slice(0, 2).join(' ');
      extraFooters.push(word);
      continue;
    }
    if (text(row.cells[positions[0] ?? 0] ?? null) === text(header.cells[positions[0] ?? 0] ?? null))
      continue;
    dataRows++;
    positions.forEach((c, k) => {
      if (columns[k] && columns[k].values.length < 1000) columns[k].values.push(row.cells[c] ?? null);
    });
  }
  return {
    sheet: sheet.name,
    headerRow: header.number,
    columns,
    titleRows: sheet.rows.slice(0, index),
    extraFooters,
    dataRows,
  };
}
