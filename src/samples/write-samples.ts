// Writes a set of sample files for the demo and for round-trip tests: the canonical format
// plus the three example vendors, all from one truth, so the same accounts are reported by
// more than one vendor -- and a manifest of what was written and which problems were injected.
import fs from 'node:fs';
import path from 'node:path';
import type { CanonicalPeriod } from '../domain/canonical.ts';
import { addDays } from '../domain/civil-date.ts';
import { canonicalCsv, canonicalJson, canonicalRecord, canonicalRows } from './canonical.ts';
import { monthlyPeriods } from './periods.ts';
import { type BadRowKind, type InjectedProblem, ProblemPlanner } from './problems.ts';
import { SampleRecorder } from './sample-file.ts';
import { generateTruth, isMonthEnd, type SampleAccount } from './truth.ts';
import { VENDOR_A, vendorACsvLines } from './vendor-a.ts';
import { VENDOR_B, vendorBWorkbook } from './vendor-b.ts';
import { VENDOR_C, vendorCJsonChunks } from './vendor-c.ts';

export const MANIFEST_NAME = 'samples-manifest.json';

export interface SampleOptions {
  out: string;
  accounts: number;
  days: number;
  start: string;
  seed: number;
  /** Share of the vendor periods (0..1) that carry an injected problem; the canonical files never do. */
  problems?: number;
}

export interface SampleFile {
  vendor: string;
  path: string;
  format: 'csv' | 'xlsx' | 'json';
  accounts: string[];
  /** The periods ingest must store, as the generator meant them (vendor units converted to ours). */
  expected: CanonicalPeriod[];
  problems: InjectedProblem[];
  /** Data rows ingest reads: stored + quarantined. */
  rowsRead: number;
  quarantined: number;
}

export interface SampleManifest {
  generator: 'perfrecon samples';
  options: Omit<SampleOptions, 'out'> & { problems: number };
  files: {
    vendor: string;
    file: string;
    format: SampleFile['format'];
    accounts: string[];
    rowsRead: number;
    stored: number;
    quarantined: number;
    problems: number;
  }[];
  /** Which vendors report each account. */
  coverage: Record<string, string[]>;
  problems: InjectedProblem[];
}

export interface SampleSet {
  /** The data files, in the order to ingest them. */
  files: string[];
  manifestPath: string;
  manifest: SampleManifest;
  samples: SampleFile[];
  accounts: SampleAccount[];
}

/** Which example vendors report an account: every account by two or three of them. */
export function vendorsReporting(accountIndex: number): string[] {
  switch (accountIndex % 4) {
    case 0:
      return [VENDOR_A, VENDOR_B];
    case 1:
      return [VENDOR_A, VENDOR_C];
    case 2:
      return [VENDOR_B, VENDOR_C];
    default:
      return [VENDOR_A, VENDOR_B, VENDOR_C];
  }
}

const BAD_ROWS: Record<string, readonly BadRowKind[]> = {
  [VENDOR_A]: ['unparseable_number', 'missing_account_id', 'end_before_start'],
  [VENDOR_B]: ['unparseable_number', 'missing_account_id', 'end_before_start'],
  // A JSON account id sits above the records (its absence rejects the document): a missing
  // required value inside a record stands in for it.
  [VENDOR_C]: ['unparseable_number', 'missing_value', 'end_before_start'],
};

