// The disaster-recovery drill: samples ingested and reconciled, a break resolved, a backup, the
// database gone, a restore into a fresh one — and every figure, break with its history, audit
// row and lineage link is what it was. Embedded → embedded (or server → server on the server
// leg), and embedded → server when a server is given. Then the refusals.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { writeSamples } from '../../src/samples/write-samples.ts';
import { backupDatabase, restoreDatabase } from '../../src/services/backup.ts';
import { databaseIdentity } from '../../src/services/database.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { periodLineage } from '../../src/services/lineage.ts';
import { actOnBreak, listBreakViews, reconcile, showBreak } from '../../src/services/reconciliation/index.ts';
import { ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const opened: { env: TestEnv; app: App }[] = [];

async function open(env?: TestEnv): Promise<{ env: TestEnv; app: App }> {
  const testEnv = env ?? (await createTestEnv());
  const entry = { env: testEnv, app: await openTestApp(testEnv) };
  opened.push(entry);
  return entry;
}

/** A fresh embedded home, whatever leg the suite runs on. */
function embeddedEnv(): TestEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prh-embedded-'));
  return {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PERFRECON_HOME: home,
      PERFRECON_LOG_LEVEL: 'silent',
    },
    home,
    mode: 'embedded',
    cleanup: async () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

afterAll(async () => {
  for (const { env, app } of opened.reverse()) {
    await app.close().catch(() => {});
    await env.cleanup();
  }
});

/** Everything a drill compares, read the same way from source and restored database. */
async function snapshot(app: App) {
  const db = app.database.db;
  const rows = (table: string, order: string) =>
    sql.raw(`SELECT row_to_json(t)::text AS row FROM ${table} t ORDER BY ${order}`).execute(db);
  const breakDeps = { database: app.database, cache: app.cache };
  const breaks = await listBreakViews(breakDeps, { statuses: [], limit: 10_000 }, new Date('2030-01-01'));
  return {
    periods: (await rows('performance_periods', 'account_id, vendor_code, period_start, period_end')).rows,
    flows: (await rows('period_flows', 'account_id, vendor_code, period_start, period_end, seq')).rows,
    // Every audit row, but the one a restore writes about the restored copy's new identity.
    audit: (
      await rows(
        `(SELECT * FROM audit_log WHERE NOT (table_name = 'database_identity' AND action = 'RENEW'))`,
        'id',
      )
    ).rows,
    breaks: await Promise.all(breaks.map((b) => showBreak(breakDeps, b.id, new Date('2030-01-01')))),
    lineage: await periodLineage(app, { accountId: 'ACC-0001', periodEnd: '2024-01-31' }),
  };
}

/** The secondary and constraint indexes, as a restore must leave them. */
async function indexes(app: App) {
  const { rows } = await sql<{ name: string; definition: string }>`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes
    WHERE schemaname = 'public' ORDER BY indexname`.execute(app.database.db);
  return rows;
}

/** A backup file's parts: its header, each table's lines in file order, and its manifest. */
function readBackup(file: string) {
  const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').slice(0, -1);
  const tables = new Map<string, string[]>();
  let current: string[] | undefined;
  let manifest: { tables: Record<string, { rows: number; sha256: string }> } | undefined;
  for (const line of lines.slice(1)) {
    if (line.startsWith('{"@')) {
      const control = JSON.parse(line) as { '@table'?: string; '@manifest'?: typeof manifest };
      manifest = control['@manifest'] ?? manifest;
      current = control['@table'] === undefined ? undefined : [];
      if (control['@table'] !== undefined && current !== undefined) tables.set(control['@table'], current);
      continue;
    }
    current?.push(line);
  }
  return { header: JSON.parse(lines[0] ?? '{}') as Record<string, unknown>, tables, manifest };
}

function writeBackup(file: string, backup: ReturnType<typeof readBackup>): void {
  const lines = [JSON.stringify(backup.header)];
  for (const [table, rows] of backup.tables) lines.push(JSON.stringify({ '@table': table }), ...rows);
  lines.push(JSON.stringify({ '@manifest': { files: {}, ...backup.manifest } }), '');
  fs.writeFileSync(file, gzipSync(lines.join('\n')));
}

/**
 * A table's checksum in backup format 2, written out here on its own: the SHA-256 of each line,
 * its four big-endian 64-bit words each summed modulo 2^64 — whatever order the lines are in.
 */
function unorderedChecksum(lines: readonly string[]): string {
  const lanes = [0n, 0n, 0n, 0n];
  for (const line of lines) {
    const digest = createHash('sha256').update(line).digest();
    for (let lane = 0; lane < 4; lane += 1) {
      lanes[lane] = BigInt.asUintN(64, (lanes[lane] ?? 0n) + digest.readBigUInt64BE(lane * 8));
    }
  }
  const out = Buffer.alloc(32);
  for (const [lane, value] of lanes.entries()) out.writeBigUInt64BE(value, lane * 8);
  return out.toString('hex');
}

async function populate(app: App, home: string): Promise<number> {
  const set = await writeSamples({
    out: path.join(home, 'samples'),
    accounts: 4,
    days: 45,
    start: '2023-12-31',
    seed: 11,
    problems: 0.05,
  });
  for (const file of set.files) await ingestFile(ingestContext(app), { filePath: file });
  const deps = { database: app.database, vendors: app.vendors, notifier: app.notifier, cache: app.cache };
  await reconcile(deps, { actor: 'test:drill' });
  const [first] = await listBreakViews(
    { database: app.database, cache: app.cache },
    { statuses: ['OPEN'], limit: 1 },
  );
  expect(first, 'the samples have a break to resolve').toBeDefined();
  const breakDeps = { database: app.database, cache: app.cache, fourEyes: false };
  await actOnBreak(breakDeps, first?.id ?? 0, { action: 'acknowledge', actor: 'test:ann' });
  await actOnBreak(breakDeps, first?.id ?? 0, { action: 'resolve', actor: 'test:ann', comment: 'drill' });
  return first?.id ?? 0;
}

let source: { env: TestEnv; app: App };
let backupFile: string;
let before: Awaited<ReturnType<typeof snapshot>>;
let sourceManifest: Awaited<ReturnType<typeof backupDatabase>>['manifest'];

beforeAll(async () => {
  source = await open();
  await populate(source.app, source.env.home);
  // Its identity (made when an application first opens it with Redis; here on either leg), so
  // the backup holds one.
  await databaseIdentity(source.app);
  before = await snapshot(source.app);
  backupFile = path.join(source.env.home, 'drill.backup.gz');
  sourceManifest = (await backupDatabase(source.app, { out: backupFile })).manifest;
}, 300_000);

async function drill(target: { env: TestEnv; app: App }, file: string) {
  const result = await restoreDatabase(target.app, { file, force: false });
  // The indexes dropped for the load are all built again, as the source has them.
  expect(await indexes(target.app)).toEqual(await indexes(source.app));
  // The checksums are the content's, not the order's: a backup of the copy has the source's —
  // but for the audit row and the identity the restore writes.
  const again = await backupDatabase(target.app, { out: path.join(target.env.home, 'again.backup.gz') });
  const restoreWrites = new Set(['audit_log', 'database_identity']);
  const copied = (tables: typeof sourceManifest.tables) =>
    Object.entries(tables).filter(([name]) => !restoreWrites.has(name));
  expect(copied(again.manifest.tables)).toEqual(copied(sourceManifest.tables));
  // The copy's identity is its own (it names the copy's Redis namespace): the source may run on
  // beside it, sharing one Redis. The restore records the source's.
  const sourceIdentity = await databaseIdentity(source.app);
  const restoredIdentity = await databaseIdentity(target.app);
  expect(sourceIdentity).toBeDefined();
  expect(restoredIdentity).not.toBe(sourceIdentity);
  expect(result.identity).toEqual({ source: sourceIdentity, restored: restoredIdentity });
  const renewed = await sql<{ old_values: unknown; new_values: unknown }>`
    SELECT old_values, new_values FROM audit_log WHERE table_name = 'database_identity' AND action = 'RENEW'`.execute(
    target.app.database.db,
  );
  expect(renewed.rows).toEqual([
    {
      old_values: { id: sourceIdentity },
      new_values: {
        id: restoredIdentity,
        restoredFrom: path.basename(file),
        backupTakenAt: expect.any(String),
      },
    },
  ]);
  expect(result.tables.performance_periods?.rows).toBe(before.periods.length);
  expect(await snapshot(target.app)).toEqual(before);
  // Reconciliation runs again on the restored data and finds nothing new.
  const deps = {
    database: target.app.database,
    vendors: target.app.vendors,
    notifier: target.app.notifier,
    cache: target.app.cache,
  };
  const breaksBefore = before.breaks.map((b) => [b.id, b.status]);
  await reconcile(deps, { actor: 'test:after-restore' });
  const after = await listBreakViews(
    { database: target.app.database, cache: target.app.cache },
    { statuses: [], limit: 10_000 },
  );
  expect(after.map((b) => [b.id, b.status])).toEqual(breaksBefore);
}

describe('the disaster-recovery drill', () => {
  it(`restores into a fresh database of the same kind with everything identical`, async () => {
    await drill(await open(), backupFile);
  }, 300_000);

  it.runIf(process.env.DATABASE_URL)(
    'restores an embedded backup into a server',
    async () => {
      const embedded = await open(embeddedEnv());
      await populate(embedded.app, embedded.env.home);
      const embeddedBefore = await snapshot(embedded.app);
      const file = path.join(embedded.env.home, 'embedded.backup.gz');
      await backupDatabase(embedded.app, { out: file });
      const server = await open();
      await restoreDatabase(server.app, { file, force: false });
      expect(await snapshot(server.app)).toEqual(embeddedBefore);
    },
    300_000,
  );
});

describe('the backup file', () => {
  it('holds every table one row a line, in the order rows are stored, across pages, with checksums of the rows whatever their order', async () => {
    const { env, app } = await open();
    // More rows than one page (256 heap pages) of a table, so pages follow each other in the file; stored
    // in the reverse of their key order (ids counting down), so reading through the primary key
    // would write them the other way round.
    await sql`INSERT INTO audit_log (id, table_name, row_key, action, new_values, actor) OVERRIDING SYSTEM VALUE
      SELECT 1000000 - n, 'pages', jsonb_build_object('n', n), 'INSERT', jsonb_build_object('note', repeat('x', 1000)), 'test:pages'
      FROM generate_series(1, 6000) AS n`.execute(app.database.db);
    const file = path.join(env.home, 'pages.backup.gz');
    const pagesRead: number[] = [];
    const { manifest, header } = await backupDatabase(app, {
      out: file,
      onProgress: (table, rows) => table === 'audit_log' && pagesRead.push(rows),
    });
    expect(pagesRead.length, 'audit_log read in more than one page').toBeGreaterThan(1);
    expect(header.formatVersion).toBe(2);
    const backup = readBackup(file);
    const pages = (backup.tables.get('audit_log') ?? [])
      .filter((line) => line.includes('"test:pages"'))
      .map((line) => (JSON.parse(line) as { id: number }).id);
    expect(pages).toHaveLength(6000);
    expect(pages, 'in the order they were stored').toEqual(pages.toSorted((a, b) => b - a));
    expect([...backup.tables.keys()].sort()).toEqual(Object.keys(manifest.tables).sort());
    expect(backup.manifest?.tables).toEqual(manifest.tables);
    for (const [table, lines] of backup.tables) {
      expect(lines, 'no empty line between rows or pages').not.toContain('');
      expect({ table, rows: lines.length, sha256: unorderedChecksum(lines) }).toEqual({
        table,
        ...manifest.tables[table],
      });
      expect(unorderedChecksum(lines.toReversed())).toBe(manifest.tables[table]?.sha256);
    }
  }, 300_000);

  it('written in format 1 by the code before (rows in key order, checksums in file order) still restores and verifies', async () => {
    const fixture = path.resolve(import.meta.dirname, '../fixtures/backup/format-1.backup.gz');
    const old = readBackup(fixture);
    expect(old.header.formatVersion).toBe(1);
    const target = await open();
    const result = await restoreDatabase(target.app, { file: fixture, force: false });
    expect(result.header.formatVersion).toBe(1);
    expect(result.tables).toEqual(old.manifest?.tables);
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM performance_periods`.execute(
      target.app.database.db,
    );
    expect(Number(rows[0]?.n)).toBe(old.tables.get('performance_periods')?.length);
    // Its checksums still bind its rows: one changed is refused.
    const performance = old.tables.get('performance_periods') ?? [];
    old.tables.set('performance_periods', [
      performance[1] ?? '',
      performance[0] ?? '',
      ...performance.slice(2),
    ]);
    const swapped = path.join(target.env.home, 'format-1-swapped.backup.gz');
    writeBackup(swapped, old);
    await expect(restoreDatabase((await open()).app, { file: swapped, force: false })).rejects.toThrow(
      /is damaged: table performance_periods has \d+ rows with checksum/,
    );
  }, 300_000);
});

describe('restore refuses', () => {
  it('a database that holds data, unless forced', async () => {
    await expect(restoreDatabase(source.app, { file: backupFile, force: false })).rejects.toThrow(
      /the database is not empty \(.*hold rows\): a restore would replace it/,
    );
  });

  it('a backup newer than this code, before changing anything', async () => {
    const lines = gunzipSync(fs.readFileSync(backupFile)).toString('utf8').split('\n');
    const header = JSON.parse(lines[0] ?? '{}');
    lines[0] = JSON.stringify({ ...header, schemaVersion: '9999-from-the-future', productVersion: '9.0.0' });
    const newer = path.join(source.env.home, 'newer.backup.gz');
    fs.writeFileSync(newer, gzipSync(lines.join('\n')));
    const target = await open();
    await expect(restoreDatabase(target.app, { file: newer, force: false })).rejects.toThrow(
      /holds a database at schema version 9999-from-the-future, newer than this perfrecon/,
    );
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM kysely_migration`.execute(
      target.app.database.db,
    );
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  });

  it('a damaged backup whose rows do not match their checksum, restoring nothing', async () => {
    const text = gunzipSync(fs.readFileSync(backupFile)).toString('utf8');
    const damaged = path.join(source.env.home, 'damaged.backup.gz');
    // One figure changed by a cent: the file still reads, but no longer matches its manifest.
    const changed = text.replace(
      /"end_market_value":(\d+)\.(\d)(\d)/,
      (_, whole, d1, d2) => `"end_market_value":${whole}.${d1}${(Number(d2) + 1) % 10}`,
    );
    expect(changed).not.toBe(text);
    fs.writeFileSync(damaged, gzipSync(changed));
    const target = await open();
    const fresh = await indexes(target.app);
    await expect(restoreDatabase(target.app, { file: damaged, force: false })).rejects.toThrow(
      /is damaged: table performance_periods has \d+ rows with checksum .*, its manifest says/,
    );
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM performance_periods`.execute(
      target.app.database.db,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    // The indexes the load dropped are back: the empty database is whole.
    expect(await indexes(target.app)).toEqual(fresh);
  });

  it('a backup whose rows do not read back as they were written, restoring nothing', async () => {
    // A writer that spaced its JSON out (its checksums made from those lines): the values load,
    // but PostgreSQL writes them back without the spaces — not what the file held.
    const backup = readBackup(backupFile);
    const periods = (backup.tables.get('performance_periods') ?? []).map((line) =>
      line.replaceAll('","', '", "'),
    );
    backup.tables.set('performance_periods', periods);
    const manifest = backup.manifest?.tables ?? {};
    manifest.performance_periods = { rows: periods.length, sha256: unorderedChecksum(periods) };
    const spaced = path.join(source.env.home, 'spaced.backup.gz');
    writeBackup(spaced, backup);
    const target = await open();
    await expect(restoreDatabase(target.app, { file: spaced, force: false })).rejects.toThrow(
      /table performance_periods reads back differently after loading \(\d+ of a page of \d+ rows\); nothing was restored/,
    );
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM performance_periods`.execute(
      target.app.database.db,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
