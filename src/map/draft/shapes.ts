// What the values of a column look like: dates (in which format), amounts (with which decimal
// and thousands separators), currency codes, words. Each finding keeps its evidence, "47 of 47
// values look like DD.MM.YYYY", so a person can judge the draft.
import type { DateFormat, NumberFormat } from '../../domain/vendor-config.ts';
import { isIsoCurrency } from '../currency.ts';
import { parseDate } from '../date.ts';
import { parseDecimal } from '../number.ts';
import type { SampleCell, SampleColumn } from './sample.ts';

export const filled = (values: readonly SampleCell[]): (string | number)[] =>
  values.filter(
    (v): v is string | number => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number',
  );

const TEXT_DATE_FORMATS: readonly DateFormat[] = [
  'ISO',
  'DD.MM.YYYY',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'YYYYMMDD',
  'DD-Mon-YYYY',
];

/** A date format and the share of a column's values it reads. */
export interface DateFinding {
  formats: DateFormat[];
  evidence: string;
  /** Both MM/DD/YYYY and DD/MM/YYYY read every value: the draft's pick needs a look. */
  ambiguous: boolean;
}

const fits = (v: string | number, format: DateFormat, serials: boolean): boolean => {
  if (format === 'EXCEL_SERIAL')
    return serials && typeof v === 'number' && Number.isInteger(v) && v > 20000 && v < 80000;
  if (typeof v === 'number' && format !== 'YYYYMMDD') return false;
  const text = String(v).trim();
  // parseDate always accepts ISO; count a format only for the values it reads by itself.
  if (format !== 'ISO' && /^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return parseDate(text, [format]).ok;
};

/**
 * The date formats that read a column (at least 90 % of its values), or undefined. Excel serial
 * numbers count only where `serials` (a date-like header in a workbook): a market value of 45000
 * is a number too.
 */
export function dateFinding(column: SampleColumn, serials: boolean): DateFinding | undefined {
  const values = filled(column.values);
  if (values.length === 0) return undefined;
  const candidates: DateFormat[] = serials ? [...TEXT_DATE_FORMATS, 'EXCEL_SERIAL'] : [...TEXT_DATE_FORMATS];
  const counts = candidates.map((f) => ({ f, n: values.filter((v) => fits(v, f, serials)).length }));
  const used = counts.filter((c) => c.n > 0).sort((a, b) => b.n - a.n);
  let formats = used.map((c) => c.f);
  const us = formats.includes('MM/DD/YYYY');
  const eu = formats.includes('DD/MM/YYYY');
  const ambiguous =
    us && eu && counts.find((c) => c.f === 'MM/DD/YYYY')?.n === counts.find((c) => c.f === 'DD/MM/YYYY')?.n;
  // Slashes with the month first is the common reading (US); a day over 12 settles it otherwise.
  if (ambiguous) formats = formats.filter((f) => f !== 'DD/MM/YYYY');
  else if (us && eu) {
    const worse =
      (counts.find((c) => c.f === 'MM/DD/YYYY')?.n ?? 0) < (counts.find((c) => c.f === 'DD/MM/YYYY')?.n ?? 0);
    formats = formats.filter((f) => f !== (worse ? 'MM/DD/YYYY' : 'DD/MM/YYYY'));
  }
  const read = values.filter((v) => formats.some((f) => fits(v, f, serials))).length;
  if (read < values.length * 0.9) return undefined;
  const described = formats
    .map(
      (f) =>
        `${counts.find((c) => c.f === f)?.n} of ${values.length} values look like ${f === 'EXCEL_SERIAL' ? 'Excel serial dates' : f}`,
    )
    .join(', ');
  return {
    formats,
    evidence: ambiguous ? `${described} (and as many like DD/MM/YYYY: check)` : described,
    ambiguous,
  };
}

/**
 * Decimal and thousands separators, voted by the values that can only be read one way
 * (`1,234` and `1.234` are left out: a thousand, or one and a bit).
 */
export interface NumberFinding {
  format: NumberFormat;
  evidence: string;
}

const NUMBER_SHAPES: { test: RegExp; decimal: '.' | ','; thousands: string | undefined; example: string }[] =
  [
    { test: /^\d{1,3}(\.\d{3})+,\d+$/, decimal: ',', thousands: '.', example: '1.234,56' },
    { test: /^\d{1,3}( \d{3})+,\d+$/, decimal: ',', thousands: ' ', example: '1 234,56' },
    { test: /^\d+,\d{1,2}$|^\d+,\d{4,}$/, decimal: ',', thousands: undefined, example: '1234,56' },
    { test: /^\d{1,3}(,\d{3})+\.\d+$/, decimal: '.', thousands: ',', example: '1,234.56' },
    { test: /^\d+\.\d{1,2}$|^\d+\.\d{4,}$/, decimal: '.', thousands: undefined, example: '1234.56' },
  ];

const bare = (text: string): string =>
  text
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .replace(/[-+\u2212%]/g, '')
    .trim();

/** The number format of the text numbers of some columns; numbers typed as numbers say nothing. */
export function numberFinding(columns: readonly SampleColumn[]): NumberFinding {
  const votes = new Map<
    string,
    { n: number; decimal: '.' | ','; thousands: Set<string>; examples: Set<string> }
  >();
  let total = 0;
  for (const column of columns) {
    for (const v of filled(column.values)) {
      if (typeof v !== 'string') continue;
      const shape = NUMBER_SHAPES.find((s) => s.test.test(bare(v)));
      if (!shape) continue;
      total++;
      const vote = votes.get(shape.decimal) ?? {
        n: 0,
        decimal: shape.decimal,
        thousands: new Set(),
        examples: new Set(),
      };
      vote.n++;
      if (shape.thousands !== undefined) vote.thousands.add(shape.thousands);
      vote.examples.add(shape.example);
      votes.set(shape.decimal, vote);
    }
  }
  const winner = [...votes.values()].sort((a, b) => b.n - a.n)[0];
  if (!winner)
    return {
      format: { decimal: '.', thousands: [] },
      evidence: 'no written decimals to judge by: "." assumed',
    };
  const thousands = [...winner.thousands];
  const separators = thousands.length > 0 ? ` and "${thousands.join('", "')}" between thousands` : '';
  return {
    format: { decimal: winner.decimal, thousands },
    evidence: `${winner.n} of ${total} written numbers use "${winner.decimal}" for decimals${separators} (${[...winner.examples].join(', ')})`,
  };
}

/** The share of a column's values read as amounts under a number format. */
export function amountShare(
  column: SampleColumn,
  format: NumberFormat,
): { read: number; of: number; negative: number; positive: number } {
  const values = filled(column.values);
  let read = 0;
  let negative = 0;
  let positive = 0;
  for (const v of values) {
    const parsed = parseDecimal(v, format);
    if (parsed.ok && !parsed.percent) {
      read++;
      if (parsed.value.startsWith('-')) negative++;
      else if (/[1-9]/.test(parsed.value)) positive++;
    }
  }
  return { read, of: values.length, negative, positive };
}

export function isAmountColumn(column: SampleColumn, format: NumberFormat): boolean {
  const { read, of } = amountShare(column, format);
  // Three in four: a vendor's error cells (#N/A) are the row's problem, not the column's.
  return of > 0 && read >= of * 0.75;
}

export function isCurrencyColumn(column: SampleColumn): boolean {
  const values = filled(column.values);
  return (
    values.length > 0 &&
    values.every(
      (v) => typeof v === 'string' && isIsoCurrency(v.trim().toUpperCase()) && /^[A-Za-z]{3}$/.test(v.trim()),
    )
  );
}

/** Largest absolute value (and its text as written), for telling a percent from a fraction. */
export function largestMagnitude(
  column: SampleColumn,
  format: NumberFormat,
): { value: number; text: string } {
  let max = { value: 0, text: '0' };
  for (const v of filled(column.values)) {
    const parsed = parseDecimal(v, format);
    const value = parsed.ok ? Math.abs(Number(parsed.value)) : 0;
    if (parsed.ok && value > max.value) max = { value, text: parsed.value.replace(/^-/, '') };
  }
  return max;
}

export function hasPercentSign(column: SampleColumn): boolean {
  return filled(column.values).some((v) => typeof v === 'string' && v.trim().endsWith('%'));
}
