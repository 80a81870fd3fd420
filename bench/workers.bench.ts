// Benchmark of issue #15's worker scaling (not a test: it prints figures). On the PostgreSQL
// server, for 1, 2 and 3 `perfrecon worker` processes (each at its default concurrency), on a
// fresh database and home each time: `perfrecon ingest FILES --no-wait` queues 200 small
// canonical CSV files (one account each), the workers are started at once, and the bench waits
// until every file is terminal and archived. Throughput = the jobs completed after every worker
// was ready ÷ the time from then to the last completion (pg-boss's timestamps and the server's
// clock, so process start-up is not in it); the baseline is one worker in the same run. The
// machine is shared: each configuration runs twice, alternating (1, 2, 3, 1, 2, 3).
//   node bench/workers.bench.ts [--files 200] [--rows 20] [--workers 1,2,3] [--rounds 2]
//     [--concurrency N]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CANONICAL_FIELDS } from '../src/domain/vendor-config.ts';
import { admin, benchMain, fmt, freshEnv, loadAverage, option } from './support.ts';

const FILES = Number(option('files', '200'));
const ROWS = Number(option('rows', '20'));
const WORKERS = option('workers', '1,2,3').split(',').map(Number);
const ROUNDS = Number(option('rounds', '2'));
const CONCURRENCY = option('concurrency', '');
const CPU_PROF = option('cpu-prof', '');
const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin/perfrecon.js');
const TERMINAL = ['SUCCEEDED', 'QUARANTINED', 'REJECTED', 'FAILED'];

interface Result {
  workers: number;
  round: number;
  /** From the moment every worker was ready to the last job completed, and the jobs completed in it. */
  seconds: number;
  jobs: number;
  /** From the first job started to the last completed (start-up stagger included). */
  spanSeconds: number;
  /** From starting the workers to every file terminal. */
  wallSeconds: number;
  /** CPU seconds the worker processes spent from ready to done (user + system), all together. */
  workerCpuSeconds: number;
  succeeded: number;
  load: string;
}

/** Small canonical files, one account each: daily periods with a flow now and then. */
function writeFiles(dir: string): string[] {
  const files: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const account = `WB-${String(f + 1).padStart(4, '0')}`;
    const lines = [CANONICAL_FIELDS.join(',')];
    let day = Date.UTC(2024, 0, 1);
    let value = 1_000_000 + f * 1_000;
    for (let i = 0; i < ROWS; i++) {
      const next = day + 86_400_000;
      const flow = i % 7 === 3 ? 5_000 : 0;
      const end = value + flow + ((i * 37 + f) % 101) - 50;
      const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
      lines.push(
        `${account},${iso(day)},${iso(next)},USD,${value},${end},${flow === 0 ? '' : iso(next)},${flow === 0 ? '' : flow},${flow === 0 ? '' : 'end_of_day'},,0,,gross`,
      );
      day = next;
      value = end;
    }
    const file = path.join(dir, `canonical-wb-${String(f + 1).padStart(4, '0')}.csv`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    files.push(file);
  }
  return files;
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited ${code}:\n${output}`));
    });
  });
}

/** User + system CPU seconds of processes so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(children: ChildProcess[]): number {
  let ticks = 0;
  for (const child of children) {
    const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

async function measure(workers: number, round: number, files: string[]): Promise<Result> {
  // Workers log at info: their `pipeline ready` line says when they take jobs.
  const target = await freshEnv('server', 'workers', { PERFRECON_LOG_LEVEL: 'info' });
  const env = target.env;
  const children: ChildProcess[] = [];
  try {
    const migrated = spawnSync(process.execPath, [CLI, 'db', 'migrate'], {
      env,
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`db migrate: ${migrated.stderr}`);
    // The backlog first, then the workers: throughput is measured from the moment all of them
    // are ready, on a queue that still holds most of the files.
    const queued = spawnSync(process.execPath, [CLI, 'ingest', ...files, '--no-wait', '--json'], {
      env,
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (queued.status !== 0) throw new Error(`ingest --no-wait: ${queued.stderr}`);
    const args = ['worker', ...(CONCURRENCY === '' ? [] : ['--concurrency', CONCURRENCY])];
    const ready: Promise<void>[] = [];
    const started = performance.now();
    for (let w = 0; w < workers; w++) {
      const profile = CPU_PROF === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(CPU_PROF)];
      const child = spawn(process.execPath, [...profile, CLI, ...args], {
        env,
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      // It keeps reading the worker's output after this: a full pipe would stop the worker.
      ready.push(waitForOutput(child, /pipeline ready/, 180_000));
    }
    const names = files.map((file) => path.basename(file));
    const figures = await admin(async (client) => {
      await Promise.all(ready);
      const cpuAtReady = cpuSeconds(children);
      const readyAt = (await client.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]?.now;
      for (;;) {
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM files WHERE name = ANY($1) AND status = ANY($2) AND stored_path IS NOT NULL
             AND stored_path NOT LIKE '%/processing/%'`,
          [names, TERMINAL],
        );
        if (Number(rows[0]?.n) >= files.length) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const wallSeconds = (performance.now() - started) / 1000;
      const workerCpuSeconds = cpuSeconds(children) - cpuAtReady;
      const { rows } = await client.query<{ seconds: number; jobs: string; span: number; succeeded: string }>(
        `SELECT extract(epoch FROM max(completed_on) - $1::timestamptz)::float8 AS seconds,
           count(*) FILTER (WHERE completed_on > $1::timestamptz) AS jobs,
           extract(epoch FROM max(completed_on) - min(started_on))::float8 AS span,
           (SELECT count(*) FROM files WHERE status = 'SUCCEEDED') AS succeeded
         FROM pgboss.job WHERE name = 'perfrecon.ingest-file' AND state = 'completed'`,
        [readyAt],
      );
      const row = rows[0];
      if (process.argv.includes('--db-stats')) {
        const stats = await client.query(
          `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted
           FROM pg_stat_database WHERE datname = current_database()`,
        );
        const scans = await client.query(
          `SELECT schemaname || '.' || relname AS t, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd, n_tup_del
           FROM pg_stat_all_tables WHERE schemaname IN ('public', 'pgboss') ORDER BY seq_tup_read DESC LIMIT 12`,
        );
        process.stderr.write(`\n${JSON.stringify(stats.rows[0])}\n`);
        for (const scan of scans.rows) process.stderr.write(`${JSON.stringify(scan)}\n`);
      }
      return {
        wallSeconds,
        workerCpuSeconds,
        seconds: Number(row?.seconds),
        jobs: Number(row?.jobs),
        spanSeconds: Number(row?.span),
        succeeded: Number(row?.succeeded),
      };
    }, target.url);
    return {
      workers,
      round,
      ...figures,
      load: loadAverage(),
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r)),
      ),
    );
    await target.drop();
  }
}

