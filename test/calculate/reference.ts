// An exact reference for the return engine, in BigInt rationals. It is written from the text
// of SPEC §3, separately from src/calculate, and shares no code with it: dates are counted
// with Date.UTC (not the engine's day-number arithmetic), and every number is an exact
// fraction, so the only approximation in a comparison is the engine's own.
//
// Every binary double is an exact rational (m · 2^e), so the engine and the reference see the
// very same inputs: the reference computes what the engine computes, without rounding.

export interface Rational {
  n: bigint;
  /** Always positive. */
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  const sign = d < 0n ? -1n : 1n;
  const g = gcd(n, d) || 1n;
  return { n: (sign * n) / g, d: (sign * d) / g };
}

export const ZERO = rational(0n);
export const ONE = rational(1n);

/** The exact value of a finite double. */
export function exact(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not finite: ${x}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  const signed = negative ? -mantissa : mantissa;
  return exponent >= 0 ? rational(signed << BigInt(exponent)) : rational(signed, 1n << BigInt(-exponent));
}

/** The exact value of a decimal written as text, e.g. "-1234.56". */
export function decimal(text: string): Rational {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) throw new RangeError(`not a decimal: ${text}`);
  const digits = (match[2] ?? '') + (match[3] ?? '');
  const scale = 10n ** BigInt((match[3] ?? '').length);
  return rational((match[1] === '-' ? -1n : 1n) * BigInt(digits), scale);
}

