// Benchmark of issue #15's backup and restore (not a test: it prints figures). For each database
// (the PostgreSQL server, the embedded PGlite) and each size, a fresh database is filled with N
// stored periods, then timed in one run:
//   - `perfrecon backup --out FILE` and `perfrecon restore FILE` into a fresh database, each as
//     users run them (a fresh process, start-up included), wall clock and peak RSS from
//     `/usr/bin/time`, the backup's size;
//   - the baseline on the same database: on the server `pg_dump -Fc` and `pg_restore` into a new
//     database; on the embedded database a copy of its data folder (`cp -r`, the database closed)
//     and PGlite's own `dumpDataDir('gzip')` / `PGlite.create({ loadDataDir })`.
//
// The fill is realistic and fast: the product ingests a small sample set (`perfrecon samples`:
// four vendors, CSV/Excel/JSON, 5 % injected problems → quarantined rows), reconciles it (results,
// breaks) and resolves a break (audit rows); then SQL copies that whole state — accounts, files,
// processing log, periods with their flows, quarantined rows, reconciliation runs, results and
// breaks, audit rows — under new account ids and file/run ids (`INSERT … SELECT … CROSS JOIN
// generate_series`) until N periods are stored.
//   node bench/backup-restore.bench.ts [--periods 1000000,5000000] [--modes server,embedded]
//     [--embedded-max 1000000] [--pglite-max 1000000] [--max-old-space MB] [--backup-only]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type BenchEnv,
  benchIngestContext,
  benchMain,
  childCase,
  fmt,
  freshEnv,
  loadAverage,
  type Mode,
  option,
} from './support.ts';

const SIZES = option('periods', '1000000').split(',').map(Number);
const MODES = option('modes', 'server,embedded').split(',') as Mode[];
const EMBEDDED_MAX = Number(option('embedded-max', String(Number.MAX_SAFE_INTEGER)));
/**
 * PGlite's own dump and load (the embedded baseline) hold the whole tarball in memory — 4.4 and
 * 6.4 GB at 1M periods: above this many periods they are not run.
 */
const PGLITE_BASELINE_MAX = Number(option('pglite-max', '1000000'));
/** A JavaScript heap limit (MB) for `perfrecon backup` and `restore`: they must stream within it. */
const HEAP_LIMIT = option('max-old-space', '');
/** Backups only (`perfrecon backup` and its baseline dump), when a restore would not fit the time. */
const BACKUP_ONLY = process.argv.includes('--backup-only');
const NOT_RUN: Measure = { seconds: Number.NaN, bytes: Number.NaN, peakRssMb: Number.NaN };
const ROOT = path.resolve(import.meta.dirname, '..');
/** Periods inserted per statement while filling: bounded statements on PGlite too. */
const PERIODS_PER_STATEMENT = 100_000;

interface Measure {
  seconds: number;
  bytes: number;
  peakRssMb: number;
}

interface Case {
  mode: Mode;
  periods: number;
  tables: Record<string, number>;
  fillSeconds: number;
  backup: Measure;
  restore: Measure;
  baselineDump: Measure & { label: string };
  baselineRestore: Measure & { label: string };
  extra?: { dump: Measure & { label: string }; restore: Measure & { label: string } };
  load: string;
}

/** A command, timed by wall clock, its peak RSS from `/usr/bin/time`. */
function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { seconds: number; peakRssMb: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env,
    cwd: ROOT,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  const rss = /maxrss-kb (\d+)/.exec(result.stderr)?.[1];
  return { seconds, peakRssMb: Number(rss) / 1024, stdout: result.stdout };
}

const perfrecon = (args: string[], env: NodeJS.ProcessEnv) =>
  timed(
    process.execPath,
    [
      ...(HEAP_LIMIT === '' ? [] : [`--max-old-space-size=${HEAP_LIMIT}`]),
      path.join(ROOT, 'bin/perfrecon.js'),
      ...args,
    ],
    env,
  );

