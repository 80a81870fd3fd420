// What a sample writer knows about the file it wrote: the canonical periods ingest must store
// from it (what the generator meant, in the vendor's units converted to ours), the problems it
// injected, and how many data rows ingest will read and quarantine.
import type { CanonicalPeriod } from '../domain/canonical.ts';
import type { SourceLocation } from '../domain/errors.ts';
import { categoryOf, type InjectedProblem, type ProblemChoice } from './problems.ts';

export class SampleRecorder {
  readonly vendor: string;
  readonly file: string;
  /** Null when the caller only wants the file (a benchmark): nothing is held per row. */
  readonly expected: CanonicalPeriod[] | null;
  readonly problems: InjectedProblem[] = [];
  readonly accounts = new Set<string>();
  /** Data rows ingest reads (stored + quarantined): neither titles, totals nor footnotes. */
  rowsRead = 0;
  quarantined = 0;

  constructor(vendor: string, file: string, options: { keepExpected: boolean }) {
    this.vendor = vendor;
    this.file = file;
    this.expected = options.keepExpected ? [] : null;
  }

  /** A row that ingest stores. */
  stored(record: CanonicalPeriod): void {
    this.rowsRead++;
    this.accounts.add(record.accountId);
    this.expected?.push(record);
  }

  /** A row (or a flow row) that ingest quarantines. */
  quarantinedRow(): void {
    this.rowsRead++;
    this.quarantined++;
  }

  problem(
    choice: Pick<ProblemChoice, 'kind'>,
    period: { accountId: string; periodStart: string; periodEnd: string },
    location: SourceLocation,
    details: Partial<InjectedProblem> & { description: string },
  ): InjectedProblem {
    const problem: InjectedProblem = {
      kind: choice.kind,
      category: categoryOf(choice.kind),
      vendor: this.vendor,
      file: this.file,
      accountId: period.accountId,
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      location,
      ...details,
    };
    this.problems.push(problem);
    return problem;
  }
}

/** A decimal string with its point moved `places` to the left (a percent to a fraction: 2). */
export function shiftPointLeft(text: string, places: number): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [whole = '0', fraction = ''] = body.split('.');
  const digits = whole.padStart(places + 1, '0');
  const cut = digits.length - places;
  const result = `${digits.slice(0, cut).replace(/^0+(?=\d)/, '')}.${digits.slice(cut)}${fraction}`;
  return negative ? `-${result}` : result;
}
