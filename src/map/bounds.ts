// Bounds on what a file may put into an amount, a return or an identifier. The database's
// columns are unconstrained NUMERIC (up to 131072 digits) and TEXT, so the bounds are common
// sense, not storage: 10^20 exceeds the world's wealth even counted in Vietnamese dong, no
// period returns beyond ±10,000 %, and no account number is longer than 64 characters. A value beyond a bound is a misread column or a hostile file; its row is
// quarantined naming the bound.

/** Digits before the decimal point of any amount or return: values stay below 10^20. */
export const MAX_INTEGER_DIGITS = 20;
/** Digits after the decimal point (binary doubles from JSON or Excel print up to ~25). */
export const MAX_FRACTION_DIGITS = 30;
/** A period return, as a fraction, lies within ±MAX_ABSOLUTE_RETURN (±10,000 %). */
export const MAX_ABSOLUTE_RETURN = 100n;

/** Why a decimal string is beyond the digit bounds, or undefined when it is within them. */
export function digitBoundProblem(integerDigits: number, fractionDigits: number): string | undefined {
  if (integerDigits > MAX_INTEGER_DIGITS) {
    return `more than ${MAX_INTEGER_DIGITS} digits before the decimal point (amounts and returns stay below 10^${MAX_INTEGER_DIGITS})`;
  }
  if (fractionDigits > MAX_FRACTION_DIGITS) {
    return `more than ${MAX_FRACTION_DIGITS} digits after the decimal point`;
  }
  return undefined;
}

/** True when a decimal fraction lies within ±MAX_ABSOLUTE_RETURN. */
export function isReturnWithinBound(value: string): boolean {
  // Two digits or fewer before the point: below 100 whatever follows (the common case, cheaply).
  const sign = value.charCodeAt(0) === 45 || value.charCodeAt(0) === 43 ? 1 : 0;
  const point = value.indexOf('.');
  if ((point < 0 ? value.length : point) - sign <= 2) return true;
  const [integer = '0', fraction = ''] = value.replace(/^[-+]/, '').split('.');
  const whole = BigInt(integer === '' ? '0' : integer);
  return whole < MAX_ABSOLUTE_RETURN || (whole === MAX_ABSOLUTE_RETURN && /^0*$/.test(fraction));
}
