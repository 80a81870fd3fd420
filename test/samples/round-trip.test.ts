// Round trip: sample files generated -> ingested through the real pipeline (ingestFile into a
// private database) -> the stored canonical rows equal what the generator meant, for the
// canonical format and every example vendor. With injected problems, every bad row is
// quarantined exactly where the manifest says, and nothing else is lost.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { CanonicalPeriod } from '../../src/domain/canonical.ts';
import type { SourceLocation } from '../../src/domain/errors.ts';
import type { SampleFile, SampleSet } from '../../src/samples/write-samples.ts';
import { writeSamples } from '../../src/samples/write-samples.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { type StoredPeriod, selectPeriods } from '../../src/store/period-repository.ts';
import { ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

/** A decimal string in one spelling: no sign on zero, no leading or trailing zeros. */
function decimal(value: string | null): string | null {
  if (value === null) return null;
  const negative = value.startsWith('-');
  let [whole = '', fraction = ''] = value.replace(/^[-+]/, '').split('.');
  whole = whole.replace(/^0+(?=\d)/, '') || '0';
  fraction = fraction.replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

function comparable(period: CanonicalPeriod | StoredPeriod) {
  return {
    accountId: period.accountId,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    currency: period.currency,
    beginMarketValue: decimal(period.beginMarketValue),
    endMarketValue: decimal(period.endMarketValue),
    flows: period.flows.map((f) => ({ date: f.date, amount: decimal(f.amount), timing: f.timing })),
    fees: decimal(period.fees),
    vendorReturn: decimal(period.vendorReturn),
    returnBasis: period.returnBasis,
  };
}

const byPeriod = (
  a: { accountId: string; periodStart: string },
  b: { accountId: string; periodStart: string },
) =>
  a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : a.periodStart < b.periodStart ? -1 : 1;

const locationKey = (l: SourceLocation) => [l.file, l.sheet ?? '', l.row ?? '', l.jsonPath ?? ''].join('|');

/** Half a unit of the last digit each vendor prints, as a fraction: its own rounding is no break. */
const HALF_UNIT: Record<string, number> = {
  canonical: 0.5e-10,
  'vendor-a': 0.5e-4,
  'vendor-b': 0.5e-4,
  'vendor-c': 0.5e-6,
};

interface Harness {
  env: TestEnv;
  app: App;
  set: SampleSet;
}

async function harness(problems: number, seed: number): Promise<Harness> {
  const env = await createTestEnv();
  const app = await openTestApp(env);
  const set = await writeSamples({
    out: path.join(env.home, 'samples'),
    accounts: 12,
    days: 200,
    start: '2023-12-31',
    seed,
    problems,
  });
  return { env, app, set };
}

function ingest({ app }: Harness, filePath: string) {
  return ingestFile(ingestContext(app, { actor: 'test:samples' }), { filePath });
}

async function storedOf({ app }: Harness, sample: SampleFile) {
  const accounts = new Set(sample.accounts);
  const stored = await selectPeriods(app.database.db, { vendorCode: sample.vendor });
  // The two canonical files share a vendor code: keep the accounts of this file.
  return stored.filter((p) => accounts.has(p.accountId));
}

describe('samples round trip, no problems injected', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(0, 11);
  });
  afterAll(async () => {
    await h?.app.close();
    await h?.env.cleanup();
  });

  it('writes the canonical files and one file per example vendor, the same accounts in several', () => {
    expect(h.set.samples.map((s) => [s.vendor, s.format])).toEqual([
      ['canonical', 'csv'],
      ['canonical', 'json'],
      ['vendor-a', 'csv'],
      ['vendor-b', 'xlsx'],
      ['vendor-c', 'json'],
    ]);
    const { coverage } = h.set.manifest;
    const reportedBy = (...vendors: string[]) =>
      Object.values(coverage).filter((list) => vendors.every((v) => list.includes(v))).length;
    expect(reportedBy('vendor-a', 'vendor-b')).toBeGreaterThan(0);
    expect(reportedBy('vendor-a', 'vendor-c')).toBeGreaterThan(0);
    expect(reportedBy('vendor-b', 'vendor-c')).toBeGreaterThan(0);
    expect(reportedBy('vendor-a', 'vendor-b', 'vendor-c')).toBeGreaterThan(0);
    expect(h.set.manifest.problems).toEqual([]);
  });

  // One test per file, in the order written (checked above; the two canonical files share a vendor code).
  const FILES = ['canonical CSV', 'canonical JSON', 'Vendor A CSV', 'Vendor B xlsx', 'Vendor C JSON'];
  FILES.forEach((label, index) => {
    it(`${label}: every row stored as the generator meant it, the vendor's return within its own rounding`, async () => {
      const sample = h.set.samples[index] as SampleFile;
      const summary = await ingest(h, sample.path);
      expect(summary, JSON.stringify(summary.quarantine.slice(0, 3))).toMatchObject({
        outcome: 'SUCCEEDED',
        vendor: sample.vendor,
        rowsRead: sample.rowsRead,
        rowsStored: sample.expected.length,
        rowsInserted: sample.expected.length,
        rowsQuarantined: 0,
      });
      expect(sample.expected.length).toBeGreaterThan(10);
      const stored = await storedOf(h, sample);
      expect(stored.map(comparable).sort(byPeriod)).toEqual(sample.expected.map(comparable).sort(byPeriod));

      // The generator wrote each vendor's return under that vendor's own conventions (flow
      // timing, gross or net, rounding), so perfrecon's calculation agrees with it to within
      // half a unit of the last printed digit.
      const halfUnit = HALF_UNIT[sample.vendor] ?? 0;
      let compared = 0;
      for (const period of stored) {
        if (period.vendorReturn === null) {
          expect(period.calculatedReturn, `${period.accountId} ${period.periodEnd}`).toBeNull();
          continue;
        }
        const difference = Math.abs(Number(period.vendorReturn) - Number(period.calculatedReturn));
        expect(
          difference,
          `${period.accountId} ${period.periodStart}..${period.periodEnd}`,
        ).toBeLessThanOrEqual(halfUnit * (1 + 1e-9) + 1e-12);
        compared++;
      }
      expect(compared).toBeGreaterThan(10);
    });
  });

  it('vendor C reports a null opening value as 0 for an account funded during its first period', async () => {
    const sample = h.set.samples.find((s) => s.vendor === 'vendor-c') as SampleFile;
    const text = fs.readFileSync(sample.path, 'utf8');
    expect(text).toContain('"begin":null');
    const funded = sample.expected.find((p) => decimal(p.beginMarketValue) === '0');
    expect(funded).toBeDefined();
    expect(funded?.flows[0]).toMatchObject({ timing: 'start_of_day' });
  });

  it('the same options give the same bytes (the xlsx too)', async () => {
    const again = await writeSamples({
      out: path.join(h.env.home, 'samples-again'),
      accounts: 12,
      days: 200,
      start: '2023-12-31',
      seed: 11,
      problems: 0,
    });
    const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(again.files.map(digest)).toEqual(h.set.files.map(digest));
  });
});

