// Quality validation of mapped periods, beyond what a single field's mapping can see.
// Pure: no I/O. A problem here quarantines the row with its location.
//
// A file reports each account and period once. A second row with other figures contradicts
// the first, and nothing says which is right: both are quarantined, each naming the other. The
// first row has usually been passed on (staged) by then, so it is handed back at the end of
// the file through `withdrawn()`. A second row with the very same figures is an exact repeat:
// the period is stored once and the repeat only warned about.

import { hash } from 'node:crypto';
import { formatLocation, type SourceLocation } from '../domain/errors.ts';
import type { MappedPeriod, RowProblem } from '../domain/read-row.ts';

export interface PeriodKey {
  accountId: string;
  periodStart: string;
  periodEnd: string;
}

export interface QualityVerdict {
  problems: RowProblem[];
  /** The row repeats an earlier one exactly (its location, formatted): store the period once. */
  repeatOf?: string;
}

/** A row accepted earlier that a later row contradicted: it must not be stored after all. */
export interface WithdrawnPeriod {
  key: PeriodKey;
  location: SourceLocation;
  problems: RowProblem[];
}

export interface QualityCheck {
  check(row: MappedPeriod): QualityVerdict;
  /** After the last row: the accepted rows that later rows contradicted. */
  withdrawn(): WithdrawnPeriod[];
}

/** Where a row was, kept small: the row number or JSON path, not the whole location. */
type Place = number | string | undefined;

interface Seen {
  place: Place;
  /**
   * 48 bits of a digest of the figures, to tell an exact repeat from a contradiction: a number,
   * not a string, as one is kept per period of the file.
   */
  figures: number;
}

interface Conflict {
  key: PeriodKey;
  first: SourceLocation;
  others: SourceLocation[];
}

function figuresOf(row: MappedPeriod): number {
  const { currency, beginMarketValue, endMarketValue, flows, income, fees, vendorReturn, returnBasis } =
    row.record;
  const text = JSON.stringify([
    currency,
    beginMarketValue,
    endMarketValue,
    flows,
    income,
    fees,
    vendorReturn,
    returnBasis,
  ]);
  return hash('sha1', text, 'buffer').readUIntBE(0, 6);
}

function locationAt(place: Place, like: SourceLocation): SourceLocation {
  return typeof place === 'string' ? { file: like.file, jsonPath: place } : { ...like, row: place };
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

/** A check for one file: remembers the periods seen so a period reported twice is caught. */
export function createQualityCheck(): QualityCheck {
  const seen = new Map<string, Seen>();
  const conflicts = new Map<string, Conflict>();
  return {
    check(row) {
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
      const key = `${record.accountId}\u0000${record.periodStart}${record.periodEnd}`;
      const figures = figuresOf(row);
      const earlier = seen.get(key);
      if (earlier === undefined) {
        // Only a row that is stored can be contradicted later.
        if (problems.length === 0)
          seen.set(key, { place: row.location.row ?? row.location.jsonPath, figures });
        return { problems };
      }
      const first = locationAt(earlier.place, row.location);
      const conflict = conflicts.get(key);
      if (conflict === undefined && earlier.figures === figures && problems.length === 0) {
        return { problems, repeatOf: formatLocation(first) };
      }
      const { accountId, periodStart, periodEnd } = record;
      const periodKey = { accountId, periodStart, periodEnd };
      problems.unshift(contradiction(periodKey, formatLocation(first)));
      if (conflict === undefined) conflicts.set(key, { key: periodKey, first, others: [row.location] });
      else conflict.others.push(row.location);
      return { problems };
    },
    withdrawn() {
      return [...conflicts.values()].map(({ key, first, others }) => ({
        key,
        location: first,
        problems: [contradiction(key, `${first.file}, ${describeOthers(others)}`)],
      }));
    },
  };
}
