// Benchmark (not a test): reading + mapping vendor files through readVendorFile, and a whole
// ingest into the embedded database. Figures, not assertions.
//   - Vendor A layout (daily CSV: BOM, title rows, semicolons, US numbers, percent returns),
//     1M rows and 5M rows: rows/s and peak RSS -- the RSS must not grow with the row count.
//   - Vendor C layout (nested JSON accounts[].periods[] with flow arrays, numbers as strings),
//     1M period records: rows/s and peak RSS.
//   - ingestFile of the 1M-row CSV into the embedded PostgreSQL (PGlite): read, map, quality
//     check, calculate, COPY into staging in batches, one merging transaction.
// Files are written by the sample writers (src/samples) into the OS temp folder and deleted
// after. Each case runs in a fresh child process, so its peak RSS is its own.
//   node bench/ingest-formats.bench.ts [--csv-rows N] [--large-csv-rows N] [--json-records N] [--skip-ingest]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dailyPeriods } from '../src/samples/periods.ts';
import { ProblemPlanner } from '../src/samples/problems.ts';
import { SampleRecorder } from '../src/samples/sample-file.ts';
import { truthAccounts } from '../src/samples/truth.ts';
import { VENDOR_A, vendorACsvLines } from '../src/samples/vendor-a.ts';
import { VENDOR_C, vendorCJsonChunks } from '../src/samples/vendor-c.ts';
import { writeChunks } from '../src/samples/write-samples.ts';

const DAYS_PER_ACCOUNT = 1_000;
const START = '2020-12-31';
const SEED = 20_240_531;

type CaseKind = 'baseline' | 'parse' | 'read' | 'ingest';

interface Figures {
  rows: number;
  quarantined: number;
  seconds: number;
  cpuSeconds: number;
  /** ingest: when the last byte had been read, mapped and staged (COPY) -- the rest is the merge. */
  stagedSeconds?: number;
  /** ingest: live JavaScript heap (after a full GC) when the last row had been staged. */
  stagedHeapMb?: number;
  peakRssMb: number;
  startRssMb: number;
}

const noProblems = (vendor: string, file: string) => ({
  planner: new ProblemPlanner({ rate: 0, seed: SEED, badRows: [] }),
  recorder: new SampleRecorder(vendor, path.basename(file), { keepExpected: false }),
});

function accountsFor(rows: number) {
  return truthAccounts({
    accounts: Math.ceil(rows / DAYS_PER_ACCOUNT),
    days: DAYS_PER_ACCOUNT,
    start: START,
    seed: SEED,
  });
}

/** Vendor A's daily CSV with `rows` data rows (whole accounts of 1,000 days). */
async function writeCsv(file: string, rows: number): Promise<number> {
  const { planner, recorder } = noProblems(VENDOR_A, file);
  await writeChunks(
    file,
    vendorACsvLines(accountsFor(rows), { reportDate: '2023-09-27', planner, recorder }),
  );
  return recorder.rowsRead;
}

/** Vendor C's nested JSON with `records` daily period records. */
async function writeJson(file: string, records: number): Promise<number> {
  const { planner, recorder } = noProblems(VENDOR_C, file);
  await writeChunks(
    file,
    vendorCJsonChunks(accountsFor(records), {
      generatedAt: '2023-09-28T06:00:00Z',
      planner,
      recorder,
      periodsOf: dailyPeriods,
    }),
  );
  return recorder.rowsRead;
}

