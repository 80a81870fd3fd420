// Benchmark of issue #12's goal 5 (not a test: it prints figures): interactive commands on an
// embedded home holding a large book. The home is filled once: a canonical CSV of ACCOUNTS ×
// 1,000 daily periods (the samples' truth) ingested and reconciled by the product, then one
// vendor return in a thousand moved by 5 bp (SQL, so the book has breaks to list) and a full
// reconciliation run. Then, each as users run them (a fresh process, `bin/perfrecon.js` on this
// Node.js, wall clock and CPU from `/usr/bin/time`), RUNS times each:
//   - standalone: the command opens the embedded database itself (PGlite started and stopped);
//   - attached: a `perfrecon serve --no-api` owns the database and the command connects to it;
// and, as the floor of any command, a bare `node -e 0` start.
//   node bench/interactive.bench.ts [--accounts 1000] [--runs 3]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { canonicalCsvLines } from '../src/samples/canonical.ts';
import { truthAccounts } from '../src/samples/truth.ts';
import { writeChunks } from '../src/samples/write-samples.ts';
import { benchIngestContext, benchMain, childCase, fmt, freshEnv, loadAverage, option } from './support.ts';

const ACCOUNTS = Number(option('accounts', '1000'));
const RUNS = Number(option('runs', '3'));
const DAYS = 1_000;
const START = '2020-12-31';
const SEED = 20_240_531;
const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin/perfrecon.js');
/** The goal of issue #12: wall time on a quiet machine. */
const GOAL_SECONDS = 1.5;

interface Timing {
  wall: number;
  cpu: number;
  rssMb: number;
  load: string;
}

/** One command in a fresh process: wall clock, user + system CPU and peak RSS from `/usr/bin/time`. */
function timed(args: string[], env: NodeJS.ProcessEnv): Timing {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...args], {
    encoding: 'utf8',
    env,
    cwd: ROOT,
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  const [wall = 0, user = 0, system = 0, rssKb = 0] = (result.stderr.trim().split('\n').at(-1) ?? '')
    .split(' ')
    .map(Number);
  return { wall, cpu: user + system, rssMb: rssKb / 1024, load: loadAverage() };
}

/** Fill the home: ingest and reconcile the file, move one return in a thousand, reconcile again. */
async function fillInChild(filePath: string): Promise<Record<string, number>> {
  const { openApp } = await import('../src/app.ts');
  const { ingestFile } = await import('../src/services/ingest/ingest-file.ts');
  const { reconcile, reconcileAfterIngest } = await import('../src/services/reconciliation/index.ts');
  const { sql } = await import('kysely');
  const app = await openApp({ env: process.env });
  const summary = await ingestFile(benchIngestContext(app), { filePath, vendorCode: 'canonical' });
  if (summary.outcome !== 'SUCCEEDED' || summary.fileId === null)
    throw new Error(`ingest ended ${summary.outcome}: ${summary.error?.message}`);
  const deps = { database: app.database, vendors: app.vendors, notifier: app.notifier, cache: app.cache };
  await reconcileAfterIngest(deps, summary.fileId);
  await sql`UPDATE performance_periods SET vendor_return = vendor_return + 0.0005
    WHERE abs(hashtext(account_id || period_end::text)) % 1000 = 0`.execute(app.database.db);
  await reconcile(deps, { actor: 'bench' });
  const count = async (query: string) =>
    Number((await sql.raw<{ n: string }>(query).execute(app.database.db)).rows[0]?.n);
  const figures = {
    periods: await count('SELECT count(*) AS n FROM performance_periods'),
    openBreaks: await count(`SELECT count(*) AS n FROM reconciliation_breaks WHERE status = 'OPEN'`),
  };
  await app.close();
  return figures;
}

