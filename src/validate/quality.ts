// Quality validation of mapped periods, beyond what a single field's mapping can see.
// Pure: no I/O. A problem here quarantines the row with its location.

import { formatLocation } from '../domain/errors.ts';
import type { MappedPeriod, RowProblem } from '../read/types.ts';

export type QualityCheck = (row: MappedPeriod) => RowProblem[];

/** A check for one file: remembers the keys seen so a period reported twice is caught. */
export function createQualityCheck(): QualityCheck {
  const seen = new Map<string, string>();
  return (row) => {
    const { record } = row;
    const problems: RowProblem[] = [];
    const key = `${record.accountId}\u0000${record.periodStart}\u0000${record.periodEnd}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        reason: `account ${record.accountId} period ${record.periodStart}..${record.periodEnd} already appears at ${first}; a file may report a period once`,
      });
    } else {
      seen.set(key, formatLocation(row.location));
    }
    for (const flow of record.flows) {
      if (flow.date <= record.periodStart || flow.date > record.periodEnd) {
        problems.push({
          field: 'flows',
          value: flow.date,
          reason: `flow dated ${flow.date} lies outside the period (${record.periodStart}, ${record.periodEnd}]`,
        });
      }
    }
    return problems;
  };
}
