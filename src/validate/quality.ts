// Quality validation of mapped periods, beyond what a single field's mapping can see.
// Pure: no I/O. A problem here quarantines the row with its location.

import { formatLocation } from '../domain/errors.ts';
import type { MappedPeriod, RowProblem } from '../domain/read-row.ts';

export type QualityCheck = (row: MappedPeriod) => RowProblem[];

/** A check for one file: remembers the keys seen so a period reported twice is caught. */
export function createQualityCheck(): QualityCheck {
  // One entry per period of the file: keep it small (the row number or JSON path, not the
  // whole location), so a file of millions of rows does not hold millions of location strings.
  const seen = new Map<string, number | string | undefined>();
  return (row) => {
    const { record } = row;
    const problems: RowProblem[] = [];
    const key = `${record.accountId}\u0000${record.periodStart}${record.periodEnd}`;
    if (seen.has(key)) {
      const first = seen.get(key);
      const firstLocation =
        typeof first === 'string'
          ? { file: row.location.file, jsonPath: first }
          : { ...row.location, row: first };
      problems.push({
        reason: `account ${record.accountId} period ${record.periodStart}..${record.periodEnd} already appears at ${formatLocation(firstLocation)}; a file may report a period once`,
      });
    } else {
      seen.set(key, row.location.row ?? row.location.jsonPath);
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
