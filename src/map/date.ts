// Calendar dates in the formats vendors use, to ISO `YYYY-MM-DD`. ISO is always accepted (it
// cannot be mistaken for another format); the vendor's configured formats are tried after it.
// Dates are calendar dates: no time zones, no Date objects holding local time.

import type { IsoDate } from '../domain/canonical.ts';
import { addDays, civilToIso, daysInMonth } from '../domain/civil-date.ts';
import type { DateFormat } from '../domain/vendor-config.ts';

export type DateResult = { ok: true; value: IsoDate } | { ok: false; reason: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function iso(year: number, month: number, day: number): IsoDate | undefined {
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  return civilToIso({ year, month, day });
}

/**
 * Excel's serial day numbers (1900 date system): 1 is 1900-01-01 and Excel counts a
 * 29 February 1900 that never was (serial 60), so later serials are offset from 1899-12-30.
 * A fractional part is a time of day and is dropped.
 */
export function excelSerialToIso(serial: number, date1904 = false): IsoDate | undefined {
  if (!Number.isFinite(serial) || serial < (date1904 ? 0 : 1) || serial >= 2958466) return undefined;
  const whole = Math.floor(serial);
  // Old Mac workbooks count from 1904-01-01 (serial 0), without the 1900 leap-year bug.
  if (date1904) return addDays('1904-01-01', whole);
  if (whole === 60) return undefined;
  return addDays(whole < 60 ? '1899-12-31' : '1899-12-30', whole);
}

type Parser = (text: string, date1904: boolean) => IsoDate | undefined;

const PARSERS: Record<DateFormat, Parser> = {
  ISO: (t) => {
    const m =
      /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
    return m ? iso(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  },
  'MM/DD/YYYY': (t) => {
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
    return m ? iso(Number(m[3]), Number(m[1]), Number(m[2])) : undefined;
  },
  'DD/MM/YYYY': (t) => {
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
    return m ? iso(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
  },
  'DD.MM.YYYY': (t) => {
    const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t);
    return m ? iso(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
  },
  YYYYMMDD: (t) => {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
    return m ? iso(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  },
  EXCEL_SERIAL: (t, date1904) =>
    /^\d+(\.\d+)?$/.test(t) ? excelSerialToIso(Number(t), date1904) : undefined,
  'DD-Mon-YYYY': (t) => {
    const m = /^(\d{1,2})[- ]([A-Za-z]{3})[- ](\d{4})$/.exec(t);
    if (!m) return undefined;
    const month = MONTHS.indexOf((m[2] as string).toLowerCase()) + 1;
    return month > 0 ? iso(Number(m[3]), month, Number(m[1])) : undefined;
  },
};

const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];
const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;

/**
 * The fast path for the common case, a plain `YYYY-MM-DD` that is a real date: it is its own
 * ISO form. Anything else (untrimmed, with a time, another format) goes the general way.
 */
function plainIsoDate(text: string): IsoDate | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  for (const at of DATE_DIGITS) {
    const d = digit(text, at);
    if (!(d >= 0 && d <= 9)) return undefined;
  }
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  return iso(year, month, day) === undefined ? undefined : text;
}

export function parseDate(
  input: string | number,
  formats: readonly DateFormat[],
  options: { date1904?: boolean } = {},
): DateResult {
  const plain = typeof input === 'string' ? plainIsoDate(input) : undefined;
  if (plain !== undefined) return { ok: true, value: plain };
  const text = typeof input === 'number' ? String(input) : input.trim();
  const tried = formats.includes('ISO') ? formats : (['ISO', ...formats] as DateFormat[]);
  for (const format of tried) {
    const value = PARSERS[format](text, options.date1904 === true);
    if (value !== undefined) return { ok: true, value };
  }
  const shapeMatches = tried.some((f) => f !== 'EXCEL_SERIAL' && looksLike(f, text));
  return {
    ok: false,
    reason: shapeMatches
      ? `"${text}" is not a real calendar date`
      : `"${text}" is not a date in the format ${tried.map((f) => (f === 'EXCEL_SERIAL' ? 'Excel serial number' : f)).join(' or ')}`,
  };
}

function looksLike(format: DateFormat, text: string): boolean {
  const shapes: Record<DateFormat, RegExp> = {
    ISO: /^\d{4}-\d{2}-\d{2}/,
    'MM/DD/YYYY': /^\d{1,2}\/\d{1,2}\/\d{4}$/,
    'DD/MM/YYYY': /^\d{1,2}\/\d{1,2}\/\d{4}$/,
    'DD.MM.YYYY': /^\d{1,2}\.\d{1,2}\.\d{4}$/,
    YYYYMMDD: /^\d{8}$/,
    EXCEL_SERIAL: /^\d+$/,
    'DD-Mon-YYYY': /^\d{1,2}[- ][A-Za-z]{3}[- ]\d{4}$/,
  };
  return shapes[format].test(text);
}
