import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NumberFormat } from '../../src/domain/vendor-config.ts';
import { movePoint, negateDecimal, parseDecimal, returnToFraction } from '../../src/map/number.ts';

const US: NumberFormat = { decimal: '.', thousands: [','] };
const DE: NumberFormat = { decimal: ',', thousands: ['.'] };
const FR: NumberFormat = { decimal: ',', thousands: [' '] };
const PLAIN: NumberFormat = { decimal: '.', thousands: [] };

const value = (text: string | number, format: NumberFormat) => {
  const r = parseDecimal(text, format);
  return r.ok ? r.value : `ERROR ${r.reason}`;
};

describe('parseDecimal', () => {
  it('keeps every digit of a plain decimal (no float round trip)', () => {
    expect(value('1234567890123456789.123456789012345678', PLAIN)).toBe(
      '1234567890123456789.123456789012345678',
    );
    expect(value('1234.50', PLAIN)).toBe('1234.50');
    expect(value('0007.10', PLAIN)).toBe('7.10');
    expect(value('.5', PLAIN)).toBe('0.5');
  });

  it('reads thousands commas and a decimal point: 1,234.56', () => {
    expect(value('1,234.56', US)).toBe('1234.56');
    expect(value('1,234,567', US)).toBe('1234567');
  });

  it('reads thousands dots and a decimal comma: 1.234,56', () => {
    expect(value('1.234,56', DE)).toBe('1234.56');
    expect(value('-12.345.678,9', DE)).toBe('-12345678.9');
  });

  it('reads space thousands (also no-break and narrow no-break spaces): 1 234,56', () => {
    expect(value('1 234,56', FR)).toBe('1234.56');
    expect(value('1\u00a0234,56', FR)).toBe('1234.56');
    expect(value('1\u202f234\u202f567,5', FR)).toBe('1234567.5');
  });

  it('reads parentheses as negative: (1,234.50)', () => {
    expect(value('(1,234.50)', US)).toBe('-1234.50');
  });

  it('reads a trailing minus: 1234.50-', () => {
    expect(value('1234.50-', US)).toBe('-1234.50');
    expect(value('1.234,50-', DE)).toBe('-1234.50');
  });

  it('reads the Unicode minus sign', () => {
    expect(value('\u22121.5', PLAIN)).toBe('-1.5');
  });

  it('reports a percent sign so the caller can scale: 4.02%', () => {
    expect(parseDecimal('4.02%', PLAIN)).toEqual({ ok: true, value: '4.02', percent: true });
    expect(parseDecimal('(0.15%)', PLAIN)).toEqual({ ok: true, value: '-0.15', percent: true });
  });

  it('expands an exponent without float: 1.5E-7', () => {
    expect(value('1.5E-7', PLAIN)).toBe('0.00000015');
    expect(value('2.5e3', PLAIN)).toBe('2500');
  });

  it('takes JavaScript numbers (JSON/Excel) as they print, exponent expanded', () => {
    expect(value(1234.5, PLAIN)).toBe('1234.5');
    expect(value(1e-7, PLAIN)).toBe('0.0000001');
  });

  it('turns negative zero into zero', () => {
    expect(value('-0.00', PLAIN)).toBe('0.00');
    expect(value('(0)', PLAIN)).toBe('0');
  });

  it('refuses digits not grouped in threes, so a wrong locale never yields a wrong number', () => {
    expect(value('1,5', US)).toBe(
      'ERROR "1,5" is not a number (digits not grouped in threes); expected decimal ".", thousands ","',
    );
    expect(value('1.234,56', US)).toBe(
      'ERROR "1.234,56" is not a number (unexpected ","); expected decimal ".", thousands ","',
    );
  });

  it('refuses separators that are not configured', () => {
    expect(value('1,234.56', PLAIN)).toBe(
      'ERROR "1,234.56" is not a number (unexpected ","); expected decimal ".", thousands none',
    );
    expect(value('1 234', PLAIN)).toBe(
      'ERROR "1 234" is not a number (unexpected space); expected decimal ".", thousands none',
    );
  });

  it('refuses text, two decimal points and two minus signs', () => {
    expect(value('abc', PLAIN)).toBe(
      'ERROR "abc" is not a number (unexpected "a"); expected decimal ".", thousands none',
    );
    expect(value('1.2.3', PLAIN)).toBe(
      'ERROR "1.2.3" is not a number (more than one decimal "."); expected decimal ".", thousands none',
    );
    expect(value('(-5)', PLAIN)).toBe(
      'ERROR "(-5)" is not a number (two minus signs); expected decimal ".", thousands none',
    );
    expect(value('', PLAIN)).toBe('ERROR "" is not a number (empty); expected decimal ".", thousands none');
  });

  // Plain decimals take a fast path; a leading space (trimmed by the general parser) sends the
  // same text the general way, so both must agree on every text, digits within bounds or not.
  it('reads a plain decimal the same on the fast path as on the general one', () => {
    const digits = (max: number) =>
      fc.string({ unit: fc.constantFrom('0', '0', '1', '5', '9'), maxLength: max });
    const text = fc.oneof(
      fc
        .tuple(fc.constantFrom('', '-', '+'), digits(24), fc.constantFrom('', '.', '..'), digits(34))
        .map(([sign, int, point, frac]) => `${sign}${int}${point}${frac}`),
      fc
        .tuple(fc.constantFrom('', '-'), fc.array(digits(4), { minLength: 1, maxLength: 8 }), digits(3))
        .map(([sign, groups, frac]) => `${sign}${groups.join(',')}${frac === '' ? '' : `.${frac}`}`),
      fc.string({ unit: fc.constantFrom('0', '1', '.', '-', ',', "'", 'e', '%'), maxLength: 12 }),
    );
    const CH: NumberFormat = { decimal: '.', thousands: ["'"] };
    fc.assert(
      fc.property(text, fc.constantFrom(US, DE, FR, PLAIN, CH), (input, format) => {
        expect(parseDecimal(input, format)).toEqual(parseDecimal(` ${input}`, format));
      }),
      { numRuns: 5_000 },
    );
    expect(value('-0007.50', PLAIN)).toBe('-7.50');
    expect(value('-0.000', PLAIN)).toBe('0.000');
    expect(value('-0,001,234.50', US)).toBe('-1234.50');
    expect(value('1,23,456', US)).toMatch(/^ERROR .* \(digits not grouped in threes\)/);
    expect(value('123456789012345678901', PLAIN)).toMatch(/^ERROR .* out of bounds/);
  });
});

describe('returns and signs', () => {
  it('percent -> fraction moves the point two places: 4.02 -> 0.0402', () => {
    expect(returnToFraction('4.02', 'percent')).toBe('0.0402');
    expect(returnToFraction('-0.5', 'percent')).toBe('-0.005');
    expect(returnToFraction('123.4', 'percent')).toBe('1.234');
  });

  it('bps -> fraction moves the point four places: 12.5 -> 0.00125', () => {
    expect(returnToFraction('12.5', 'bps')).toBe('0.00125');
  });

  it('a fraction stays as it is', () => {
    expect(returnToFraction('0.0402', 'fraction')).toBe('0.0402');
  });

  it('movePoint right and left keeps trailing digits', () => {
    expect(movePoint('1.50', 2)).toBe('150');
    expect(movePoint('1.505', 1)).toBe('15.05');
    expect(movePoint('4.00', -2)).toBe('0.0400');
  });

  it('negate flips the sign but never writes -0', () => {
    expect(negateDecimal('35.25')).toBe('-35.25');
    expect(negateDecimal('-35.25')).toBe('35.25');
    expect(negateDecimal('0.00')).toBe('0.00');
  });
});