const child = (kind: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  childCase(import.meta.url, kind, env, ...args) as Record<string, number>;

/** `perfrecon serve --no-api`, once it says it serves. */
async function startOwner(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const owner = spawn(process.execPath, [CLI, 'serve', '--no-api'], { env, cwd: ROOT, stdio: 'pipe' });
  let output = '';
  owner.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  owner.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 120_000;
  while (!/perfrecon serve:/.test(output)) {
    if (owner.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return owner;
}

async function stopOwner(owner: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => owner.once('exit', resolve));
  owner.kill('SIGTERM');
  await exited;
}

export async function run(): Promise<string> {
  const say = (text: string) => process.stderr.write(text);
  const bench = await freshEnv('embedded', 'interactive');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'printeractive-'));
  try {
    const truth = () => truthAccounts({ accounts: ACCOUNTS, days: DAYS, start: START, seed: SEED });
    const file = path.join(dir, 'canonical-interactive.csv');
    await writeChunks(file, canonicalCsvLines(truth()));
    say('interactive: filling… ');
    const started = performance.now();
    const filled = child('fill', bench.env, file);
    const fillSeconds = (performance.now() - started) / 1000;
    say(`${fillSeconds.toFixed(0)} s; `);
    const first = truth().next().value;
    const account = first?.accountId ?? '';
    const asOf = first?.days.at(-1)?.date ?? '';
    const commands: [string, string[]][] = [
      [`returns ${account} --span YTD`, [CLI, 'returns', account, '--span', 'YTD', '--as-of', asOf]],
      ['breaks list', [CLI, 'breaks', 'list']],
    ];
    const rows: string[] = [];
    const measure = (label: string, how: string, args: string[]) => {
      const runs = Array.from({ length: RUNS }, () => timed(args, bench.env));
      const walls = runs.map((r) => r.wall);
      const best = Math.min(...walls);
      const verdict = how === 'floor' ? '' : best < GOAL_SECONDS ? '< 1.5 s ✔' : '< 1.5 s ✘';
      rows.push(
        `| \`${label}\` | ${how} | ${walls.map((w) => w.toFixed(2)).join(' · ')} | ${runs.map((r) => r.cpu.toFixed(2)).join(' · ')} | ${fmt(Math.max(...runs.map((r) => r.rssMb)))} MB | ${verdict} | ${runs.at(-1)?.load} |`,
      );
    };
    measure('node -e 0', 'floor', ['-e', '0']);
    say('standalone… ');
    for (const [label, args] of commands) measure(label, 'standalone (opens PGlite)', args);
    say('attached… ');
    const owner = await startOwner(bench.env);
    try {
      for (const [label, args] of commands) measure(label, 'attached to `serve`', args);
    } finally {
      await stopOwner(owner);
    }
    say('done\n');
    return [
      '## Interactive commands on a large embedded home (issue #12 goal 5, `bench/interactive.bench.ts`)',
      '',
      `Home: ${fmt(filled.periods ?? 0)} periods (${fmt(ACCOUNTS)} accounts × ${fmt(DAYS)} days of the samples' canonical truth, ingested and reconciled by the product, filled in ${fmt(fillSeconds)} s), one vendor return in a thousand moved by 5 bp: ${fmt(filled.openBreaks ?? 0)} open breaks. ${os.cpus().length} cores, shared.`,
      '',
      `Method: each command ${RUNS} times in a fresh process (\`node bin/perfrecon.js …\`, start-up included), wall clock and user + system CPU and peak RSS from \`/usr/bin/time\`; *standalone*: the command opens the embedded database itself; *attached*: \`perfrecon serve --no-api\` owns it and the command connects over its socket. The floor is a bare Node.js start. The goal (< ${GOAL_SECONDS} s wall on a quiet machine) is judged on the best of the runs; the load average is given because wall time depends on it.`,
      '',
      '| command | how | wall (s), each run | CPU (s), each run | peak RSS | goal | load after (1/5/15 min) |',
      '|---|---|---|---|---:|---|---|',
      ...rows,
      '',
    ].join('\n');
  } finally {
    await bench.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await benchMain(import.meta.url, run, { fill: fillInChild });
