// The point-in-time recovery recipe (scripts/pitr/) run as an operator would, on a throw-away
// cluster this test creates: WAL archiving on, a base backup, perfrecon data written, a time
// noted, more data written, then a restore into a new data folder to that time — which holds
// what was committed before the time and nothing after. The recipe runs on the server leg only
// (DATABASE_URL set: the machine has PostgreSQL's programs), and never touches that server; the
// scripts' own checks run on both legs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { CANONICAL_HEADER, ingestContext } from '../support/test-app.ts';
import {
  type Cluster,
  clusterAt,
  clusterFolder,
  createCluster,
  freePort,
  postgresBin,
  runAsPostgres,
  stopCluster,
} from './throwaway-cluster.ts';

const SCRIPTS = path.resolve(import.meta.dirname, '../../scripts/pitr');

let folder: string;
let primary: Cluster | undefined;
let restored: Cluster | undefined;
const apps: App[] = [];

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

async function openAppOn(cluster: Cluster): Promise<App> {
  const home = path.join(folder, `home-${cluster.port}`);
  const app = await openApp({
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PERFRECON_HOME: home,
      PERFRECON_LOG_LEVEL: 'silent',
      DATABASE_URL: cluster.url('perfrecon'),
    },
  });
  apps.push(app);
  return app;
}

function canonicalFile(name: string, account: string): string {
  const file = path.join(folder, name);
  fs.writeFileSync(
    file,
    `${CANONICAL_HEADER}\n${account},2024-01-31,2024-02-29,USD,1000000.00,1052000.00,2024-02-15,25000.00,end_of_day,,,0.0269,net\n`,
  );
  return file;
}

/** Close the WAL segment being written and wait until the archiver has it. */
async function archiveCurrentWal(cluster: Cluster): Promise<void> {
  const url = cluster.url('postgres');
  const [switched] = await query<{ wal: string }>(url, 'SELECT pg_walfile_name(pg_switch_wal()) AS wal');
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const [archiver] = await query<{ last: string | null }>(
      url,
      'SELECT last_archived_wal AS last FROM pg_stat_archiver',
    );
    if (archiver?.last !== null && archiver?.last !== undefined && archiver.last >= (switched?.wal ?? ''))
      return;
    await sleep(100);
  }
  throw new Error(`WAL segment ${switched?.wal} was not archived within 60 s`);
}