/** One case in this process; run as a child (`--child`). */
async function measure(kind: CaseKind, file: string, vendorCode: string): Promise<Figures> {
  const { loadBuiltInVendors } = await import('../src/config/vendor-config.ts');
  const { readRecords, readVendorFile, resolveVendorSource } = await import('../src/read/index.ts');
  const vendor = (await loadBuiltInVendors()).find((v) => v.code === vendorCode);
  if (!vendor) throw new Error(`no built-in vendor ${vendorCode}`);
  const startRssMb = process.memoryUsage().rss / 2 ** 20;
  let cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let rows = 0;
  let quarantined = 0;
  let stagedSeconds: number | undefined;
  let stagedHeapMb: number | undefined;
  if (kind === 'parse') {
    // The format reader alone: raw records keyed by header or JSON path, before mapping.
    for await (const record of readRecords(file, resolveVendorSource(file, vendor))) {
      rows++;
      if (record.problems !== undefined && record.problems.length > 0) quarantined++;
    }
  } else if (kind === 'read') {
    for await (const row of readVendorFile(file, vendor)) {
      rows++;
      if (!row.ok) quarantined++;
    }
  } else if (kind === 'ingest') {
    const { openApp } = await import('../src/app.ts');
    const { ingestFile } = await import('../src/services/ingest/ingest-file.ts');
    const home = fs.mkdtempSync(path.join(tmpdir(), 'perfrecon-bench-home-'));
    try {
      const app = await openApp({ env: { PERFRECON_HOME: home, PERFRECON_LOG_LEVEL: 'silent' } });
      const ready = elapsed();
      cpuBefore = process.cpuUsage();
      const summary = await ingestFile(
        {
          database: app.database,
          vendors: app.vendors,
          notifier: app.notifier,
          actor: 'bench',
          maxFileBytes: Number.MAX_SAFE_INTEGER,
        },
        {
          filePath: file,
          onProgress: (read, total) => {
            if (read >= total && stagedSeconds === undefined) {
              stagedSeconds = elapsed() - ready;
              (globalThis as { gc?: () => void }).gc?.();
              stagedHeapMb = process.memoryUsage().heapUsed / 2 ** 20;
            }
          },
        },
      );
      if (summary.outcome !== 'SUCCEEDED')
        throw new Error(`ingest ended ${summary.outcome}: ${summary.error?.message}`);
      rows = summary.rowsStored;
      quarantined = summary.rowsQuarantined;
      await app.close();
      // Database start-up and migration are not the ingest's.
      const seconds = elapsed() - ready;
      const cpu = process.cpuUsage(cpuBefore);
      return {
        rows,
        quarantined,
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        stagedSeconds,
        stagedHeapMb,
        startRssMb,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      };
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  return {
    rows,
    quarantined,
    seconds: elapsed(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    startRssMb,
    // maxRSS is in KiB: the peak over the whole child process.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function inChild(kind: CaseKind, file: string, vendor: string): Figures {
  // --expose-gc: the ingest case measures its live heap after a full collection.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--child', kind, file, vendor],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 2 ** 20,
    },
  );
  if (child.status !== 0) {
    throw new Error(
      `the ${kind} case on ${path.basename(file)} failed (${child.status ?? child.signal}): ${child.stderr}`,
    );
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as Figures;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function line(label: string, size: number, f: Figures, rate: number = f.rows / f.seconds): string {
  return `| ${label} | ${mb(size)} | ${n(f.rows)} | ${f.seconds.toFixed(1)} s | ${f.cpuSeconds.toFixed(1)} s | ${n(rate)} | ${f.peakRssMb.toFixed(0)} MB | ${f.startRssMb.toFixed(0)} MB |`;
}

export interface IngestBenchOptions {
  csvRows?: number;
  largeCsvRows?: number;
  jsonRecords?: number;
  skipIngest?: boolean;
}

export async function run(options: IngestBenchOptions = {}): Promise<string> {
  const csvRows = options.csvRows ?? 1_000_000;
  const largeCsvRows = options.largeCsvRows ?? 5_000_000;
  const jsonRecords = options.jsonRecords ?? 1_000_000;
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'perfrecon-bench-'));
  const csv = path.join(dir, 'custa_perf_bench.csv');
  const largeCsv = path.join(dir, 'custa_perf_bench_large.csv');
  const json = path.join(dir, 'vendorc_bench.json');
  // A quarter of the rows, to see whether the ingest's memory grows with the file.
  const quarterRows = Math.max(
    DAYS_PER_ACCOUNT,
    Math.round(csvRows / 4 / DAYS_PER_ACCOUNT) * DAYS_PER_ACCOUNT,
  );
  const quarterCsv = path.join(dir, 'custa_perf_bench_quarter.csv');
  const log = (text: string) => process.stderr.write(`  ${text}\n`);
  try {
    const out: string[] = [];
    log(`writing ${n(csvRows)} CSV rows, ${n(largeCsvRows)} CSV rows, ${n(jsonRecords)} JSON records…`);
    const wrote = Date.now();
    const csvWritten = await writeCsv(csv, csvRows);
    const largeWritten = await writeCsv(largeCsv, largeCsvRows);
    const jsonWritten = await writeJson(json, jsonRecords);
    const writeSeconds = (Date.now() - wrote) / 1000;
    const sizes = {
      csv: fs.statSync(csv).size,
      largeCsv: fs.statSync(largeCsv).size,
      json: fs.statSync(json).size,
    };

    log('baseline (modules and vendor configurations loaded, nothing read)…');
    const baseline = inChild('baseline', csv, VENDOR_A);
    log('parsing the CSV and the JSON (format readers alone)…');
    const parseCsv = inChild('parse', csv, VENDOR_A);
    const parseJson = inChild('parse', json, VENDOR_C);
    log('reading the CSV…');
    const readCsv = inChild('read', csv, VENDOR_A);
    log('reading the large CSV…');
    const readLarge = inChild('read', largeCsv, VENDOR_A);
    fs.rmSync(largeCsv, { force: true });
    log('reading the JSON…');
    const readJson = inChild('read', json, VENDOR_C);
    fs.rmSync(json, { force: true });
    for (const [figures, expected, what] of [
      [parseCsv, csvWritten, 'CSV (parse)'],
      [parseJson, jsonWritten, 'JSON (parse)'],
      [readCsv, csvWritten, 'CSV'],
      [readLarge, largeWritten, 'large CSV'],
      [readJson, jsonWritten, 'JSON'],
    ] as const) {
      if (figures.rows !== expected || figures.quarantined !== 0)
        throw new Error(
          `${what}: read ${figures.rows} rows (${figures.quarantined} quarantined), wrote ${expected}`,
        );
    }
    let ingest: Figures | undefined;
    let ingestQuarter: Figures | undefined;
    if (options.skipIngest !== true) {
      log('ingesting the CSV into the embedded database…');
      ingest = inChild('ingest', csv, VENDOR_A);
      if (ingest.rows !== csvWritten)
        throw new Error(`ingest stored ${ingest.rows} rows, wrote ${csvWritten}`);
      log(`ingesting ${n(quarterRows)} rows…`);
      const quarterWritten = await writeCsv(quarterCsv, quarterRows);
      ingestQuarter = inChild('ingest', quarterCsv, VENDOR_A);
      if (ingestQuarter.rows !== quarterWritten)
        throw new Error(`ingest stored ${ingestQuarter.rows} rows, wrote ${quarterWritten}`);
    }

    out.push(
      `## Reading and mapping vendor files (readVendorFile), and ingest into the embedded database`,
      '',
      '| case | file | rows | wall time | CPU time | rows/s | peak RSS | RSS at start |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      `| baseline: modules and vendor configurations loaded, nothing read | – | – | – | – | – | ${baseline.peakRssMb.toFixed(0)} MB | ${baseline.startRssMb.toFixed(0)} MB |`,
      line(`Vendor A CSV, ${n(csvRows)} rows: format reader alone (\`readRecords\`)`, sizes.csv, parseCsv),
      line(`Vendor A CSV, ${n(csvRows)} rows: read + map`, sizes.csv, readCsv),
      line(`Vendor A CSV, ${n(largeCsvRows)} rows: read + map`, sizes.largeCsv, readLarge),
      line(
        `Vendor C JSON, ${n(jsonRecords)} records: format reader alone (\`readRecords\`)`,
        sizes.json,
        parseJson,
      ),
      line(`Vendor C JSON, ${n(jsonRecords)} records: read + map`, sizes.json, readJson),
    );
    if (ingest !== undefined && ingestQuarter !== undefined) {
      out.push(
        line(
          `Vendor A CSV, ${n(quarterRows)} rows: \`ingestFile\` into PGlite`,
          fs.statSync(quarterCsv).size,
          ingestQuarter,
        ),
        line(`Vendor A CSV, ${n(csvRows)} rows: \`ingestFile\` into PGlite`, sizes.csv, ingest),
      );
    }
    const growth = readLarge.peakRssMb - readCsv.peakRssMb;
    out.push(
      '',
      `RSS at ${n(largeCsvRows)} vs ${n(csvRows)} CSV rows: ${readLarge.peakRssMb.toFixed(0)} MB vs ${readCsv.peakRssMb.toFixed(0)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB for ${n(largeCsvRows - csvRows)} more rows)${Math.abs(growth) < 64 ? ': flat, the reader holds no rows' : ': NOT flat -- memory grows with the file'}.`,
    );
    if (ingest !== undefined && ingestQuarter !== undefined && ingest.stagedSeconds !== undefined) {
      const merge = ingest.seconds - ingest.stagedSeconds;
      const ingestGrowth = ingest.peakRssMb - ingestQuarter.peakRssMb;
      out.push(
        '',
        `Ingest phases: read + map + quality + calculate + COPY into staging (batches of 20,000) ${ingest.stagedSeconds.toFixed(1)} s (${n(ingest.rows / ingest.stagedSeconds)} rows/s); ` +
          `merge of the staged rows into the canonical tables in one transaction, file status and log ${merge.toFixed(1)} s (${n(ingest.rows / merge)} rows/s); ` +
          `end to end ${n(ingest.rows / ingest.seconds)} rows/s. ` +
          `Peak RSS of the ingest at ${n(csvRows)} vs ${n(quarterRows)} rows: ${ingest.peakRssMb.toFixed(0)} MB vs ${ingestQuarter.peakRssMb.toFixed(0)} MB (${ingestGrowth >= 0 ? '+' : ''}${ingestGrowth.toFixed(0)} MB)` +
          (Math.abs(ingestGrowth) < 64
            ? ': flat.'
            : `: it grows with the file, while the reading side stays flat (above). Live JavaScript heap (after a full GC) when the last row had been staged: ${(ingest.stagedHeapMb ?? 0).toFixed(0)} MB vs ${(ingestQuarter.stagedHeapMb ?? 0).toFixed(0)} MB: the quality check (src/validate/quality.ts) keeps every account and period of the file with its location to catch a period reported twice, and the merge then returns one row per period to count inserts and updates. The rest is PGlite: PostgreSQL in WebAssembly memory inside this process (about 550 MB once open), which grows for a large merge transaction and never shrinks.`),
      );
    }
    out.push(
      '',
      `Method: \`node bench/ingest-formats.bench.ts\`. The files are written by the sample writers of \`perfrecon samples\` (src/samples, no problems injected) into the OS temp folder in ${writeSeconds.toFixed(0)} s and deleted afterwards: Vendor A's daily CSV (UTF-8 with BOM, CRLF, semicolons, title rows above the header, US dates, "," thousands, parentheses negatives, percent returns, a Total row and footnotes) for ${n(csvRows / DAYS_PER_ACCOUNT)} and ${n(largeCsvRows / DAYS_PER_ACCOUNT)} accounts of ${n(DAYS_PER_ACCOUNT)} days, and Vendor C's nested JSON (accounts[].periods[] with values as strings and cashFlows arrays) cut into daily periods to reach ${n(jsonRecords)} records. ` +
        'Each case runs in a fresh child process (`--child`) that loads the built-in vendor configurations and consumes every row `readVendorFile` yields (format reader + mapping to canonical periods, every row counted and checked against what was written); the ingest case opens a migrated embedded database in a temp folder (start-up not timed) and runs `ingestFile` as the CLI does, without the queue. ' +
        'Peak RSS is the child\'s `process.resourceUsage().maxRSS`; "RSS at start" is the child with its modules loaded. CPU time is user + system of the child (it can exceed wall time: garbage collection and I/O run on other threads).',
      '',
    );
    return out.join('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const [kind, file, vendor] = process.argv.slice(childAt + 1) as [CaseKind, string, string];
    console.log(JSON.stringify(await measure(kind, file, vendor)));
  } else {
    const number = (flag: string) => {
      const at = process.argv.indexOf(flag);
      return at >= 0 ? Number(process.argv[at + 1]) : undefined;
    };
    console.log(
      await run({
        csvRows: number('--csv-rows'),
        largeCsvRows: number('--large-csv-rows'),
        jsonRecords: number('--json-records'),
        skipIngest: process.argv.includes('--skip-ingest'),
      }),
    );
  }
}