export async function writeSamples(options: SampleOptions): Promise<SampleSet> {
  const rate = options.problems ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`problem rate must be between 0 and 1, got ${rate}`);
  fs.mkdirSync(options.out, { recursive: true });
  const accounts = generateTruth(options);
  const lastDay = addDays(options.start, options.days);
  const samples: SampleFile[] = [];

  // Canonical: half the accounts in CSV, the other half in JSON; never with problems.
  const rows = canonicalRows(accounts);
  const half = new Set(accounts.slice(0, Math.ceil(accounts.length / 2)).map((a) => a.accountId));
  for (const [name, format, selected] of [
    ['canonical-daily.csv', 'csv', rows.filter((r) => half.has(r.accountId))],
    ['canonical-daily.json', 'json', rows.filter((r) => !half.has(r.accountId))],
  ] as const) {
    if (selected.length === 0) continue;
    const file = path.join(options.out, name);
    fs.writeFileSync(file, format === 'csv' ? canonicalCsv(selected) : canonicalJson(selected));
    samples.push({
      vendor: 'canonical',
      path: file,
      format,
      accounts: [...new Set(selected.map((r) => r.accountId))],
      expected: selected.map(canonicalRecord),
      problems: [],
      rowsRead: selected.length,
      quarantined: 0,
    });
  }

  const reportedBy = (vendor: string) => accounts.filter((_, i) => vendorsReporting(i).includes(vendor));
  const planner = (vendor: string, offset: number) =>
    new ProblemPlanner({ rate, seed: options.seed + offset, badRows: BAD_ROWS[vendor] ?? [] });
  const recorder = (vendor: string, file: string) =>
    new SampleRecorder(vendor, path.basename(file), { keepExpected: true });

  const aAccounts = reportedBy(VENDOR_A);
  if (aAccounts.length > 0) {
    const file = path.join(options.out, `custa_perf_${lastDay.replaceAll('-', '')}.csv`);
    const record = recorder(VENDOR_A, file);
    const lines = vendorACsvLines(aAccounts, {
      reportDate: lastDay,
      planner: planner(VENDOR_A, 1),
      recorder: record,
    });
    await writeChunks(file, lines);
    samples.push(sampleFile(record, file, 'csv'));
  }

  // Monthly vendors report complete months only: none before the first month end.
  const monthly = (list: SampleAccount[]) => list.filter((a) => monthlyPeriods(a).length > 0);
  let lastMonthEnd: string | undefined;
  for (let day = lastDay; day > options.start && lastMonthEnd === undefined; day = addDays(day, -1)) {
    if (isMonthEnd(day)) lastMonthEnd = day;
  }

  const bAccounts = monthly(reportedBy(VENDOR_B));
  if (bAccounts.length > 0 && lastMonthEnd !== undefined) {
    const file = path.join(options.out, `vendorb_perf_${lastMonthEnd.slice(0, 7)}.xlsx`);
    const record = recorder(VENDOR_B, file);
    const reportDate = addDays(lastMonthEnd, 5);
    fs.writeFileSync(
      file,
      await vendorBWorkbook(bAccounts, { reportDate, planner: planner(VENDOR_B, 2), recorder: record }),
    );
    samples.push(sampleFile(record, file, 'xlsx'));
  }

  const cAccounts = monthly(reportedBy(VENDOR_C));
  if (cAccounts.length > 0 && lastMonthEnd !== undefined) {
    const file = path.join(options.out, `vendorc_performance_${lastMonthEnd}.json`);
    const record = recorder(VENDOR_C, file);
    const chunks = vendorCJsonChunks(cAccounts, {
      generatedAt: `${addDays(lastMonthEnd, 1)}T06:00:00Z`,
      planner: planner(VENDOR_C, 3),
      recorder: record,
    });
    await writeChunks(file, chunks);
    samples.push(sampleFile(record, file, 'json'));
  }

  const coverage: Record<string, string[]> = {};
  for (const sample of samples) {
    for (const account of sample.accounts) {
      const list = coverage[account] ?? [];
      if (!list.includes(sample.vendor)) list.push(sample.vendor);
      coverage[account] = list;
    }
  }
  const { out: _out, ...rest } = options;
  const manifest: SampleManifest = {
    generator: 'perfrecon samples',
    options: { ...rest, problems: rate },
    files: samples.map((s) => ({
      vendor: s.vendor,
      file: path.basename(s.path),
      format: s.format,
      accounts: s.accounts,
      rowsRead: s.rowsRead,
      stored: s.expected.length,
      quarantined: s.quarantined,
      problems: s.problems.length,
    })),
    coverage: Object.fromEntries(Object.entries(coverage).sort(([a], [b]) => (a < b ? -1 : 1))),
    problems: samples.flatMap((s) => s.problems),
  };
  const manifestPath = path.join(options.out, MANIFEST_NAME);
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { files: samples.map((s) => s.path), manifestPath, manifest, samples, accounts };
}

function sampleFile(recorder: SampleRecorder, file: string, format: SampleFile['format']): SampleFile {
  return {
    vendor: recorder.vendor,
    path: file,
    format,
    accounts: [...recorder.accounts].sort(),
    expected: recorder.expected ?? [],
    problems: recorder.problems,
    rowsRead: recorder.rowsRead,
    quarantined: recorder.quarantined,
  };
}

/** Writes generated text chunk by chunk, waiting for the stream to drain (bounded memory). */
export async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const stream = fs.createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let buffer = '';
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 1 << 16) {
      if (!stream.write(buffer)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      buffer = '';
    }
  }
  stream.end(buffer);
  await done;
}