const child = (kind: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  childCase(import.meta.url, kind, env, ...args) as Record<string, unknown>;

const sizeOf = (target: string): number =>
  Number(spawnSync('du', ['-sb', target], { encoding: 'utf8' }).stdout.split('\t')[0]);

async function measure(mode: Mode, periods: number): Promise<Case> {
  const say = (text: string) => process.stderr.write(text);
  const source = await freshEnv(mode, 'backup');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prbackup-files-'));
  try {
    say(`${mode} ${periods.toLocaleString('en-US')}: filling… `);
    const started = performance.now();
    const tables = child('fill', source.env, String(periods)) as Record<string, number>;
    const fillSeconds = (performance.now() - started) / 1000;
    say(`${fillSeconds.toFixed(0)} s; backup… `);
    const file = path.join(work, 'perfrecon.backup.gz');
    const backupRun = perfrecon(['backup', '--out', file], source.env);
    const backup = {
      seconds: backupRun.seconds,
      peakRssMb: backupRun.peakRssMb,
      bytes: fs.statSync(file).size,
    };
    say(`${backup.seconds.toFixed(0)} s; restore… `);
    const restore = BACKUP_ONLY ? NOT_RUN : await timedRestore(mode, file, backup.bytes);
    say(`${restore.seconds.toFixed(0)} s; baseline… `);
    const result: Case = {
      mode,
      periods,
      tables,
      fillSeconds,
      backup,
      restore,
      load: loadAverage(),
      ...(mode === 'server'
        ? await serverBaseline(source, work)
        : await embeddedBaseline(source, work, periods)),
    };
    say('done\n');
    return result;
  } finally {
    await source.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `perfrecon restore FILE` into a fresh database. */
async function timedRestore(mode: Mode, file: string, bytes: number): Promise<Measure> {
  const target = await freshEnv(mode, 'backup');
  try {
    const restoreRun = perfrecon(['restore', file], target.env);
    return { seconds: restoreRun.seconds, peakRssMb: restoreRun.peakRssMb, bytes };
  } finally {
    await target.drop();
  }
}

async function serverBaseline(
  source: BenchEnv,
  work: string,
): Promise<Pick<Case, 'baselineDump' | 'baselineRestore'>> {
  const file = path.join(work, 'pg_dump.custom');
  const dump = timed('pg_dump', ['-Fc', '-f', file, source.url ?? ''], process.env);
  const bytes = fs.statSync(file).size;
  const baselineDump = { label: '`pg_dump -Fc`', seconds: dump.seconds, peakRssMb: dump.peakRssMb, bytes };
  const label = '`pg_restore` (new database)';
  if (BACKUP_ONLY) return { baselineDump, baselineRestore: { label, ...NOT_RUN } };
  const target = await freshEnv('server', 'backup');
  try {
    const restored = timed('pg_restore', ['--no-owner', '-d', target.url ?? '', file], process.env);
    return {
      baselineDump,
      baselineRestore: { label, seconds: restored.seconds, peakRssMb: restored.peakRssMb, bytes },
    };
  } finally {
    await target.drop();
  }
}

async function embeddedBaseline(
  source: BenchEnv,
  work: string,
  periods: number,
): Promise<Pick<Case, 'baselineDump' | 'baselineRestore' | 'extra'>> {
  const dataDir = path.join(source.home, 'db');
  const copy = path.join(work, 'db-copy');
  const copied = timed('cp', ['-r', dataDir, copy], process.env);
  const back = path.join(work, 'db-back');
  const copiedBack = timed('cp', ['-r', copy, back], process.env);
  const bytes = sizeOf(copy);
  fs.rmSync(back, { recursive: true, force: true });
  const copies = {
    baselineDump: {
      label: '`cp -r` of the data folder',
      seconds: copied.seconds,
      peakRssMb: copied.peakRssMb,
      bytes,
    },
    baselineRestore: {
      label: '`cp -r` back',
      seconds: copiedBack.seconds,
      peakRssMb: copiedBack.peakRssMb,
      bytes,
    },
  };
  if (periods > PGLITE_BASELINE_MAX) return copies;
  const tarball = path.join(work, 'pglite-dump.tar.gz');
  const dumped = child('pglite-dump', process.env, dataDir, tarball) as unknown as Measure;
  const loaded = child(
    'pglite-load',
    process.env,
    tarball,
    path.join(work, 'db-loaded'),
  ) as unknown as Measure;
  return {
    ...copies,
    extra: {
      dump: { label: "PGlite `dumpDataDir('gzip')`", ...dumped },
      restore: { label: 'PGlite `create({ loadDataDir })`', ...loaded },
    },
  };
}

/** In a child: the source database, filled to N periods (see the top of this file). */
async function fillInChild(periods: number): Promise<Record<string, number>> {
  const { openApp } = await import('../src/app.ts');
  const { migrateToLatest } = await import('../src/store/migrate.ts');
  const { writeSamples } = await import('../src/samples/write-samples.ts');
  const { ingestFile } = await import('../src/services/ingest/ingest-file.ts');
  const { reconcile, listBreakViews, actOnBreak } = await import('../src/services/reconciliation/index.ts');
  const { sql } = await import('kysely');
  const app = await openApp({ env: process.env });
  const db = app.database.db;
  await migrateToLatest(db);
  const samples = fs.mkdtempSync(path.join(os.tmpdir(), 'prbackup-samples-'));
  try {
    const set = await writeSamples({
      out: samples,
      accounts: 20,
      days: 120,
      start: '2023-12-31',
      seed: 15,
      problems: 0.05,
    });
    for (const file of set.files) await ingestFile(benchIngestContext(app), { filePath: file });
  } finally {
    fs.rmSync(samples, { recursive: true, force: true });
  }
  const deps = { database: app.database, vendors: app.vendors, notifier: app.notifier, cache: app.cache };
  await reconcile(deps, { actor: 'bench' });
  const [open] = await listBreakViews(
    { database: app.database, cache: app.cache },
    { statuses: ['OPEN'], limit: 1 },
  );
  if (open !== undefined) {
    const breakDeps = { database: app.database, cache: app.cache, fourEyes: false };
    await actOnBreak(breakDeps, open.id, { action: 'acknowledge', actor: 'bench:ann' });
    await actOnBreak(breakDeps, open.id, { action: 'resolve', actor: 'bench:ann', comment: 'bench' });
  }

  const count = async (table: string) =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0]?.n);
  const template = await count('performance_periods');
  const copies = Math.ceil(periods / template);
  // Every table of per-account or per-file state is copied; settings (vendors, tolerances, tokens) are not.
  const copied = [
    'accounts',
    'files',
    'etl_processing_log',
    'performance_periods',
    'period_flows',
    'quarantined_rows',
    'reconciliation_runs',
    'reconciliation_results',
    'reconciliation_breaks',
    'audit_log',
  ];
  const maxId = async (table: string) =>
    Number(
      (await sql<{ n: string }>`SELECT coalesce(max(id), 0) AS n FROM ${sql.table(table)}`.execute(db))
        .rows[0]?.n,
    );
  const offsets: Record<string, number> = {};
  for (const table of [
    'files',
    'etl_processing_log',
    'quarantined_rows',
    'reconciliation_runs',
    'reconciliation_breaks',
    'audit_log',
  ])
    offsets[table] = await maxId(table);
  const shift = (column: string, table: string) => `${column} + c * ${offsets[table]}`;
  const transform: Record<string, (table: string) => string> = {
    account_id: () => `account_id || '~' || c`,
    id: (table) => shift('id', table),
    file_id: () => shift('file_id', 'files'),
    run_id: () => shift('run_id', 'reconciliation_runs'),
    opened_run_id: () => shift('opened_run_id', 'reconciliation_runs'),
    last_seen_run_id: () => shift('last_seen_run_id', 'reconciliation_runs'),
    cleared_run_id: () => shift('cleared_run_id', 'reconciliation_runs'),
  };
  const statements: { table: string; text: string }[] = [];
  for (const table of copied) {
    const { rows } = await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table} AND is_generated = 'NEVER' ORDER BY ordinal_position`.execute(
      db,
    );
    const columns = rows.map((r) => r.name);
    const select = columns.map((column) => {
      if (table === 'files' && column === 'sha256') return `md5(sha256 || c) || md5(c || sha256)`;
      return transform[column]?.(table) ?? column;
    });
    const identity = table in offsets ? 'OVERRIDING SYSTEM VALUE' : '';
    statements.push({
      table,
      text: `INSERT INTO ${table} (${columns.join(', ')}) ${identity} SELECT ${select.join(', ')}
        FROM template_${table} CROSS JOIN generate_series($1::int, $2::int) AS c`,
    });
  }
  // Triggers off: the audit rows are copied, not written again by the copies.
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    for (const table of copied)
      await sql
        .raw(`CREATE TEMP TABLE template_${table} ON COMMIT DROP AS SELECT * FROM ${table}`)
        .execute(trx);
    const perStatement = Math.max(1, Math.floor(PERIODS_PER_STATEMENT / template));
    for (let first = 1; first < copies; first += perStatement) {
      const last = Math.min(copies - 1, first + perStatement - 1);
      for (const statement of statements) {
        await sql.raw(statement.text.replace('$1', String(first)).replace('$2', String(last))).execute(trx);
      }
      process.stderr.write('.');
    }
    for (const table of Object.keys(offsets)) {
      await sql
        .raw(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}) + 1, false)`,
        )
        .execute(trx);
    }
  });
  await sql`ANALYZE`.execute(db);
  const counts: Record<string, number> = {};
  for (const table of copied) counts[table] = await count(table);
  await app.close();
  return counts;
}

