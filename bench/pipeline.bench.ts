// Benchmark of the pipeline (not a test: it asserts nothing, it prints figures). End to end, from
// the intake of the first file (landing copy, SHA-256, job) to the last file SUCCEEDED and
// archived, with real `perfrecon worker` processes on the durable queue; against the same files
// ingested directly (ingestFile in one process, no landing folder, no job).
//   node bench/pipeline.bench.ts [--small-files 100] [--small-rows 100] [--large-rows 1000000 (0: none)]
//                                [--modes embedded,server]
// The server leg uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and a
// fresh database per case; the embedded leg a fresh PERFRECON_HOME per case. `run()` returns the
// markdown section for BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type App, openApp } from '../src/app.ts';
import { intakeFile } from '../src/pipeline/intake.ts';
import { openJobQueue } from '../src/pipeline/queues.ts';
import { openLandingStore } from '../src/pipeline/runtime.ts';
import { ingestFile } from '../src/services/ingest/ingest-file.ts';
import { reconcileAfterIngest } from '../src/services/reconciliation/index.ts';
import { canonicalRows, startCli, writeCanonical } from '../test/pipeline/support.ts';
import { benchIngestContext, freshEnv, loadAverage, type Mode, option, SERVER_URL } from './support.ts';

const SMALL_FILES = Number(option('small-files', '100'));
const SMALL_ROWS = Number(option('small-rows', '100'));
const LARGE_ROWS = Number(option('large-rows', '1000000'));
const MODES = option('modes', 'embedded,server').split(',');

async function serverReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return (await client.query('SHOW server_version')).rows[0]?.server_version as string;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

const freshTarget = (mode: Mode) => freshEnv(mode, 'pb', { PERFRECON_LOG_LEVEL: 'warn' });

interface Figures {
  mode: Mode;
  workload: string;
  how: string;
  files: number;
  rows: number;
  seconds: number;
}

/** Files written before any timing: distinct accounts, so no two files share bytes. */
function writeFiles(dir: string, prefix: string, count: number, rows: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const lines: string[] = [];
    for (let done = 0, a = 0; done < rows; a++, done += 1000) {
      lines.push(...canonicalRows(`${prefix}${i}-${a}`, Math.min(1000, rows - done)));
    }
    files.push(writeCanonical(dir, `canonical-${prefix}${i}.csv`, lines));
  }
  return files;
}

/**
 * Direct: ingestFile for each file in a fresh process (like a worker, so neither side carries this
 * process's heap); optionally the reconciliation a job runs.
 */
