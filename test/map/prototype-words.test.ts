// Words from a file (return basis, flow timing, currency) that name properties of every
// JavaScript object must be looked up as words, never through the prototype chain.
import { describe, expect, it } from 'vitest';
import type { VendorConfig } from '../../src/domain/vendor-config.ts';
import { builtInVendor, fixture, readAll } from '../read/helpers.ts';

const file = 'canonical-prototype-words.csv';

describe('prototype property names as cell values', () => {
  it('quarantines each row with the word, its column and what is allowed', async () => {
    const { rows } = await readAll(fixture('csv', 'not-ok', file), await builtInVendor('canonical'));
    expect(rows).toEqual([
      {
        ok: false,
        location: { file, row: 2 },
        raw: expect.any(Object),
        problems: [
          {
            field: 'return_basis',
            column: 'return_basis',
            value: '__proto__',
            reason: '"__proto__" is not a return basis (gross or net)',
          },
        ],
      },
      {
        ok: false,
        location: { file, row: 3 },
        raw: expect.any(Object),
        problems: [
          {
            field: 'flow_timing',
            column: 'flow_timing',
            value: 'constructor',
            reason: '"constructor" is not a flow timing (end_of_day or start_of_day)',
          },
        ],
      },
      {
        ok: false,
        location: { file, row: 4 },
        raw: expect.any(Object),
        problems: [
          {
            field: 'currency',
            column: 'currency',
            value: 'toString',
            reason: '"toString" is not an ISO 4217 currency code',
          },
        ],
      },
      {
        ok: false,
        location: { file, row: 5 },
        raw: expect.any(Object),
        problems: [
          {
            field: 'return_basis',
            column: 'return_basis',
            value: 'toString',
            reason: '"toString" is not a return basis (gross or net)',
          },
          {
            field: 'flow_timing',
            column: 'flow_timing',
            value: 'hasOwnProperty',
            reason: '"hasOwnProperty" is not a flow timing (end_of_day or start_of_day)',
          },
        ],
      },
    ]);
  });

  it("looks a vendor's word mapping up by its own words only", async () => {
    const canonical = await builtInVendor('canonical');
    const [csv] = canonical.sources;
    if (csv === undefined) throw new Error('no csv source');
    const vendor: VendorConfig = {
      ...canonical,
      sources: [
        {
          ...csv,
          fields: {
            ...csv.fields,
            return_basis: { sources: ['return_basis'], values: { g: 'gross', n: 'net' } },
            flow_timing: { sources: ['flow_timing'], values: { bod: 'start_of_day' } },
          },
        },
      ],
    };
    const { rows } = await readAll(fixture('csv', 'not-ok', file), vendor);
    expect(rows.map((row) => (row.ok ? 'stored' : row.problems.map((p) => p.reason).join('; ')))).toEqual([
      '"__proto__" is not a return basis (gross or net)',
      '"constructor" is not a flow timing (end_of_day or start_of_day)',
      '"toString" is not an ISO 4217 currency code',
      '"toString" is not a return basis (gross or net); "hasOwnProperty" is not a flow timing (end_of_day or start_of_day)',
    ]);
  });
});