async function pgliteDumpInChild(dataDir: string, out: string): Promise<Measure> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create({ dataDir });
  const started = performance.now();
  const blob = await pglite.dumpDataDir('gzip');
  fs.writeFileSync(out, Buffer.from(await blob.arrayBuffer()));
  const seconds = (performance.now() - started) / 1000;
  await pglite.close();
  return { seconds, bytes: fs.statSync(out).size, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function pgliteLoadInChild(tarball: string, dataDir: string): Promise<Measure> {
  const { PGlite } = await import('@electric-sql/pglite');
  const started = performance.now();
  const pglite = await PGlite.create({ dataDir, loadDataDir: new Blob([fs.readFileSync(tarball)]) });
  await pglite.query('SELECT count(*) FROM performance_periods');
  await pglite.close();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, bytes: fs.statSync(tarball).size, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20)} MB`;
const heapNote =
  HEAP_LIMIT === ''
    ? ''
    : ` \`perfrecon backup\` and \`restore\` ran with \`--max-old-space-size=${HEAP_LIMIT}\` (a JavaScript heap of ${HEAP_LIMIT} MB): a step that held the data in memory would fail.`;

export async function run(): Promise<string> {
  const cases: Case[] = [];
  const start = loadAverage();
  for (const periods of SIZES) {
    for (const mode of MODES) {
      if (mode === 'embedded' && periods > EMBEDDED_MAX) continue;
      cases.push(await measure(mode, periods));
    }
  }
  const row = (c: Case, what: string, m: Measure, base: Measure) =>
    `| ${c.mode} | ${fmt(c.periods)} | ${what} | ${fmt(m.seconds, 1)} | ${fmt(m.seconds / base.seconds, 2)}× | ${mb(m.bytes)} | ${fmt(m.peakRssMb)} MB |`;
  const lines = [
    '## Operations: backup and restore (issue #15)',
    '',
    `${os.cpus().length} cores, shared with other work; load average (1/5/15 min) at the start ${start}, after each case as listed.`,
    '',
    `Method: for each database and size, a fresh database is filled with N stored periods: the product ingests \`perfrecon samples\` (20 accounts × 120 days, four vendors in CSV, Excel and JSON, 5 % injected problems), reconciles, acknowledges and resolves a break; then SQL copies that whole state (accounts, files, processing log, periods with flows, quarantined rows, reconciliation runs, results and breaks, audit rows) under new account, file and run ids until N periods are stored (\`INSERT … SELECT … CROSS JOIN generate_series\`). Timed as users run them, each in a fresh process (start-up included), wall clock, peak RSS from \`/usr/bin/time\`: \`perfrecon backup --out FILE\`, then \`perfrecon restore FILE\` into a fresh database (a new server database / a new home). Baseline in the same run on the same database: server — \`pg_dump -Fc\` and \`pg_restore --no-owner\` into a new database; embedded — \`cp -r\` of the closed data folder (and back), and PGlite's own \`dumpDataDir('gzip')\` / \`PGlite.create({ loadDataDir })\` in a child process. Ratio = seconds ÷ the baseline's seconds (lower is better). One run per case.${heapNote}`,
    '',
    '| database | periods | step | seconds | ratio to baseline | size | peak RSS |',
    '|---|---:|---|---:|---:|---:|---:|',
  ];
  for (const c of cases) {
    lines.push(row(c, c.baselineDump.label, c.baselineDump, c.baselineDump));
    lines.push(row(c, '`perfrecon backup`', c.backup, c.baselineDump));
    lines.push(row(c, c.baselineRestore.label, c.baselineRestore, c.baselineRestore));
    lines.push(row(c, '`perfrecon restore` (fresh database)', c.restore, c.baselineRestore));
    if (c.extra !== undefined) {
      lines.push(row(c, c.extra.dump.label, c.extra.dump, c.baselineDump));
      lines.push(row(c, c.extra.restore.label, c.extra.restore, c.baselineRestore));
    }
  }
  lines.push('', 'Rows per table, and load after each case:', '');
  for (const c of cases) {
    const counts = Object.entries(c.tables)
      .map(([t, n]) => `${t} ${fmt(n)}`)
      .join(', ');
    lines.push(
      `- ${c.mode}, ${fmt(c.periods)} periods (filled in ${fmt(c.fillSeconds)} s; load ${c.load}): ${counts}.`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

await benchMain(import.meta.url, run, {
  fill: (periods = '0') => fillInChild(Number(periods)),
  'pglite-dump': (dataDir = '', out = '') => pgliteDumpInChild(dataDir, out),
  'pglite-load': (tarball = '', dataDir = '') => pgliteLoadInChild(tarball, dataDir),
});