describe.runIf(process.env.DATABASE_URL)(
  'point-in-time recovery (scripts/pitr) on a throw-away cluster',
  () => {
    let targetTime: string;
    let base: string;

    beforeAll(async () => {
      folder = clusterFolder('perfrecon-pitr-');
      // The scripts as the cluster's user can run them (the checkout may not be readable by it).
      fs.cpSync(SCRIPTS, path.join(folder, 'scripts'), { recursive: true });
      const archive = path.join(folder, 'wal-archive');
      await runAsPostgres('mkdir', [archive, path.join(folder, 'base')], { cwd: folder });
      primary = await createCluster(folder, 'primary', {
        wal_level: 'replica',
        archive_mode: 'on',
        archive_command: `${path.join(folder, 'scripts', 'archive-wal.sh')} ${archive} %p %f`,
      });
      await query(primary.url('postgres'), 'CREATE DATABASE perfrecon');

      const backupOutput = await runAsPostgres(
        path.join(folder, 'scripts', 'base-backup.sh'),
        ['--out', path.join(folder, 'base'), '--host', '127.0.0.1', '--port', String(primary.port)],
        { cwd: folder, env: { PG_BIN: postgresBin() } },
      );
      base = backupOutput.trim().split('\n').at(-1) ?? '';

      const app = await openAppOn(primary);
      const before = await ingestFile(ingestContext(app), {
        filePath: canonicalFile('canonical-before.csv', 'ACC-BEFORE'),
      });
      expect(before.outcome, JSON.stringify(before.error)).toBe('SUCCEEDED');
      const [noted] = await query<{ at: string }>(
        primary.url('postgres'),
        'SELECT clock_timestamp()::text AS at',
      );
      targetTime = noted?.at ?? '';
      await sleep(1_100); // commits after the time are clearly after it
      const after = await ingestFile(ingestContext(app), {
        filePath: canonicalFile('canonical-after.csv', 'ACC-AFTER'),
      });
      expect(after.outcome).toBe('SUCCEEDED');
      await app.close();
      apps.splice(apps.indexOf(app), 1);
      // Recovery must see a commit after the time to know it got there: that commit must be archived.
      await archiveCurrentWal(primary);
    }, 300_000);

    afterAll(async () => {
      for (const app of apps) await app.close().catch(() => {});
      for (const cluster of [restored, primary]) if (cluster) await stopCluster(folder, cluster.pgdata);
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
    });

    it('restores into a new data folder to the noted time: what came before is there, what came after is not', async () => {
      const port = await freePort();
      const pgdata = path.join(folder, 'restored');
      restored = clusterAt(pgdata, port);
      const output = await runAsPostgres(
        path.join(folder, 'scripts', 'restore.sh'),
        [
          '--base',
          base,
          '--archive',
          path.join(folder, 'wal-archive'),
          '--target-time',
          targetTime,
          '--pgdata',
          pgdata,
          '--port',
          String(port),
          '--timeout',
          '120',
        ],
        { cwd: folder, env: { PG_BIN: postgresBin() } },
      );
      expect(output).toContain('recovery stopping before commit');
      expect(output).toContain(`running on port ${port}`);

      const url = restored.url('perfrecon');
      const accounts = await query<{ account_id: string }>(
        url,
        'SELECT account_id FROM performance_periods ORDER BY 1',
      );
      expect(accounts.map((row) => row.account_id)).toEqual(['ACC-BEFORE']);
      const files = await query<{ name: string; status: string }>(
        url,
        'SELECT name, status FROM files ORDER BY id',
      );
      expect(files).toEqual([{ name: 'canonical-before.csv', status: 'SUCCEEDED' }]);
      const [recovery] = await query<{ in_recovery: boolean }>(
        url,
        'SELECT pg_is_in_recovery() AS in_recovery',
      );
      expect(recovery?.in_recovery).toBe(false);

      // The restored server is a writable primary perfrecon can use: the later file goes in again.
      const app = await openAppOn(restored);
      const again = await ingestFile(ingestContext(app), {
        filePath: canonicalFile('canonical-after.csv', 'ACC-AFTER'),
      });
      expect(again.outcome).toBe('SUCCEEDED');
    }, 180_000);

    it('refuses to restore over a data folder that is not empty', async () => {
      const occupied = path.join(folder, 'occupied');
      await runAsPostgres('mkdir', [occupied], { cwd: folder });
      await runAsPostgres('touch', [path.join(occupied, 'PG_VERSION')], { cwd: folder });
      await expect(
        runAsPostgres(
          path.join(folder, 'scripts', 'restore.sh'),
          [
            '--base',
            base,
            '--archive',
            path.join(folder, 'wal-archive'),
            '--target-time',
            targetTime,
            '--pgdata',
            occupied,
          ],
          { cwd: folder, env: { PG_BIN: postgresBin() } },
        ),
      ).rejects.toThrow(/is not empty/);
    });
  },
);

describe("the recipe's scripts, without a cluster", () => {
  it.each(['archive-wal.sh', 'base-backup.sh', 'restore.sh'])('%s --help says how to use it', (script) => {
    expect(execFileSync(path.join(SCRIPTS, script), ['--help'], { encoding: 'utf8' })).toMatch(/^Usage: /);
  });

  it('archive-wal.sh archives a segment once, accepts the same again, refuses a different one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfrecon-wal-'));
    try {
      const archive = path.join(dir, 'archive');
      fs.mkdirSync(archive);
      const segment = path.join(dir, '000000010000000000000001');
      fs.writeFileSync(segment, 'wal bytes');
      const archiveWal = () =>
        execFileSync(path.join(SCRIPTS, 'archive-wal.sh'), [archive, segment, path.basename(segment)], {
          stdio: 'pipe',
        });
      archiveWal();
      expect(fs.readFileSync(path.join(archive, path.basename(segment)), 'utf8')).toBe('wal bytes');
      archiveWal(); // PostgreSQL may ask again after a crash
      fs.writeFileSync(segment, 'other bytes');
      expect(archiveWal).toThrow();
      expect(fs.readFileSync(path.join(archive, path.basename(segment)), 'utf8')).toBe('wal bytes');
      expect(fs.readdirSync(archive)).toEqual([path.basename(segment)]); // no partial copy left
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
