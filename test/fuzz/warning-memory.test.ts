// Memory on a file whose every row carries a warning (issue 10, item 18): 300,000 rows, each
// stored with the warning that its end value is negative. Warnings used to be held as text for
// the whole file; now they are written in batches as they are found, the summary keeps their
// count and the first few, and every one is read back from the database with its location.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { writeChunks } from '../../src/samples/write-samples.ts';
import { listFileWarnings, showFile } from '../../src/services/files.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { measureMemory } from '../support/memory.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const ROWS = 300_000;
// Resident memory peaks with garbage not yet collected (a dry run measured 166-215 MB with the
// warnings written, 273-277 MB when they were held); what the ingest still holds once it is done
// is the sharp measure: the 300,000 warnings held as text took 30 MB and more.
const MAX_DRY_RUN_GROWTH_MB = 250;
const MAX_RETAINED_MB = 10;
// These rows are also stored, in staging batches of 20,000: the embedded database's heap grows
// with what it stores (measured 278-484 MB for the 300,000 periods, their staging and warnings).
const MAX_RSS_GROWTH_MB = 700;

function* warnedRows(): Generator<string> {
  yield `${CANONICAL_HEADER}\n`;
  for (let i = 1; i <= ROWS; i++) yield `W-${i},2024-01-31,2024-02-29,USD,1000000,-${i}.25,,,,,,,gross\n`;
}

describe('a file of 300,000 rows that each carry a warning', () => {
  let env: TestEnv;
  let app: App;
  let file: string;
  beforeAll(async () => {
    env = await createTestEnv();
    app = await openTestApp(env);
    file = path.join(env.home, 'canonical-warned-rows.csv');
    await writeChunks(file, warnedRows());
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  /** Ingest the file of warned rows, with the memory it took. */
  async function measured(dryRun: boolean) {
    const use = await measureMemory(() =>
      ingestFile(ingestContext(app), { filePath: file, vendorCode: 'canonical', dryRun }),
    );
    console.log(`300k warned rows${dryRun ? ' (dry run)' : ''}: ${use.report}`);
    return { summary: use.result, growthMb: use.growthMb, retainedMb: use.retainedMb };
  }

  it(`holds only the first warnings: a dry run reads them all and keeps under ${MAX_RETAINED_MB} MB`, async () => {
    // A dry run stores nothing, so what it holds is the reading side's alone.
    const { summary, growthMb, retainedMb } = await measured(true);
    expect(summary).toMatchObject({ outcome: 'DRY_RUN', rowsRead: ROWS, rowsStored: ROWS });
    expect(summary.warningCount).toBe(ROWS);
    expect(summary.warnings).toHaveLength(50);
    expect(summary.warnings[0]).toBe(
      'canonical-warned-rows.csv, row 2: end_market_value is negative (-1.25)',
    );
    expect(retainedMb).toBeLessThan(MAX_RETAINED_MB);
    expect(growthMb).toBeLessThan(MAX_DRY_RUN_GROWTH_MB);
  }, 900_000);

  it(`stores every warning with its location within ${MAX_RSS_GROWTH_MB} MB of resident memory growth`, async () => {
    const { summary, growthMb, retainedMb } = await measured(false);
    expect(summary).toMatchObject({ outcome: 'SUCCEEDED', rowsRead: ROWS, rowsStored: ROWS });
    expect(summary.warningCount).toBe(ROWS);
    expect(summary.warnings).toHaveLength(50);
    expect(retainedMb).toBeLessThan(MAX_RETAINED_MB);
    expect(growthMb).toBeLessThan(MAX_RSS_GROWTH_MB);
    const fileId = summary.fileId as number;

    // Every warning, page by page, in file order with its row.
    let after = 0;
    let seen = 0;
    for (;;) {
      const page = await listFileWarnings(app, fileId, { after, limit: 50_000 });
      for (const warning of page.items) {
        seen++;
        if (
          warning.seq !== seen ||
          warning.location?.row !== seen + 1 ||
          warning.location?.file !== 'canonical-warned-rows.csv' ||
          warning.message !== `end_market_value is negative (-${seen}.25)`
        ) {
          expect.fail(`warning ${seen}: ${JSON.stringify(warning)}`);
        }
      }
      if (page.nextCursor === null) break;
      after = Number(page.nextCursor);
    }
    expect(seen).toBe(ROWS);

    const detail = await showFile(app, fileId);
    expect(detail.warningCount).toBe(ROWS);
    expect(detail.warnings).toHaveLength(20);
    expect(detail.warnings[19]).toEqual({
      seq: 20,
      location: { file: 'canonical-warned-rows.csv', row: 21 },
      message: 'end_market_value is negative (-20.25)',
    });
  }, 900_000);
});