describe('samples round trip with injected problems', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(0.15, 10);
  });
  afterAll(async () => {
    await h?.app.close();
    await h?.env.cleanup();
  });

  it('injects every kind of problem, each listed with its file, account and period', () => {
    const kinds = new Set(h.set.manifest.problems.map((p) => p.kind));
    expect([...kinds].sort()).toEqual([
      'end_before_start',
      'flow_timing',
      'missing_account_id',
      'missing_period',
      'missing_value',
      'return_off',
      'unparseable_number',
    ]);
    for (const vendor of ['vendor-a', 'vendor-b', 'vendor-c']) {
      const problems = h.set.manifest.problems.filter((p) => p.vendor === vendor);
      expect(
        problems.some((p) => p.category === 'bad_row'),
        vendor,
      ).toBe(true);
    }
    for (const problem of h.set.manifest.problems) {
      expect(problem.accountId).toMatch(/^ACC-\d{4}$/);
      expect(problem.periodEnd > problem.periodStart).toBe(true);
      expect(problem.location.file).toBe(problem.file);
    }
    // The manifest on disk says the same.
    const onDisk = JSON.parse(fs.readFileSync(h.set.manifestPath, 'utf8'));
    expect(onDisk.problems).toEqual(h.set.manifest.problems);
  });

  for (const vendor of ['vendor-a', 'vendor-b', 'vendor-c']) {
    it(`${vendor}: every bad row quarantined where the manifest says, nothing else lost`, async () => {
      const sample = h.set.samples.find((s) => s.vendor === vendor) as SampleFile;
      const summary = await ingest(h, sample.path);
      expect(summary.outcome, JSON.stringify(summary.error)).toBe('SUCCEEDED');
      expect(summary.rowsRead).toBe(summary.rowsStored + summary.rowsQuarantined);
      expect(summary.rowsRead).toBe(sample.rowsRead);
      expect(summary.rowsStored).toBe(sample.expected.length);
      expect(summary.rowsQuarantined).toBe(sample.quarantined);

      const expectedLocations = sample.problems.flatMap((p) => p.quarantined ?? []).map(locationKey);
      expect(expectedLocations.length).toBe(sample.quarantined);
      const quarantined = await h.app.database.db
        .selectFrom('quarantined_rows')
        .select(['location', 'problems'])
        .where('file_id', '=', Number(summary.fileId))
        .execute();
      const locations = quarantined.map((q) => locationKey(q.location as unknown as SourceLocation));
      expect(locations.sort()).toEqual(expectedLocations.sort());

      // Everything else is stored exactly, the returns that are off as the vendor printed them.
      const stored = await storedOf(h, sample);
      expect(stored.map(comparable).sort(byPeriod)).toEqual(sample.expected.map(comparable).sort(byPeriod));
      const storedReturn = new Map(stored.map((p) => [`${p.accountId} ${p.periodStart}`, p.vendorReturn]));
      for (const problem of sample.problems) {
        const key = `${problem.accountId} ${problem.periodStart}`;
        if (problem.category === 'missing_period' || problem.category === 'bad_row') {
          expect(storedReturn.has(key), `${problem.kind} ${key}`).toBe(false);
        } else {
          // A return off or computed at start of day is stored as the vendor printed it.
          const printed = Number(problem.reportedReturn) / (vendor === 'vendor-c' ? 1 : 100);
          expect(Number(storedReturn.get(key)), `${problem.kind} ${key}`).toBeCloseTo(printed, 12);
          if (problem.kind === 'return_off') {
            const correct = Number(problem.correctReturn) / (vendor === 'vendor-c' ? 1 : 100);
            expect(Math.round((printed - correct) * 10_000)).toBe(problem.offsetBps);
          }
        }
      }
    });
  }
});