const rate = (r: Result) => r.jobs / r.seconds;

export async function run(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prworkers-files-'));
  const start = loadAverage();
  const results: Result[] = [];
  try {
    const files = writeFiles(dir);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const workers of WORKERS) {
        process.stderr.write(`${workers} worker(s), round ${round}… `);
        const result = await measure(workers, round, files);
        process.stderr.write(
          `${result.jobs} jobs in ${fmt(result.seconds, 1)} s (${fmt(rate(result), 2)} files/s), load ${result.load}\n`,
        );
        results.push(result);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const one = results.filter((r) => r.workers === 1);
  const baseRate = one.reduce((sum, r) => sum + rate(r), 0) / Math.max(1, one.length);
  const cores = os.cpus().length;
  const lines = [
    '## Operations: worker throughput (issue #15)',
    '',
    `${cores} cores, shared with other work; load average (1/5/15 min) at the start ${start}, after each case as listed.`,
    '',
    `Method: on the PostgreSQL server, a fresh database and home per case; N \`perfrecon worker\` processes (concurrency ${CONCURRENCY === '' ? 'default, 2' : CONCURRENCY} each) started at once after \`perfrecon ingest FILES --no-wait\` has queued ${FILES} canonical CSV files of ${ROWS} daily periods (one account each; a flow every 7th day); the bench waits until all are terminal and archived. Throughput (steady) = jobs completed after every worker printed \`pipeline ready\` ÷ (last completion − that moment), from pg-boss's job table and the server's clock, so process start-up is not in it; worker CPU per file = the user + system CPU of the worker processes over the same window (\`/proc\`) ÷ those jobs; each file's job stores it and reconciles its periods. Baseline: one worker, the mean of its rounds in the same run. Each configuration ran ${ROUNDS} times, alternating. Goal: ≥ 0.8·N × one worker, up to the cores (${cores}).`,
    '',
    '| workers | round | jobs completed once all workers were ready | first job start → last completion | wall from starting the workers | files/s (steady) | ratio to one worker | worker CPU per file | goal | succeeded | load after |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|',
    ...results.map((r) => {
      const ratio = rate(r) / baseRate;
      const goal = 0.8 * Math.min(r.workers, cores);
      return `| ${r.workers} | ${r.round} | ${r.jobs} in ${fmt(r.seconds, 1)} s | ${fmt(r.spanSeconds, 1)} s | ${fmt(r.wallSeconds, 1)} s | ${fmt(rate(r), 2)} | ${fmt(ratio, 2)}× | ${fmt((r.workerCpuSeconds / r.jobs) * 1000)} ms | ≥ ${fmt(goal, 1)}× ${ratio >= goal ? 'met' : 'not met'} | ${r.succeeded} | ${r.load} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

await benchMain(import.meta.url, run);
