import { describe, expect, it } from 'vitest';
import { describeSchemaDrift } from '../../src/read/schema-drift.ts';

const LAST_GOOD = ['Account Number', 'From Date', 'To Date', 'Currency', 'Beg MV', 'End MV', 'Fees'];

describe('describeSchemaDrift', () => {
  it('says nothing changed for the same header, whatever the case and spacing', () => {
    const drift = describeSchemaDrift(
      LAST_GOOD,
      LAST_GOOD.map((h) => ` ${h.toUpperCase()} `),
    );
    expect(drift).toEqual({
      renamed: [],
      missing: [],
      added: [],
      reordered: false,
      message: 'no change',
    });
  });

  it('finds a rename in place', () => {
    const drift = describeSchemaDrift(
      LAST_GOOD,
      LAST_GOOD.map((h) => (h === 'Beg MV' ? 'Opening Value' : h)),
    );
    expect(drift.renamed).toEqual([{ from: 'Beg MV', to: 'Opening Value' }]);
    expect(drift.message).toBe('Column "Beg MV" was renamed to "Opening Value".');
  });

  it('finds a rename by a similar name elsewhere', () => {
    const current = [
      'Account Number',
      'From Date',
      'To Date',
      'Currency',
      'Custody Fees',
      'Beg MV',
      'End MV',
      'Fee',
    ];
    const drift = describeSchemaDrift(LAST_GOOD, current);
    expect(drift.renamed).toEqual([{ from: 'Fees', to: 'Fee' }]);
    expect(drift.added).toEqual(['Custody Fees']);
  });

  it('finds missing, added and reordered columns in one sentence', () => {
    const current = ['From Date', 'Account Number', 'To Date', 'Currency', 'Beg MV', 'End MV', 'Region'];
    const drift = describeSchemaDrift(LAST_GOOD, current);
    expect(drift).toEqual({
      renamed: [{ from: 'Fees', to: 'Region' }],
      missing: [],
      added: [],
      reordered: true,
      message: 'Column "Fees" was renamed to "Region"; the columns were reordered.',
    });
  });

  it('reports a dropped column and a new neighbour that are not alike', () => {
    const current = [
      'Account Number',
      'From Date',
      'To Date',
      'Currency',
      'Beg MV',
      'End MV',
      'Benchmark',
      'Region',
    ];
    const drift = describeSchemaDrift([...LAST_GOOD.slice(0, 6)], current);
    expect(drift.message).toBe('"Benchmark", "Region" are new.');
    const dropped = describeSchemaDrift(
      LAST_GOOD,
      LAST_GOOD.filter((h) => h !== 'Fees'),
    );
    expect(dropped.message).toBe('"Fees" is missing.');
  });
});
