// Benchmark of issue #12's ingest goals (not a test: it prints figures). In one run, on the same
// files: `psql \copy` of the canonical CSV into a keyed table with the same columns on the server
// (the baseline, the physical limit here), then the product end to end (read → map → quality →
// calculate → store → reconcile the touched periods) on the server and on the embedded database,
// directly (ingestFile + reconcileAfterIngest, as a job runs them) and through the workflow
// (`perfrecon ingest FILE` as users run it: landing copy, durable job, in-process worker). Every
// product case runs in a fresh child process on a fresh database, so its peak RSS is its own.
//   node bench/ingest-goals.bench.ts [--rows 1000000] [--large-rows 0] [--modes server,embedded]
//     [--files canonical,vendor-a] [--no-workflow] [--cpu-prof DIR]
// --large-rows N adds the direct server and embedded cases on an N-row canonical file (memory
// flat in file size); --cpu-prof writes a V8 CPU profile of every direct case into DIR
// (summarised by `node bench/profile-summary.ts FILE`).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { canonicalCsvLines } from '../src/samples/canonical.ts';
import { ProblemPlanner } from '../src/samples/problems.ts';
import { SampleRecorder } from '../src/samples/sample-file.ts';
import { truthAccounts } from '../src/samples/truth.ts';
import { VENDOR_A, vendorACsvLines } from '../src/samples/vendor-a.ts';
import { writeChunks } from '../src/samples/write-samples.ts';
import { admin, benchMain, fmt, freshEnv, loadAverage, type Mode, option, SERVER_URL } from './support.ts';

const ROWS = Number(option('rows', '1000000'));
const LARGE_ROWS = Number(option('large-rows', '0'));
const MODES = option('modes', 'server,embedded').split(',') as Mode[];
const FILES = option('files', `canonical,${VENDOR_A}`).split(',');
const WORKFLOW = !process.argv.includes('--no-workflow');
const CPU_PROF = option('cpu-prof', '');
const DAYS = 1_000;
const START = '2020-12-31';
const SEED = 20_240_531;
const ROOT = path.resolve(import.meta.dirname, '..');

interface SourceFile {
  label: string;
  vendor: string;
  path: string;
  rows: number;
}

interface Figures {
  seconds: number;
  rows: number;
  peakRssMb: number;
  /**
   * CPU seconds (user + system) of the product's process over the timed part: on a shared
   * machine far steadier than wall time, which mostly measures the wait for a core.
   */
  cpuSeconds?: number;
  /** Direct cases: the ingest alone, and the RSS peak it reached before reconciliation. */
  ingestSeconds?: number;
  /** Of the ingest: until the last row was read, mapped, calculated and staged (COPY); the rest is the merge. */
  stagedSeconds?: number;
  ingestPeakRssMb?: number;
  reconcileSeconds?: number;
}

interface Row extends Figures {
  path: string;
  mode: Mode | 'server (psql)';
  file: SourceFile;
}

const accounts = (rows: number) =>
  truthAccounts({ accounts: Math.ceil(rows / DAYS), days: DAYS, start: START, seed: SEED });

async function writeFiles(dir: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const canonical = async (rows: number, label: string) => {
    const file = path.join(dir, `canonical-goals-${rows}.csv`);
    await writeChunks(file, canonicalCsvLines(accounts(rows)));
    files.push({ label, vendor: 'canonical', path: file, rows });
  };
  if (FILES.includes('canonical')) await canonical(ROWS, 'canonical CSV');
  if (FILES.includes(VENDOR_A)) {
    const file = path.join(dir, `vendor-a-goals-${ROWS}.csv`);
    const recorder = new SampleRecorder(VENDOR_A, path.basename(file), { keepExpected: false });
    const planner = new ProblemPlanner({ rate: 0, seed: SEED, badRows: [] });
    await writeChunks(file, vendorACsvLines(accounts(ROWS), { reportDate: '2023-09-27', planner, recorder }));
    files.push({ label: 'Vendor A CSV', vendor: VENDOR_A, path: file, rows: recorder.rowsRead });
  }
  if (LARGE_ROWS > 0) await canonical(LARGE_ROWS, 'canonical CSV (large)');
  return files;
}

/** A fresh home (and, on the server, a fresh database) that takes files of any size and time. */
const freshGoalsEnv = (mode: Mode) =>
  freshEnv(mode, 'goals', { PERFRECON_MAX_FILE_MB: '4096', PERFRECON_JOB_TIMEOUT_SECONDS: '7200' });

