// Numbers as vendors write them, turned into plain decimal strings without ever passing through
// binary floating point: every digit the vendor sent is kept (`1.234,50` -> `1234.50`).
// Accepted: a configured decimal separator (`.` or `,`), configured grouping separators checked
// in groups of three (`1,234.56`, `1.234,56`, `1 234,56`), a leading `-`/`+`, a trailing minus
// (`1234.50-`), parentheses (`(1,234.50)`), a trailing `%` (reported back so the caller can
// scale), and an exponent (`1.5E-3`) when the decimal separator is `.`.

import type { DecimalString } from '../domain/canonical.ts';
import type { NumberFormat } from '../domain/vendor-config.ts';
import { digitBoundProblem, MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS } from './bounds.ts';

export type DecimalResult =
  | { ok: true; value: DecimalString; percent: boolean }
  | { ok: false; reason: string };

const SPACES = /[\s\u00a0\u202f\u2009]/g;
const HAS_SPACE = /[\s\u00a0\u202f\u2009]/;

function describe(format: NumberFormat): string {
  const t =
    format.thousands.length === 0
      ? 'none'
      : format.thousands.map((s) => (s === ' ' ? 'space' : `"${s}"`)).join(' or ');
  return `decimal "${format.decimal}", thousands ${t}`;
}

function fail(text: string, format: NumberFormat, why?: string): DecimalResult {
  return {
    ok: false,
    reason: `"${text}" is not a number${why ? ` (${why})` : ''}; expected ${describe(format)}`,
  };
}

function stripLeadingZeros(intPart: string): string {
  const s = intPart.replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** Move the decimal point: `places` > 0 to the right (x10^places), < 0 to the left. */
export function movePoint(value: DecimalString, places: number): DecimalString {
  const negative = value.startsWith('-');
  const body = negative ? value.slice(1) : value;
  const dot = body.indexOf('.');
  let intPart = dot < 0 ? body : body.slice(0, dot);
  let fracPart = dot < 0 ? '' : body.slice(dot + 1);
  if (places < 0) {
    const n = -places;
    intPart = intPart.padStart(n + 1, '0');
    fracPart = intPart.slice(intPart.length - n) + fracPart;
    intPart = intPart.slice(0, intPart.length - n);
  } else if (places > 0) {
    fracPart = fracPart.padEnd(places, '0');
    intPart += fracPart.slice(0, places);
    fracPart = fracPart.slice(places);
  }
  const out = stripLeadingZeros(intPart) + (fracPart ? `.${fracPart}` : '');
  return negative && !isZeroDecimal(out) ? `-${out}` : out;
}

export function isZeroDecimal(value: DecimalString): boolean {
  return /^[-+]?0*\.?0*$/.test(value);
}

export function negateDecimal(value: DecimalString): DecimalString {
  if (isZeroDecimal(value)) return value.replace(/^-/, '');
  return value.startsWith('-') ? value.slice(1) : `-${value}`;
}

function checkGrouping(
  intPart: string,
  format: NumberFormat,
): { ok: true; digits: string } | { ok: false; why: string } {
  if (/^\d*$/.test(intPart)) return { ok: true, digits: intPart };
  const seps = [...new Set(intPart.replace(/\d/g, ''))];
  for (const s of seps) {
    if (
      !format.thousands.includes(s) &&
      !(s.trim() === '' && format.thousands.some((t) => t.trim() === ''))
    ) {
      return { ok: false, why: `unexpected "${s}"` };
    }
  }
  if (seps.length > 1) return { ok: false, why: 'mixed thousands separators' };
  const groups = intPart.split(seps[0] as string);
  const [first, ...rest] = groups;
  if (!first || !/^\d{1,3}$/.test(first) || rest.some((g) => !/^\d{3}$/.test(g))) {
    return { ok: false, why: 'digits not grouped in threes' };
  }
  return { ok: true, digits: groups.join('') };
}

/**
 * Checked before the exponent is applied, so `1e400` is refused without writing out 401 digits:
 * counts the significant digits the value will have before and after its decimal point.
 */
function boundsProblem(intDigits: string, fracDigits: string, exponent: number): string | undefined {
  const digits = intDigits + fracDigits;
  const point = intDigits.length + exponent;
  const firstSignificant = digits.search(/[1-9]/);
  const integerDigits = firstSignificant < 0 ? 0 : Math.max(0, point - firstSignificant);
  return digitBoundProblem(integerDigits, Math.max(0, digits.length - point));
}

const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
/** Thousands separators the fast path knows: `1,234.50`, `1'234.50`. */
const COMMA = 44;
const APOSTROPHE = 39;

/**
 * The fast path for the common case, a plain decimal with a "." and perhaps grouped thousands
 * (`-1234.50`, `9,051,119.30`, `0.0012`): checked and written out char by char, with the same
 * result as the general parser below; anything else (spaces, parentheses, a plus or trailing
 * sign, exponents, percent, bad grouping, out of bounds) is left to it (undefined).
 */
function plainDecimal(text: string, format: NumberFormat): DecimalResult | undefined {
  if (format.decimal !== '.') return undefined;
  const length = text.length;
  const negative = text.charCodeAt(0) === MINUS;
  const intStart = negative ? 1 : 0;
  let separator = '';
  let group = 0;
  let groups = 0;
  let i = intStart;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      group++;
      continue;
    }
    if (c === DOT) break;
    if (c !== COMMA && c !== APOSTROPHE) return undefined;
    const char = text.charAt(i);
    if (separator === '') {
      if (!format.thousands.includes(char)) return undefined;
      separator = char;
    } else if (char !== separator) return undefined;
    // The first group holds one to three digits, every later one three.
    if (group === 0 || group > 3 || (groups > 0 && group !== 3)) return undefined;
    groups++;
    group = 0;
  }
  const intEnd = i;
  if (group === 0 || (groups > 0 && group !== 3)) return undefined;
  let fractionNonZero = false;
  if (i < length) {
    i++;
    if (i === length) return undefined;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) return undefined;
      if (c !== ZERO) fractionNonZero = true;
    }
  }
  const grouped = text.slice(intStart, intEnd);
  const digits = groups > 0 ? grouped.replaceAll(separator, '') : grouped;
  let zeros = 0;
  while (zeros < digits.length - 1 && digits.charCodeAt(zeros) === ZERO) zeros++;
  const integer = zeros > 0 ? digits.slice(zeros) : digits;
  const integerZero = integer === '0';
  const fractionDigits = intEnd === length ? 0 : length - intEnd - 1;
  if ((integerZero ? 0 : integer.length) > MAX_INTEGER_DIGITS || fractionDigits > MAX_FRACTION_DIGITS)
    return undefined;
  const body = intEnd === length ? integer : integer + text.slice(intEnd);
  const value = negative && !(integerZero && !fractionNonZero) ? `-${body}` : body;
  return { ok: true, value, percent: false };
}