export const add = (a: Rational, b: Rational): Rational => rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => rational(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => rational(a.n * b.d, a.d * b.n);
export const abs = (a: Rational): Rational => (a.n < 0n ? rational(-a.n, a.d) : a);
export const compare = (a: Rational, b: Rational): number => {
  const difference = a.n * b.d - b.n * a.d;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
};
export const isPositive = (a: Rational): boolean => a.n > 0n;

/** A readable approximation, for failure messages only. */
export function approximate(a: Rational): number {
  const scaled = (a.n * 10n ** 30n) / a.d;
  return Number(scaled) / 1e30;
}

/**
 * |engine - exact| ≤ tolerance · max(|1 + exact|, |exact|), decided exactly.
 *
 * The scale is 1 + R, the growth factor, as the issue asks — except for a return near -100%,
 * where it is |R| (about 1). A return is a double: between -1 and -0.5 its spacing is
 * 2^-53 ≈ 1.1e-16, so even the correctly rounded -0.99992 is 7e-13 away from the exact value
 * relative to 1 + R = 7.7e-5; no double can meet 1e-12 relative to a growth factor below 1e-4.
 * For R > -0.5 the scale is exactly 1 + R.
 */
export function agrees(engine: number, reference: Rational, tolerance = rational(1n, 10n ** 12n)): boolean {
  const error = abs(sub(exact(engine), reference));
  const growth = abs(add(ONE, reference));
  const scale = compare(growth, abs(reference)) >= 0 ? growth : abs(reference);
  return compare(error, mul(tolerance, scale)) <= 0;
}

// ---- The return conventions of SPEC §3, written out directly. ----

const MS_PER_DAY = 86_400_000;

/** Calendar days between two ISO dates, by Date.UTC. */
export function daysBetween(from: string, to: string): number {
  const parse = (date: string) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((parse(to) - parse(from)) / MS_PER_DAY);
}

export interface ReferenceFlow {
  date: string;
  amount: Rational;
  timing: 'end_of_day' | 'start_of_day';
}

export interface ReferencePeriod {
  periodStart: string;
  periodEnd: string;
  beginMarketValue: Rational;
  endMarketValue: Rational;
  flows: ReferenceFlow[];
  /** Added back to the end market value for a gross return. */
  fees?: Rational;
}

/** The per-flow weight w_i = (CD - D_i) / CD, with D_i - 1 for a start-of-day flow. */
export function weight(period: ReferencePeriod, flow: ReferenceFlow): Rational {
  const calendarDays = BigInt(daysBetween(period.periodStart, period.periodEnd));
  const flowDay = BigInt(
    daysBetween(period.periodStart, flow.date) - (flow.timing === 'start_of_day' ? 1 : 0),
  );
  return rational(calendarDays - flowDay, calendarDays);
}

/** Modified Dietz; null when the denominator is zero or negative. */
export function referenceModifiedDietz(period: ReferencePeriod): Rational | null {
  let numerator = sub(add(period.endMarketValue, period.fees ?? ZERO), period.beginMarketValue);
  let denominator = period.beginMarketValue;
  for (const flow of period.flows) {
    numerator = sub(numerator, flow.amount);
    denominator = add(denominator, mul(weight(period, flow), flow.amount));
  }
  return isPositive(denominator) ? div(numerator, denominator) : null;
}

/** The denominator of Modified Dietz (average capital), exactly. */
export function referenceAverageCapital(period: ReferencePeriod): Rational {
  let denominator = period.beginMarketValue;
  for (const flow of period.flows) denominator = add(denominator, mul(weight(period, flow), flow.amount));
  return denominator;
}

/** Geometric linking Π(1 + r_i) - 1; null if any return is null. */
export function referenceLink(returns: readonly (Rational | null)[]): Rational | null {
  let product = ONE;
  for (const r of returns) {
    if (r === null) return null;
    product = mul(product, add(ONE, r));
  }
  return sub(product, ONE);
}

/** One day of a daily path: the close of the day and the flows of the day. */
export interface ReferenceDay {
  close: Rational;
  /** Sum of the day's start-of-day flows. */
  startOfDayFlows: Rational;
  /** Sum of the day's end-of-day flows. */
  endOfDayFlows: Rational;
}

/**
 * The true time-weighted return of a daily path (SPEC §3): each day
 * r = (EMV - F_end) / (BMV + F_start) - 1, linked. Null when a day's denominator is not positive.
 */
export function referenceTrueDaily(openingValue: Rational, days: readonly ReferenceDay[]): Rational | null {
  const daily: (Rational | null)[] = [];
  let previous = openingValue;
  for (const day of days) {
    const denominator = add(previous, day.startOfDayFlows);
    daily.push(
      isPositive(denominator) ? sub(div(sub(day.close, day.endOfDayFlows), denominator), ONE) : null,
    );
    previous = day.close;
  }
  return referenceLink(daily);
}

/**
 * The large-flow rule of SPEC §3 with the split points of src/calculate/large-flows.ts,
 * written independently: per day and timing, a net flow above threshold · BMV (any flow when
 * BMV ≤ 0) is split at the close before it (end of D for end of day, end of D - 1 for start
 * of day, else end of D) when a valuation exists there, strictly inside the period; unless that
 * close is the period start or end, where the weight is already exact. The parts are computed by
 * Modified Dietz and linked. Returns the linked value (or null) and the split dates used.
 */
export function referenceSplit(
  period: ReferencePeriod,
  threshold: Rational,
  valuations: ReadonlyMap<string, Rational>,
): { value: Rational | null; splits: string[] } {
  const shift = (date: string, days: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
  const net = new Map<string, Rational>();
  for (const flow of period.flows) {
    const key = `${flow.date}|${flow.timing}`;
    net.set(key, add(net.get(key) ?? ZERO, flow.amount));
  }
  const splits = new Set<string>();
  for (const [key, amount] of net) {
    const [date, timing] = key.split('|') as [string, string];
    const large =
      amount.n !== 0n &&
      (!isPositive(period.beginMarketValue) ||
        compare(abs(amount), mul(threshold, period.beginMarketValue)) > 0);
    if (!large) continue;
    const at = timing === 'start_of_day' ? shift(date, -1) : date;
    if (at === period.periodStart || at === period.periodEnd) continue; // already weighted exactly
    if (valuations.has(at)) splits.add(at);
    // A start-of-day flow without the close before it: split at its own day's close instead.
    else if (timing === 'start_of_day' && date < period.periodEnd && valuations.has(date)) splits.add(date);
  }
  const ordered = [...splits].sort();
  const bounds = [period.periodStart, ...ordered, period.periodEnd];
  const parts: (Rational | null)[] = [];
  for (let index = 1; index < bounds.length; index++) {
    const from = bounds[index - 1] as string;
    const to = bounds[index] as string;
    const isLast = index === bounds.length - 1;
    parts.push(
      referenceModifiedDietz({
        periodStart: from,
        periodEnd: to,
        beginMarketValue: index === 1 ? period.beginMarketValue : (valuations.get(from) as Rational),
        endMarketValue: isLast ? period.endMarketValue : (valuations.get(to) as Rational),
        flows: period.flows.filter((flow) => flow.date > from && flow.date <= to),
        ...(isLast && period.fees !== undefined ? { fees: period.fees } : {}),
      }),
    );
  }
  return { value: referenceLink(parts), splits: ordered };
}