/** The baseline: `psql \copy` of the canonical file into a keyed table with its columns. */
async function psqlCopy(file: SourceFile): Promise<Figures> {
  const name = `perfrecon_copy_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const psql = (command: string) => {
    const result = spawnSync('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-qtAc', command], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`psql: ${result.stderr}`);
    return result.stdout;
  };
  try {
    psql(`CREATE TABLE periods (account_id text, period_start date, period_end date, currency text,
      begin_market_value numeric, end_market_value numeric, flow_date date, flow_amount numeric,
      flow_timing text, income numeric, fees numeric, vendor_return numeric, return_basis text,
      PRIMARY KEY (account_id, period_start, period_end))`);
    const started = performance.now();
    psql(`\\copy periods FROM '${file.path}' WITH (FORMAT csv, HEADER true)`);
    const seconds = (performance.now() - started) / 1000;
    const rows = Number(psql('SELECT count(*) FROM periods').trim());
    return { seconds, rows, peakRssMb: Number.NaN };
  } finally {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

type ChildCase = 'direct' | 'dry-run' | 'pglite-copy';

/** Direct: ingestFile then the reconciliation a job runs, in a fresh child process. */
async function direct(mode: Mode, file: SourceFile, kind: ChildCase = 'direct'): Promise<Figures> {
  const target = await freshGoalsEnv(mode);
  try {
    const profile =
      CPU_PROF === '' || kind !== 'direct' ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(CPU_PROF)];
    const profileName = `${mode}-${file.vendor}-${file.rows}.cpuprofile`;
    const args = [...profile, ...(profile.length === 0 ? [] : ['--cpu-prof-name', profileName])];
    const result = spawnSync(
      process.execPath,
      [...args, fileURLToPath(import.meta.url), '--child', kind, file.path, file.vendor],
      { encoding: 'utf8', maxBuffer: 1 << 26, env: target.env, cwd: ROOT },
    );
    if (result.status !== 0) throw new Error(`direct ${mode} ${file.label} failed: ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Figures;
  } finally {
    await target.drop();
  }
}

const KEYED_TABLE = `CREATE TABLE periods (account_id text, period_start date, period_end date, currency text,
  begin_market_value numeric, end_market_value numeric, flow_date date, flow_amount numeric,
  flow_timing text, income numeric, fees numeric, vendor_return numeric, return_basis text,
  PRIMARY KEY (account_id, period_start, period_end))`;

