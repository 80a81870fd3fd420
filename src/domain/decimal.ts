// Exact decimal arithmetic on decimal strings (NUMERIC in the database). A continuity or
// cross-vendor check subtracts two market values and compares the difference with a tolerance
// in currency units; the mapper adds up fee and income columns. All of it on scaled BigInts: no
// binary rounding can turn 0.10 - 0.1 into a break.
import type { DecimalString } from './canonical.ts';

interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$|^([+-])?\.(\d+)$/;

function parse(value: DecimalString): Scaled {
  const text = value.trim();
  const match = DECIMAL.exec(text);
  if (match === null) throw new Error(`"${value}" is not a decimal number`);
  const sign = match[1] ?? match[4] ?? '';
  const whole = match[2] ?? '0';
  const fraction = match[3] ?? match[5] ?? '';
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format(units: bigint, scale: number): DecimalString {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** a - b, exactly. */
export function subtract(a: DecimalString, b: DecimalString): DecimalString {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x - y, scale);
}

/** a + b, exactly. */
export function add(a: DecimalString, b: DecimalString): DecimalString {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x + y, scale);
}

export function abs(a: DecimalString): DecimalString {
  const value = parse(a);
  return format(value.units < 0n ? -value.units : value.units, value.scale);
}

/** -1, 0 or 1 as a < b, a = b, a > b, exactly. */
export function compare(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  const [x, y] = align(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: DecimalString): boolean {
  return parse(a).units === 0n;
}

/** A number's exact decimal digits (float64 printed with 17 significant digits, trimmed). */
export function fromNumber(value: number): DecimalString {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number`);
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0);
  const text = value.toPrecision(17);
  if (!/e/i.test(text)) return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  // Exponent notation: expand it.
  const [mantissa = '0', exponentText = '0'] = text.toLowerCase().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const point = 1 + exponent;
  const units = BigInt(digits);
  const scale = digits.length - point;
  const formatted = scale >= 0 ? format(units, scale) : format(units * 10n ** BigInt(-scale), 0);
  const trimmed = formatted.includes('.') ? formatted.replace(/0+$/, '').replace(/\.$/, '') : formatted;
  return negative ? `-${trimmed}` : trimmed;
}

/** Decimal places written in a decimal string ("0.0402" has 4). */
export function decimalPlaces(value: DecimalString): number {
  return parse(value).scale;
}