/** Parse a vendor's number into a decimal string. JSON/Excel numbers are taken as JavaScript wrote them. */
export function parseDecimal(input: string | number, format: NumberFormat): DecimalResult {
  if (typeof input === 'string') {
    const plain = plainDecimal(input, format);
    if (plain !== undefined) return plain;
  }
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: `"${input}" is not a finite number` };
    return parseDecimal(String(input), { decimal: '.', thousands: [] });
  }
  const text = input.trim();
  let s = text.replace(/\u2212/g, '-');
  if (s === '') return fail(text, format, 'empty');
  let negative = false;
  let percent = false;
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) {
    negative = true;
    s = (paren[1] as string).trim();
  }
  if (s.endsWith('%')) {
    percent = true;
    s = s.slice(0, -1).trim();
  }
  if (s.endsWith('-')) {
    if (negative) return fail(text, format, 'two minus signs');
    negative = true;
    s = s.slice(0, -1).trim();
  }
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) {
      if (negative) return fail(text, format, 'two minus signs');
      negative = true;
    }
    s = s.slice(1).trim();
  }
  if (!percent && s.endsWith('%')) {
    percent = true;
    s = s.slice(0, -1).trim();
  }
  let exponent = 0;
  if (format.decimal === '.') {
    const exp = /^(.*\d)[eE]([-+]?\d{1,4})$/.exec(s);
    if (exp) {
      s = exp[1] as string;
      exponent = Number(exp[2]);
    }
  }
  // Spaces are grouping only when configured; otherwise a space inside a number is an error.
  if (!format.thousands.some((t) => t.trim() === '')) {
    if (HAS_SPACE.test(s)) return fail(text, format, 'unexpected space');
  } else {
    s = s.replace(SPACES, ' ');
  }
  const parts = s.split(format.decimal);
  if (parts.length > 2) return fail(text, format, `more than one decimal "${format.decimal}"`);
  const intRaw = parts[0] as string;
  const fracPart = parts[1] ?? '';
  const stray = /[^\d]/.exec(fracPart);
  if (stray) return fail(text, format, `unexpected "${stray[0]}"`);
  if (intRaw === '' && fracPart === '') return fail(text, format);
  const grouped = checkGrouping(intRaw, format);
  if (!grouped.ok) return fail(text, format, grouped.why);
  const outOfBounds = boundsProblem(grouped.digits, fracPart, exponent);
  if (outOfBounds !== undefined) {
    return {
      ok: false,
      reason: `"${text}" is out of bounds: ${outOfBounds}; check the column and the number format`,
    };
  }
  let value = stripLeadingZeros(grouped.digits) + (fracPart ? `.${fracPart}` : '');
  if (negative && !isZeroDecimal(value)) value = `-${value}`;
  if (exponent !== 0) value = movePoint(value, exponent);
  return { ok: true, value, percent };
}

/** A return in `unit` as a decimal fraction: `4.02` percent -> `0.0402`. */
export function returnToFraction(value: DecimalString, unit: 'fraction' | 'percent' | 'bps'): DecimalString {
  if (unit === 'percent') return movePoint(value, -2);
  if (unit === 'bps') return movePoint(value, -4);
  return value;
}
