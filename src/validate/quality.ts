// Quality validation of mapped periods, beyond what a single field's mapping can see.
// Pure: no I/O. A problem here quarantines the row with its location.
//
// A file reports each account and period once. A second row with other figures contradicts
// the first, and nothing says which is right: both are quarantined, each naming the other. A
// second row with the very same figures is an exact repeat: the period is stored once and the
// repeat only warned about. Rows are staged as they stream, so the repeats are found afterwards
// over the staged rows (in the database: nothing here grows with the file) and settled here.

import { formatLocation, type SourceLocation } from '../domain/errors.ts';
import type { MappedPeriod, RepeatedPeriod, RowProblem } from '../domain/read-row.ts';

export interface PeriodKey {
  accountId: string;
  periodStart: string;
  periodEnd: string;
}

/** The problems of one row on its own: flows dated outside their period. */
export function rowProblems(row: MappedPeriod): RowProblem[] {
  const { record } = row;
  const problems: RowProblem[] = [];
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
}

export interface SettledRepeats {
  /** Rows (by position in the file) that must not be stored. */
  unstage: number[];
  /** Exact repeats, stored once: a warning at the repeating row. */
  warnings: { location: SourceLocation; message: string }[];
  /** Contradicting rows: the later ones in file order, then the first row of each period. */
  quarantined: { location: SourceLocation; raw: Record<string, unknown>; problems: RowProblem[] }[];
}

/** `row 5`, `row 5 and row 9`: the other locations, without repeating the file. */
function describeOthers(others: readonly SourceLocation[]): string {
  const parts = others.map((location) => formatLocation({ ...location, file: '' }).replace(/^, /, ''));
  return parts.length === 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

function contradiction(key: PeriodKey, where: string): RowProblem {
  return {
    reason: `account ${key.accountId} period ${key.periodStart}..${key.periodEnd} is reported more than once with different figures (also at ${where}); a file may report a period once, so none of these rows is stored`,
  };
}

/**
 * Each period in file order: the first row stands; a later row with the same figures is a
 * repeat (while nothing contradicted the period); any other later row contradicts it, and then
 * the first row is withdrawn too.
 */
export function settleRepeats(periods: readonly RepeatedPeriod[]): SettledRepeats {
  const settled: SettledRepeats = { unstage: [], warnings: [], quarantined: [] };
  const later: { seq: number; entry: SettledRepeats['quarantined'][number] }[] = [];
  const withdrawn: { seq: number; entry: SettledRepeats['quarantined'][number] }[] = [];
  const repeats: { seq: number; warning: SettledRepeats['warnings'][number] }[] = [];
  for (const period of periods) {
    const key = { accountId: period.accountId, periodStart: period.periodStart, periodEnd: period.periodEnd };
    const [first, ...rest] = period.rows;
    if (first === undefined) continue;
    const others: SourceLocation[] = [];
    let firstConflict: number | undefined;
    for (const row of rest) {
      settled.unstage.push(row.seq);
      if (others.length === 0 && row.figures === first.figures) {
        repeats.push({
          seq: row.seq,
          warning: {
            location: row.location,
            message: `repeats ${formatLocation(first.location)} exactly; the period is stored once`,
          },
        });
        continue;
      }
      firstConflict ??= row.seq;
      others.push(row.location);
      later.push({
        seq: row.seq,
        entry: {
          location: row.location,
          raw: row.record,
          problems: [contradiction(key, formatLocation(first.location))],
        },
      });
    }
    if (firstConflict === undefined) continue;
    settled.unstage.push(first.seq);
    withdrawn.push({
      seq: firstConflict,
      entry: {
        location: first.location,
        raw: { ...key },
        problems: [contradiction(key, `${first.location.file}, ${describeOthers(others)}`)],
      },
    });
  }
  const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
  settled.warnings = repeats.sort(bySeq).map((r) => r.warning);
  settled.quarantined = [...later.sort(bySeq), ...withdrawn.sort(bySeq)].map((q) => q.entry);
  return settled;
}