/** A ceiling: PGlite's own COPY of the file into the keyed table (no parsing in JavaScript). */
async function pgliteCopyInChild(filePath: string): Promise<Figures> {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prgoals-pglite-'));
  try {
    const pglite = await PGlite.create({ dataDir: dir });
    await pglite.exec(KEYED_TABLE);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await pglite.query("COPY periods FROM '/dev/blob' WITH (FORMAT csv, HEADER true)", [], {
      blob: new Blob([fs.readFileSync(filePath)]),
    });
    const seconds = (performance.now() - started) / 1000;
    const rows = Number(
      (await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM periods')).rows[0]?.n,
    );
    await pglite.close();
    return { seconds, rows, peakRssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds: cpuSince(cpu) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A ceiling: the JavaScript side alone (read → map → quality → calculate), a dry run storing nothing. */
async function dryRunInChild(filePath: string, vendorCode: string): Promise<Figures> {
  const { openApp } = await import('../src/app.ts');
  const { ingestFile } = await import('../src/services/ingest/ingest-file.ts');
  const app = await openApp({ env: process.env });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await ingestFile(
    {
      database: app.database,
      vendors: app.vendors,
      notifier: app.notifier,
      actor: 'bench',
      maxFileBytes: app.config.maxFileBytes,
    },
    { filePath, vendorCode, dryRun: true },
  );
  const cpuSeconds = cpuSince(cpu);
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  return { seconds, rows: summary.rowsStored, peakRssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds };
}

async function directInChild(filePath: string, vendorCode: string): Promise<Figures> {
  const { openApp } = await import('../src/app.ts');
  const { migrateToLatest } = await import('../src/store/migrate.ts');
  const { ingestFile } = await import('../src/services/ingest/ingest-file.ts');
  const { reconcileAfterIngest } = await import('../src/services/reconciliation/index.ts');
  const app = await openApp({ env: process.env });
  await migrateToLatest(app.database.db);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let staged: number | undefined;
  const summary = await ingestFile(
    {
      database: app.database,
      vendors: app.vendors,
      notifier: app.notifier,
      actor: 'bench',
      maxFileBytes: app.config.maxFileBytes,
    },
    {
      filePath,
      vendorCode,
      // The reader reports its last byte before the last batch is staged: close enough here.
      onProgress: (read, total) => {
        if (read >= total && staged === undefined) staged = performance.now();
      },
    },
  );
  if (summary.outcome !== 'SUCCEEDED' || summary.fileId === null)
    throw new Error(`ingest ended ${summary.outcome}: ${summary.error?.message}`);
  const ingested = performance.now();
  const ingestPeakRssMb = process.resourceUsage().maxRSS / 1024;
  await reconcileAfterIngest(
    { database: app.database, vendors: app.vendors, notifier: app.notifier, cache: app.cache },
    summary.fileId,
  );
  const done = performance.now();
  const cpuSeconds = cpuSince(cpu);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await app.close();
  return {
    seconds: (done - started) / 1000,
    rows: summary.rowsStored,
    peakRssMb,
    cpuSeconds,
    ingestSeconds: (ingested - started) / 1000,
    stagedSeconds: ((staged ?? ingested) - started) / 1000,
    ingestPeakRssMb,
    reconcileSeconds: (done - ingested) / 1000,
  };
}

/** The workflow: `perfrecon ingest FILE --vendor V` on a migrated database, timed with its RSS. */
async function workflow(mode: Mode, file: SourceFile): Promise<Figures> {
  const target = await freshGoalsEnv(mode);
  const cli = (args: string[], timed: boolean) => {
    const command = timed ? '/usr/bin/time' : process.execPath;
    const prefix = timed ? ['-f', 'maxrss-kb %M cpu %U %S', process.execPath] : [];
    const result = spawnSync(command, [...prefix, path.join(ROOT, 'bin/perfrecon.js'), ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: target.env,
      cwd: ROOT,
    });
    if (result.status !== 0) throw new Error(`perfrecon ${args.join(' ')}: ${result.stderr}`);
    return result;
  };
  try {
    cli(['db', 'migrate'], false);
    const started = performance.now();
    const result = cli(['ingest', file.path, '--vendor', file.vendor, '--json'], true);
    const seconds = (performance.now() - started) / 1000;
    const usage = /maxrss-kb (\d+) cpu ([\d.]+) ([\d.]+)/.exec(result.stderr);
    return {
      seconds,
      rows: storedRows(result.stdout),
      peakRssMb: Number(usage?.[1]) / 1024,
      cpuSeconds: Number(usage?.[2]) + Number(usage?.[3]),
    };
  } finally {
    await target.drop();
  }
}

/** Rows stored, from `ingest --json` (a list of results, or one). */
function storedRows(stdout: string): number {
  const parsed = JSON.parse(stdout) as unknown;
  const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown>;
  const summary = (first.output ?? first.summary ?? first) as Record<string, unknown>;
  return Number(summary.rowsStored ?? summary.rows_stored ?? Number.NaN);
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export async function run(): Promise<string> {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'prgoals-src-'));
  const loads: string[] = [`start ${loadAverage()}`];
  const rows: Row[] = [];
  const say = (text: string) => process.stderr.write(text);
  try {
    say(`writing files (${ROWS.toLocaleString('en-US')} rows each)…\n`);
    const files = await writeFiles(source);
    const baseFile = files.find((f) => f.vendor === 'canonical' && f.rows === ROWS) ?? files[0];
    if (baseFile === undefined) throw new Error('no file to measure');
    say('psql \\copy… ');
    const baseline: Row = {
      path: '`psql \\copy` (baseline)',
      mode: 'server (psql)',
      file: baseFile,
      ...(await psqlCopy(baseFile)),
    };
    say(`${fmt(baseline.seconds, 1)} s\n`);
    rows.push(baseline);
    // The ceilings of the stages, measured alone: the JavaScript side, and PGlite's own COPY.
    for (const file of files.filter((f) => f.rows === ROWS)) {
      say(`ceiling: ${file.label} read → calculate… `);
      rows.push({
        path: 'ceiling: read → map → quality → calculate, no store (dry run)',
        mode: 'server',
        file,
        ...(await direct('server', file, 'dry-run')),
      });
      say(`${fmt(rows.at(-1)?.seconds ?? 0, 1)} s\n`);
    }
    if (MODES.includes('embedded')) {
      say('ceiling: PGlite COPY… ');
      rows.push({
        path: 'ceiling: PGlite `COPY` of the file alone',
        mode: 'embedded',
        file: baseFile,
        ...(await direct('embedded', baseFile, 'pglite-copy')),
      });
      say(`${fmt(rows.at(-1)?.seconds ?? 0, 1)} s\n`);
    }
    for (const mode of MODES) {
      for (const file of files) {
        say(`${mode} ${file.label} direct… `);
        rows.push({ path: 'direct (ingestFile + reconcile)', mode, file, ...(await direct(mode, file)) });
        say(`${fmt(rows.at(-1)?.seconds ?? 0, 1)} s\n`);
        if (WORKFLOW && file.rows === ROWS) {
          say(`${mode} ${file.label} workflow… `);
          rows.push({ path: 'workflow (`perfrecon ingest`)', mode, file, ...(await workflow(mode, file)) });
          say(`${fmt(rows.at(-1)?.seconds ?? 0, 1)} s\n`);
        }
        loads.push(loadAverage());
      }
    }
  } finally {
    fs.rmSync(source, { recursive: true, force: true });
  }
  return report(rows, loads);
}

function report(rows: Row[], loads: string[]): string {
  const [baseline] = rows;
  const baseRate = baseline === undefined ? Number.NaN : baseline.rows / baseline.seconds;
  const directOf = (row: Row) =>
    rows.find((r) => r.mode === row.mode && r.file === row.file && r.path.startsWith('direct'));
  const goal = (row: Row): string => {
    const ratio = row.rows / row.seconds / baseRate;
    if (row.path.startsWith('workflow')) {
      const base = directOf(row);
      if (base === undefined) return '';
      const over = row.seconds / base.seconds - 1;
      return `within 10 % of direct: ${fmt(over * 100)} % ${over <= 0.1 ? '✔' : '✘'}`;
    }
    if (row.mode === 'server (psql)' || row.path.startsWith('ceiling')) return '';
    const want = row.mode === 'server' ? 0.5 : 0.25;
    const memory = row.mode === 'server' ? ` · RSS < 300 MB ${row.peakRssMb < 300 ? '✔' : '✘'}` : '';
    return `≥ ${want}× ${ratio >= want ? '✔' : '✘'}${memory}`;
  };
  const phases = (row: Row) =>
    row.ingestSeconds === undefined
      ? ''
      : `${fmt(row.stagedSeconds ?? 0, 1)} + ${fmt(row.ingestSeconds - (row.stagedSeconds ?? 0), 1)} s / ${fmt(row.reconcileSeconds ?? 0, 1)} s (${fmt(row.ingestPeakRssMb ?? 0)} MB)`;
  const cpuColumn = (row: Row) =>
    row.cpuSeconds === undefined ? '' : `${fmt(row.cpuSeconds, 1)} (${fmt(row.rows / row.cpuSeconds)})`;
  const lines = [
    '## Ingest goals of issue #12 (`bench/ingest-goals.bench.ts`)',
    '',
    `Files: a canonical CSV of ${ROWS.toLocaleString('en-US')} rows (${fmt(ROWS / DAYS)} accounts × ${DAYS} days, a flow on ~6 % of rows: the samples' truth) and Vendor A's daily CSV of the same accounts (\`perfrecon samples\` writers). ${os.cpus().length} cores, shared; load average (1/5/15 min) ${loads.join(', ')}.`,
    '',
    "Method: in one run, `psql \\copy` of the canonical file into a fresh table with the same columns and its key (account, start, end) on the PostgreSQL server (the baseline); then each product case on a fresh database (server: a new database; embedded: a new home) in a fresh child process: *direct* runs `ingestFile` then `reconcileAfterIngest` (read → map → quality → calculate → store → reconcile the touched periods), timed from the first byte read to the reconciliation committed, on a migrated database; *workflow* runs `perfrecon ingest FILE --vendor V --json` (landing copy, durable job, in-process worker; start-up and opening PGlite included) after `perfrecon db migrate`, timed by wall clock with its peak RSS from `/usr/bin/time`. *ceilings* are stages measured alone in a child: the JavaScript side (`ingestFile` as a dry run: read, map, quality, calculate, nothing stored) and PGlite's own `COPY` of the canonical file into the same keyed table (the file handed over whole, no JavaScript parsing). Peak RSS of child cases is the child's `maxRSS`; ratio = rows/s ÷ the baseline's rows/s. CPU s is the product process's own user + system time over the timed part (`process.cpuUsage()`, or `/usr/bin/time` for the workflow), not the database server's: steadier than wall time on a shared machine. One run per case; the machine is shared, so compare ratios, not seconds.",
    '',
    '| path | database | file | rows | seconds | rows/s | ratio to `\\copy` | CPU s of the process (rows per CPU s) | ingest (read → stage + merge) / reconcile (peak RSS before reconcile) | peak RSS | goal |',
    '|---|---|---|---:|---:|---:|---:|---:|---|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.path} | ${r.mode} | ${r.file.label} | ${fmt(r.rows)} | ${fmt(r.seconds, 1)} | ${fmt(r.rows / r.seconds)} | ${fmt(r.rows / r.seconds / baseRate, 3)}× | ${cpuColumn(r)} | ${phases(r)} | ${Number.isNaN(r.peakRssMb) ? '–' : `${fmt(r.peakRssMb)} MB`} | ${goal(r)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

await benchMain(import.meta.url, run, {
  'pglite-copy': (file = '') => pgliteCopyInChild(file),
  'dry-run': (file = '', vendor = '') => dryRunInChild(file, vendor),
  direct: (file = '', vendor = '') => directInChild(file, vendor),
});
