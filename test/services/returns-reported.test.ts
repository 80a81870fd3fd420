// The vendor's own line beside ours: the returns a vendor reported, linked over the same periods
// as our series (Wikipedia's "Time-weighted return" sub-periods 4 %, 9 %, 5 %, 11 %), broken —
// never linked over — from a period it reported no return for.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { accountReturns, returnsReport } from '../../src/services/returns.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await openTestApp(env);
  // Our returns are 4 %, 9 %, 5 %, 11 %; the vendor reported 4 %, 10 %, nothing, 11 %.
  const rows = [
    'TWR-1,2010-12-31,2011-12-31,USD,100,104,,,,,,0.04,net',
    'TWR-1,2011-12-31,2012-12-31,USD,104,113.36,,,,,,0.10,net',
    'TWR-1,2012-12-31,2013-12-31,USD,113.36,119.028,,,,,,,net',
    'TWR-1,2013-12-31,2014-12-31,USD,119.028,132.12108,,,,,,0.11,net',
  ];
  const file = path.join(env.home, 'canonical-reported.csv');
  fs.writeFileSync(file, `${[CANONICAL_HEADER, ...rows].join('\n')}\n`);
  expect(await ingestFile(ingestContext(app), { filePath: file })).toMatchObject({ outcome: 'SUCCEEDED' });
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

it('links the vendor’s reported returns beside ours, period by period', async () => {
  const report = returnsReport(
    await accountReturns(app, {
      accountId: 'TWR-1',
      from: '2010-12-31',
      to: '2014-12-31',
      basis: 'net',
      daysInYear: 365,
      series: true,
    }),
  );
  const rounded = (value: number | null | undefined) => (value == null ? value : Number(value.toFixed(10)));
  expect(
    report.series?.map((point) => [
      point.periodEnd,
      rounded(point.cumulativeReturn),
      rounded(point.vendorReturn),
      rounded(point.vendorCumulativeReturn),
    ]),
  ).toEqual([
    ['2011-12-31', 0.04, 0.04, 0.04],
    ['2012-12-31', 0.1336, 0.1, 0.144],
    ['2013-12-31', 0.19028, null, null],
    ['2014-12-31', 0.3212108, 0.11, null],
  ]);
});
