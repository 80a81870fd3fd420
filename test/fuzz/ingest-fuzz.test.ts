// Fuzzing ingest (issue 10, item 20): mutants of the sample files — truncated, bytes flipped,
// lines inserted and deleted, columns swapped, junk numbers, random binary, huge lines and
// strings, deep nesting, damaged zip parts — generated with a fixed seed, each ingested
// through `ingestFile` into one private database. Whatever the damage, the ingest settles with
// a file status (never a thrown error that a worker would retry or dead-letter), says where the
// problem is, stores all of the file or none of it, and stays within a memory bound.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { classifyFailure } from '../../src/pipeline/failure.ts';
import { type SampleSet, writeSamples } from '../../src/samples/write-samples.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { prng } from '../support/prng.ts';
import { ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import { type Mutant, textMutants, zipMutants } from './mutants.ts';

const SEED = 20_251_202;
const MUTANTS_PER_FORMAT = 100;
/**
 * Growth of the process's resident memory over the whole run: measured 140-190 MB with this
 * seed and up to 250 MB with others (mutants up to ~2 MB each; the embedded database's heap
 * grows and is not given back). It catches runaway growth, such as rows kept across files.
 */
const MAX_RSS_GROWTH_MB = 400;
/** Where failing mutants are copied, to be kept as fixtures once understood. */
const FINDINGS = path.join(os.tmpdir(), 'perfrecon-fuzz-findings');

// Messages that are an internal error surfacing, not a reason written for the person.
const INTERNAL =
  /TypeError|RangeError|ReferenceError|is not a function|Cannot read prop|undefined|call stack/;

// Rejections that have a place in the file to name but do not name it.
const UNLOCATED: readonly [RegExp, string][] = [
  [/not valid JSON(?! at line| in \$)/, 'a JSON syntax error without its line'],
  [/could not be read: \d+:\d+:/, 'an XML error without the workbook part it is in'],
];

type Format = 'csv' | 'xlsx' | 'json';

describe('ingest fuzz: mutants of the sample files', () => {
  let env: TestEnv;
  let app: App;
  let set: SampleSet;
  let baselineRss = 0;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | undefined;
  // A reader's stream that fails after the ingest settled surfaces here, not in its promise.
  const uncaught: unknown[] = [];
  const recordUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    env = await createTestEnv();
    app = await openTestApp(env);
    set = await writeSamples({
      out: path.join(env.home, 'samples'),
      accounts: 4,
      days: 70,
      start: '2023-12-31',
      seed: 7,
      problems: 0.1,
    });
    baselineRss = process.memoryUsage.rss();
    peakRss = baselineRss;
    sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 25);
    sampler.unref();
    process.on('uncaughtException', recordUncaught);
    process.on('unhandledRejection', recordUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', recordUncaught);
    process.off('unhandledRejection', recordUncaught);
    clearInterval(sampler);
    await app?.close();
    await env?.cleanup();
  });

  /** What is wrong with the ingest of one mutant: nothing, when it keeps every promise. */
  async function violations(format: Format, vendorCode: string, file: string): Promise<string[]> {
    const name = path.basename(file);
    let summary: Awaited<ReturnType<typeof ingestFile>>;
    try {
      summary = await ingestFile(ingestContext(app, { actor: 'test:fuzz' }), { filePath: file, vendorCode });
    } catch (error) {
      const failure = classifyFailure(error);
      return [`threw instead of settling (a worker would call it ${failure.kind}): ${failure.message}`];
    }
    const { db } = app.database;
    const found: string[] = [];
    if (summary.outcome === 'ALREADY_INGESTED') return found;
    if (!['SUCCEEDED', 'QUARANTINED', 'REJECTED'].includes(summary.outcome)) {
      found.push(`ended ${summary.outcome}`);
    }
    const fileId = summary.fileId ?? -1;
    const stored = Number(
      (
        await db
          .selectFrom('performance_periods')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('file_id', '=', fileId)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const quarantined = await db
      .selectFrom('quarantined_rows')
      .select(['location', 'problems'])
      .where('file_id', '=', fileId)
      .execute();
    if (summary.outcome === 'REJECTED') {
      const message = summary.error?.message ?? '';
      if (!message.startsWith(name)) found.push(`rejected without the file's name: ${message}`);
      if (INTERNAL.test(message)) found.push(`rejected with an internal error: ${message}`);
      for (const [pattern, what] of UNLOCATED) if (pattern.test(message)) found.push(`${what}: ${message}`);
      if (stored > 0 || quarantined.length > 0) {
        found.push(`rejected but stored ${stored} periods and ${quarantined.length} quarantined rows`);
      }
      return found;
    }
    // Every warning is stored with the file (the summary holds only the first few).
    const warnings = await db
      .selectFrom('file_warnings')
      .select(['location', 'message'])
      .where('file_id', '=', fileId)
      .execute();
    if (warnings.length !== summary.warningCount) {
      found.push(`reported ${summary.warningCount} warnings, stored ${warnings.length}`);
    }
    const repeats = warnings.filter((w) => /^repeats .* exactly/.test(w.message)).length;
    if (summary.rowsStored + summary.rowsQuarantined + repeats !== summary.rowsRead) {
      found.push(
        `read ${summary.rowsRead} rows, stored ${summary.rowsStored}, quarantined ${summary.rowsQuarantined}, repeated ${repeats}`,
      );
    }
    if (stored !== summary.rowsStored) found.push(`reported ${summary.rowsStored} stored, found ${stored}`);
    if (quarantined.length !== summary.rowsQuarantined) {
      found.push(`reported ${summary.rowsQuarantined} quarantined, found ${quarantined.length}`);
    }
    for (const { location, problems } of quarantined) {
      const where =
        format === 'json'
          ? location.jsonPath !== undefined
          : location.row !== undefined && (format === 'csv' || location.sheet !== undefined);
      if (location.file !== name || !where)
        found.push(`quarantined without a location: ${JSON.stringify(location)}`);
      if (problems.length === 0 || problems.some((p) => !p.reason || INTERNAL.test(p.reason))) {
        found.push(`quarantined without a reason: ${JSON.stringify(problems)}`);
      }
    }
    return found;
  }

  /** At least MUTANTS_PER_FORMAT distinct mutants (a repeat would only be "already ingested"). */
  async function mutantsOf(format: Format): Promise<{ vendor: string; base: string; mutant: Mutant }[]> {
    const random = prng(SEED + format.length);
    const sources = set.samples.filter((s) => s.format === format);
    const perSource = Math.ceil(MUTANTS_PER_FORMAT / sources.length);
    const out: { vendor: string; base: string; mutant: Mutant }[] = [];
    for (const sample of sources) {
      const data = fs.readFileSync(sample.path);
      const candidates =
        format === 'xlsx'
          ? await zipMutants(data, random, 3 * perSource)
          : textMutants(data, random, 3 * perSource);
      const seen = new Set<string>([createHash('sha256').update(data).digest('hex')]);
      for (const mutant of candidates) {
        const sha = createHash('sha256').update(mutant.data).digest('hex');
        if (seen.has(sha)) continue;
        seen.add(sha);
        out.push({ vendor: sample.vendor, base: path.basename(sample.path), mutant });
        if (seen.size > perSource) break;
      }
    }
    return out;
  }

  for (const format of ['csv', 'xlsx', 'json'] as const) {
    it(`${format}: every mutant settles with a located reason and all-or-nothing storage`, async () => {
      const mutants = await mutantsOf(format);
      expect(mutants.length).toBeGreaterThanOrEqual(MUTANTS_PER_FORMAT);
      const failures: string[] = [];
      for (const [i, { vendor, base, mutant }] of mutants.entries()) {
        const folder = path.join(env.home, 'mutants', `${format}-${i}`);
        fs.mkdirSync(folder, { recursive: true });
        const file = path.join(folder, base);
        fs.writeFileSync(file, mutant.data);
        const found = await violations(format, vendor, file);
        if (found.length > 0) {
          const kept = path.join(FINDINGS, `${format}-${i}-${mutant.kind.replace(/\W/g, '_')}-${base}`);
          fs.mkdirSync(FINDINGS, { recursive: true });
          fs.copyFileSync(file, kept);
          failures.push(`${format} #${i} (${mutant.kind}, kept as ${kept}): ${found.join('; ')}`);
        }
        fs.rmSync(folder, { recursive: true, force: true });
      }
      expect(failures).toEqual([]);
      expect(uncaught).toEqual([]);
    }, 300_000);
  }

  it(`grows resident memory by less than ${MAX_RSS_GROWTH_MB} MB over all mutants`, () => {
    const growthMb = (peakRss - baselineRss) / 2 ** 20;
    console.log(
      `fuzz rss: baseline ${(baselineRss / 2 ** 20).toFixed(0)} MB, peak growth ${growthMb.toFixed(0)} MB`,
    );
    expect(growthMb).toBeLessThan(MAX_RSS_GROWTH_MB);
  });
});
