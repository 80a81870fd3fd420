import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excelSerialToIso, parseDate } from '../../src/map/date.ts';

const date = (input: string | number, ...formats: Parameters<typeof parseDate>[1][number][]) => {
  const r = parseDate(input, formats);
  return r.ok ? r.value : `ERROR ${r.reason}`;
};

describe('parseDate', () => {
  // A plain YYYY-MM-DD takes a fast path; a leading space (trimmed by the general parser) sends
  // the same text the general way, so both must agree, real dates or not.
  it('reads a plain ISO date the same on the fast path as on the general one', () => {
    const twoDigits = fc.integer({ min: 0, max: 39 }).map((n) => String(n).padStart(2, '0'));
    const text = fc.oneof(
      fc
        .tuple(fc.integer({ min: 1850, max: 3050 }), twoDigits, twoDigits)
        .map(([y, m, d]) => `${y}-${m}-${d}`),
      fc.string({ unit: fc.constantFrom('0', '1', '2', '9', '-', '/', 'a'), minLength: 10, maxLength: 10 }),
    );
    const formats = fc.constantFrom<Parameters<typeof parseDate>[1]>(['ISO'], ['YYYYMMDD'], ['MM/DD/YYYY']);
    fc.assert(
      fc.property(text, formats, (input, f) => {
        expect(parseDate(input, f)).toEqual(parseDate(` ${input}`, f));
      }),
      { numRuns: 5_000 },
    );
    expect(date('2024-02-30', 'ISO')).toBe('ERROR "2024-02-30" is not a real calendar date');
  });

  it('reads ISO, also with a time of day', () => {
    expect(date('2024-02-29', 'ISO')).toBe('2024-02-29');
    expect(date('2024-02-29T00:00:00Z', 'ISO')).toBe('2024-02-29');
    expect(date('2024-02-29 17:30:00', 'ISO')).toBe('2024-02-29');
  });

  it('reads MM/DD/YYYY', () => {
    expect(date('01/31/2024', 'MM/DD/YYYY')).toBe('2024-01-31');
    expect(date('1/2/2024', 'MM/DD/YYYY')).toBe('2024-01-02');
  });

  it('reads DD/MM/YYYY', () => {
    expect(date('31/01/2024', 'DD/MM/YYYY')).toBe('2024-01-31');
  });

  it('reads DD.MM.YYYY', () => {
    expect(date('31.01.2024', 'DD.MM.YYYY')).toBe('2024-01-31');
    expect(date('1.2.2024', 'DD.MM.YYYY')).toBe('2024-02-01');
  });

  it('reads YYYYMMDD as text and as an integer', () => {
    expect(date('20240131', 'YYYYMMDD')).toBe('2024-01-31');
    expect(date(20240131, 'YYYYMMDD')).toBe('2024-01-31');
  });

  it('reads Excel serial numbers (1900 system with its phantom 29 Feb 1900)', () => {
    expect(date(45322, 'EXCEL_SERIAL')).toBe('2024-01-31');
    expect(date('45322', 'EXCEL_SERIAL')).toBe('2024-01-31');
    expect(date(45322.75, 'EXCEL_SERIAL')).toBe('2024-01-31');
    expect(excelSerialToIso(1)).toBe('1900-01-01');
    expect(excelSerialToIso(59)).toBe('1900-02-28');
    expect(excelSerialToIso(61)).toBe('1900-03-01');
    expect(excelSerialToIso(60)).toBeUndefined();
  });

  it('reads Excel serials of the 1904 date system', () => {
    expect(excelSerialToIso(0, true)).toBe('1904-01-01');
    expect(parseDate(43860, ['EXCEL_SERIAL'], { date1904: true })).toEqual({ ok: true, value: '2024-01-31' });
  });

  it('reads DD-Mon-YYYY', () => {
    expect(date('31-Jan-2024', 'DD-Mon-YYYY')).toBe('2024-01-31');
    expect(date('1-FEB-2024', 'DD-Mon-YYYY')).toBe('2024-02-01');
  });

  it('always accepts ISO beside the configured format', () => {
    expect(date('2024-01-31', 'MM/DD/YYYY')).toBe('2024-01-31');
  });

  it('tries the formats in order', () => {
    expect(date('02/03/2024', 'DD/MM/YYYY', 'MM/DD/YYYY')).toBe('2024-03-02');
  });

  it('refuses a date that does not exist', () => {
    expect(date('02/30/2024', 'MM/DD/YYYY')).toBe('ERROR "02/30/2024" is not a real calendar date');
    expect(date('2023-02-29', 'ISO')).toBe('ERROR "2023-02-29" is not a real calendar date');
  });

  it('refuses another format, naming the expected ones', () => {
    expect(date('31.01.2024', 'MM/DD/YYYY')).toBe(
      'ERROR "31.01.2024" is not a date in the format ISO or MM/DD/YYYY',
    );
    expect(date('yesterday', 'EXCEL_SERIAL')).toBe(
      'ERROR "yesterday" is not a date in the format ISO or Excel serial number',
    );
  });
});