async function direct(mode: Mode, files: string[], rows: number, reconcile: boolean): Promise<Figures> {
  const result = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--direct-case', JSON.stringify({ mode, files, rows, reconcile })],
    { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, DATABASE_URL: SERVER_URL } },
  );
  if (result.status !== 0) throw new Error(`direct case failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Figures;
}

async function directInProcess(
  mode: Mode,
  files: string[],
  rows: number,
  reconcile: boolean,
): Promise<Figures> {
  const target = await freshTarget(mode);
  const app = await openApp({ env: target.env });
  try {
    const context = benchIngestContext(app);
    const reconcileDeps = {
      database: app.database,
      vendors: app.vendors,
      notifier: app.notifier,
      cache: app.cache,
      logger: app.logger,
    };
    // Warm up this process (module loading, JIT) on a file of its own, outside the clock.
    const warmUp = writeCanonical(
      path.dirname(files[0] ?? '.'),
      'canonical-warm-up.csv',
      canonicalRows('WARM', 50),
    );
    await ingestFile(context, { filePath: warmUp });
    fs.rmSync(warmUp);
    const started = performance.now();
    for (const file of files) {
      const summary = await ingestFile(context, { filePath: file });
      if (summary.outcome !== 'SUCCEEDED') throw new Error(`${file}: ${summary.outcome}`);
      if (reconcile && summary.fileId !== null) await reconcileAfterIngest(reconcileDeps, summary.fileId);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      mode,
      workload: '',
      how: reconcile ? 'direct ingestFile + reconcile' : 'direct ingestFile',
      files: files.length,
      rows: files.length * rows,
      seconds,
    };
  } finally {
    await app.close();
    await target.drop();
  }
}

/** Files whose job is done: stored, reconciled and filed away (the archive step is the last). */
async function archived(app: App): Promise<number> {
  const row = await app.database.db
    .selectFrom('etl_processing_log')
    .select((eb) => eb.fn.count<string>('file_id').distinct().as('n'))
    .where('step', '=', 'archive')
    .where('status', '=', 'SUCCEEDED')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The workflow: `workers` worker processes (the first owns the embedded database, as `serve`
 * would); this process takes the files in (copy to the landing folder, hash, queue) and waits.
 */
async function workflow(mode: Mode, files: string[], rows: number, workers: number): Promise<Figures> {
  const target = await freshTarget(mode);
  const workerEnv = {
    ...target.env,
    PERFRECON_WORKER_CONCURRENCY: '1',
    PERFRECON_JOB_TIMEOUT_SECONDS: '7200',
  };
  const children = [];
  let app: App | undefined;
  try {
    for (let i = 0; i < workers; i++) {
      const child = startCli(['worker', '--concurrency', '1'], { ...workerEnv, PERFRECON_LOG_LEVEL: 'info' });
      await child.waitFor(/pipeline ready/, 120_000);
      children.push(child);
    }
    app = await openApp({ env: target.env });
    const boss = await openJobQueue(app.database, app.config.pipeline, app.logger, { role: 'client' });
    const intake = { landing: openLandingStore(app.config.pipeline.landing), boss, logger: app.logger };
    const started = performance.now();
    for (const file of files) await intakeFile(intake, { sourcePath: file, mode: 'copy', source: 'cli' });
    while ((await archived(app)) < files.length) await new Promise((resolve) => setTimeout(resolve, 100));
    const seconds = (performance.now() - started) / 1000;
    await boss.stop({ graceful: false, close: false });
    return {
      mode,
      workload: '',
      how: `workflow, ${workers} worker process${workers === 1 ? '' : 'es'}`,
      files: files.length,
      rows: files.length * rows,
      seconds,
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => child.exited));
    await app?.close();
    await target.drop();
  }
}

function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export async function run(): Promise<string> {
  const smallLabel = `${SMALL_FILES} files × ${fmt(SMALL_ROWS)} rows`;
  const largeLabel = `1 file × ${fmt(LARGE_ROWS)} rows`;
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'prpb-src-'));
  const version = MODES.includes('server') ? await serverReachable() : undefined;
  const modes = MODES.filter((m): m is Mode => m === 'embedded' || (m === 'server' && version !== undefined));
  const results: Figures[] = [];
  try {
    process.stderr.write(
      `writing ${SMALL_FILES} files of ${SMALL_ROWS} rows and one of ${LARGE_ROWS} rows…\n`,
    );
    const small = writeFiles(path.join(source, 'small'), 'S', SMALL_FILES, SMALL_ROWS);
    // `--large-rows 0`: the small files only.
    const large = LARGE_ROWS > 0 ? writeFiles(path.join(source, 'large'), 'L', 1, LARGE_ROWS) : [];
    for (const mode of modes) {
      const cases: [string, () => Promise<Figures>][] = [
        [smallLabel, () => direct(mode, small, SMALL_ROWS, false)],
        [smallLabel, () => direct(mode, small, SMALL_ROWS, true)],
        [smallLabel, () => workflow(mode, small, SMALL_ROWS, 1)],
        [smallLabel, () => workflow(mode, small, SMALL_ROWS, 2)],
      ];
      if (LARGE_ROWS > 0)
        cases.push(
          [largeLabel, () => direct(mode, large, LARGE_ROWS, false)],
          [largeLabel, () => direct(mode, large, LARGE_ROWS, true)],
          // One file is one job: a second worker has nothing to take.
          [largeLabel, () => workflow(mode, large, LARGE_ROWS, 1)],
        );
      for (const [workload, measure] of cases) {
        process.stderr.write(`${mode}: ${workload}… `);
        const figures = { ...(await measure()), workload };
        process.stderr.write(`${figures.how}: ${fmt(figures.seconds, 1)} s\n`);
        results.push(figures);
      }
    }
  } finally {
    fs.rmSync(source, { recursive: true, force: true });
  }

  const baseline = (f: Figures) =>
    results.find(
      (r) => r.mode === f.mode && r.workload === f.workload && r.how === 'direct ingestFile + reconcile',
    );
  const lines = [
    '## Pipeline: end to end through the durable workflow',
    '',
    `Method (\`bench/pipeline.bench.ts\`): canonical CSV files written beforehand, distinct accounts, daily periods, no vendor return; ${LARGE_ROWS > 0 ? `${smallLabel} and ${largeLabel}` : smallLabel}. Each case on a fresh database (embedded: a new PERFRECON_HOME; server: a new database${version ? ` on PostgreSQL ${version}` : ''}). Timed by wall clock, once per case, on a shared ${os.cpus().length}-core machine; load average (1/5/15 min) at the end ${loadAverage()}.`,
    '',
    '- *direct*: `ingestFile` on each file in one fresh process (read, map, quality, calculate, stage, one merge transaction) — no landing copy, no job; *+ reconcile*: the same plus the reconciliation a job runs after storing.',
    '- *workflow*: real `perfrecon worker` processes (concurrency 1 each; in embedded mode the first one owns the database and the second attaches to it through its socket); the clock runs from the intake of the first file (copy into the landing folder, SHA-256, job queued) to the last file SUCCEEDED and archived, reconciliation included.',
    '- overhead = workflow time ÷ (direct + reconcile) time − 1.',
    '',
    '| database | workload | how | seconds | files/min | rows/s | overhead |',
    '|---|---|---|---:|---:|---:|---:|',
    ...results.map((r) => {
      const base = baseline(r);
      const overhead =
        r.how.startsWith('workflow') && base ? `${fmt((r.seconds / base.seconds - 1) * 100)} %` : '';
      return `| ${r.mode} | ${r.workload} | ${r.how} | ${fmt(r.seconds, 1)} | ${fmt((r.files / r.seconds) * 60, (r.files / r.seconds) * 60 < 10 ? 2 : 0)} | ${fmt(r.rows / r.seconds)} | ${overhead} |`;
    }),
  ];
  lines.push(
    '',
    "Reading the figures: per file the workflow adds a copy into the landing folder, a second SHA-256, a job round trip (queue, fetch, heartbeat, completion), the move to archive/ and two OpenLineage events — tens of milliseconds, which small files show. A large file is one job: a second worker cannot help it. On the embedded database PGlite is one session: a second worker process reaches it through the owner's socket and stages rows as JSON batches, so what it adds is the overlap of its own reading, mapping and waiting with the owner's database work. Single runs on a shared machine: differences under about 20 % are noise.",
  );
  if (MODES.includes('server') && version === undefined)
    lines.push('', `(server leg skipped: ${SERVER_URL} unreachable)`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--direct-case')) {
    const { mode, files, rows, reconcile } = JSON.parse(option('direct-case', '{}'));
    process.stdout.write(`${JSON.stringify(await directInProcess(mode, files, rows, reconcile))}\n`);
  } else {
    process.stdout.write(await run());
  }
}
