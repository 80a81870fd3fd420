// The landing on object storage (PERFRECON_LANDING=s3://bucket/prefix), against a real
// S3-protocol server (s3rver, or PERFRECON_TEST_S3_URL): intake → job → archive, never an
// overwrite, SHA-256 checked on every move, two processes sharing one bucket, dead letters.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import { enqueueLandedFile, intakeFile } from '../../src/pipeline/intake.ts';
import { newLandingName } from '../../src/pipeline/landing.ts';
import { LandingIntegrityError, type LandingStore } from '../../src/pipeline/landing-store.ts';
import { ingestJobSender } from '../../src/pipeline/queues.ts';
import { openLandingStore, type RunningPipeline, startPipeline } from '../../src/pipeline/runtime.ts';
import { replayDeadLetter } from '../../src/services/dead-letters.ts';
import { landingClaims } from '../../src/services/landing-claims.ts';
import { claimLanding, releaseLanding } from '../../src/store/landing-claim-repository.ts';
import { periodsOf } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import { startTestS3, type TestS3 } from './s3-support.ts';
import {
  canonicalRows,
  HEADER,
  installFaultInjector,
  killAll,
  pipelineEnv,
  startCli,
  waitUntil,
  writeCanonical,
} from './support.ts';

let s3: TestS3;
let env: TestEnv;
let app: App;
let store: LandingStore;
let pipeline: RunningPipeline | undefined;
let source: string;

const settings = () => pipelineEnv(env, { ...s3.env, PERFRECON_RETRY_LIMIT: '1' });

beforeAll(async () => {
  s3 = await startTestS3();
  env = await createTestEnv();
  source = path.join(env.home, 'source');
  app = await openApp({ env: { ...settings(), PERFRECON_LOG_LEVEL: 'silent' } });
  await installFaultInjector(app.database.db);
  store = openLandingStore(app.config.pipeline.landing);
  pipeline = await startPipeline(app, { workers: { concurrency: 2 }, watch: true });
});

afterAll(async () => {
  await killAll();
  await pipeline?.stop();
  await app?.close();
  await s3?.stop();
  await env?.cleanup();
});

const db = () => app.database.db;
const boss = () => {
  if (pipeline === undefined) throw new Error('the in-process pipeline is stopped');
  return pipeline.boss;
};

async function locate(landingName: string) {
  const located = await store.locate(landingName);
  if (located === undefined) throw new Error(`${landingName} is nowhere in the landing`);
  return located;
}
const csv = (account: string, rows: number) => `${[HEADER, ...canonicalRows(account, rows)].join('\n')}\n`;

function fileNamed(name: string) {
  return db().selectFrom('files').selectAll().where('name', '=', name).executeTakeFirst();
}

/** The file reached `status` and was filed away (the job's last step). */
function settled(name: string, status: string, timeoutMs = 90_000) {
  return waitUntil(
    async () => {
      const file = await fileNamed(name);
      if (file?.status !== status) return undefined;
      if (status === 'FAILED') return file;
      const filed = await db()
        .selectFrom('etl_processing_log')
        .select('id')
        .where('file_id', '=', file.id)
        .where('step', '=', 'archive')
        .executeTakeFirst();
      return filed === undefined ? undefined : fileNamed(name);
    },
    `${name} to be ${status}`,
    timeoutMs,
  );
}

const keysEndingWith = async (suffix: string) => (await s3.keys()).filter((key) => key.endsWith(suffix));

describe('intake → job → archive on S3', () => {
  it('takes an object from inbox/, stores it and files it under archive/YYYY/MM/DD/', async () => {
    await s3.put('inbox/canonical-s3-one.csv', csv('S3-ONE', 4));
    const file = await settled('canonical-s3-one.csv', 'SUCCEEDED');
    expect(await periodsOf(app, 'S3-ONE')).toBe(4);
    const [archived, ...others] = await keysEndingWith('--canonical-s3-one.csv');
    expect(others).toEqual([]);
    expect(archived).toMatch(
      /^archive\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z-[0-9a-f]{6}--canonical-s3-one\.csv$/,
    );
    expect(file.stored_path).toBe(`s3://${s3.bucket}/${s3.prefix}/${archived}`);
    expect((await s3.get(archived ?? ''))?.toString()).toBe(csv('S3-ONE', 4));
    expect(
      (await s3.keys()).filter((key) => key.startsWith('inbox/') || key.startsWith('processing/')),
    ).toEqual([]);
    const events = fs
      .readFileSync(app.config.pipeline.openLineageFile ?? '', 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((event) => event.inputs[0]?.facets?.perfrecon_file?.sha256 === file.sha256);
    expect(events.at(-1)?.inputs[0]).toMatchObject({
      namespace: `s3://${s3.bucket}`,
      name: `${s3.prefix}/processing/${path.posix.basename(archived ?? '')}`,
    });
    // The readers' local copy is gone once the job is done.
    expect(fs.readdirSync(path.join(env.home, 'tmp', 'landing'))).toEqual(['uploads']);
  });

  it('takes a local file in (the CLI and API intake) and archives it', async () => {
    const local = writeCanonical(source, 'canonical-s3-local.csv', canonicalRows('S3-LOCAL', 3));
    const receipt = await intakeFile(
      { landing: store, boss: boss(), logger: app.logger },
      { sourcePath: local, mode: 'copy', source: 'cli' },
    );
    expect(receipt.path).toBe(`s3://${s3.bucket}/${s3.prefix}/processing/${receipt.landingName}`);
    const file = await settled('canonical-s3-local.csv', 'SUCCEEDED');
    expect(file.stored_path).toBe(store.destination('archive', receipt.landingName));
    expect(fs.existsSync(local)).toBe(true);
  });
});

describe('local copies', () => {
  it('removes at start the copies a killed process left, older than any job may run', async () => {
    const scratch = path.join(env.home, 'tmp', 'landing');
    const abandoned = path.join(scratch, 'abandoned-job');
    const recent = path.join(scratch, 'running-job');
    for (const dir of [abandoned, recent]) writeCanonical(dir, 'x.csv', []);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    fs.utimesSync(abandoned, twoDaysAgo, twoDaysAgo);
    await store.ensure();
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    fs.rmSync(recent, { recursive: true });
  });
});

describe('never an overwrite', () => {
  it('places a different file under a taken name as a numbered variant, and a repeat as itself', async () => {
    const a = writeCanonical(source, 'a.csv', canonicalRows('NO-CLOBBER-A', 1));
    const b = writeCanonical(source, 'b.csv', canonicalRows('NO-CLOBBER-B', 1));
    const name = newLandingName('no-clobber.csv');
    const first = await store.place(a, name, 'copy');
    const second = await store.place(b, name, 'copy');
    const repeat = await store.place(a, name, 'copy');
    expect(first.landingName).toBe(name);
    expect(second.landingName).toBe(name.replace(/\.csv$/, ' (2).csv'));
    expect(repeat.path).toBe(first.path);
    expect((await s3.get(`processing/${name}`))?.toString()).toBe(fs.readFileSync(a, 'utf8'));
    expect((await s3.get(`processing/${second.landingName}`))?.toString()).toBe(fs.readFileSync(b, 'utf8'));
    // Out of processing/, so the workers' recovery does not queue them.
    for (const placed of [first, second]) {
      await store.move(await locate(placed.landingName), 'error', placed.landingName, placed.sha256);
    }
  });

  it('moves onto an occupied destination as a numbered variant, leaving the other file as it was', async () => {
    const local = writeCanonical(source, 'c.csv', canonicalRows('NO-CLOBBER-C', 1));
    const name = newLandingName('occupied.csv');
    const placed = await store.place(local, name, 'copy');
    const target = store.destination('quarantine', name).slice(`s3://${s3.bucket}/${s3.prefix}/`.length);
    await s3.put(target, 'someone else’s file');
    const located = await locate(name);
    expect(located.place).toBe('processing');
    const moved = await store.move(located, 'quarantine', name, placed.sha256);
    expect(moved).toBe(store.destination('quarantine', name).replace(/\.csv$/, ' (2).csv'));
    expect((await s3.get(target))?.toString()).toBe('someone else’s file');
    expect(await s3.get(`processing/${name}`)).toBeUndefined();
  });
});

describe('one object, two watchers', () => {
  it('lands once, under one name (so one job), when two processes take it at the same moment', async () => {
    // Queued by nobody: the in-process watcher is not given the chance (a name it skips).
    await s3.put('inbox/race.csv.part', csv('RACE-1', 1));
    const entry = (await store.listInbox()).find((e) => e.name === 'race.csv.part');
    if (entry === undefined) throw new Error('race.csv.part is not listed');
    expect(entry.complete).toBe(true);
    const other = openLandingStore(app.config.pipeline.landing);
    // Each under its claim, as the watchers take objects (without one, s3rver's overwrite can
    // fail half-way with a 500 and lose the key: see "two processes sharing one bucket").
    const taken = await Promise.all([
      store.takeFromInbox(entry, landingClaims(app, 'test:one')),
      other.takeFromInbox(entry, landingClaims(app, 'test:two')),
    ]);
    const names = new Set(taken.flatMap((placed) => (placed === undefined ? [] : [placed.landingName])));
    expect(names.size).toBe(1);
    const [name = ''] = names;
    expect(await keysEndingWith('race.csv.part')).toEqual([`processing/${name}`]);
    await store.move(await locate(name), 'error', name, undefined);
  });
});

describe('claims on inbox objects', () => {
  it('takes an object only under its claim: while another process holds it, nothing is written', async () => {
    await s3.put('inbox/claimed.csv.part', csv('CLAIM-1', 1));
    const entry = (await store.listInbox()).find((e) => e.name === 'claimed.csv.part');
    if (entry === undefined) throw new Error('claimed.csv.part is not listed');
    const mine = landingClaims(app, 'test:mine');
    const theirs = landingClaims(app, 'test:theirs');
    // The landing name the object lands under, as every process computes it.
    let landingName = '';
    const asked = await store.takeFromInbox(entry, {
      claim: async (name) => {
        landingName = name;
        return false;
      },
      release: async () => {},
    });
    expect(asked).toBeUndefined();
    expect(landingName).toMatch(/--claimed\.csv\.part$/);

    expect(await theirs.claim(landingName)).toBe(true);
    expect(await store.takeFromInbox(entry, mine)).toBeUndefined();
    expect(await keysEndingWith('claimed.csv.part')).toEqual(['inbox/claimed.csv.part']);

    await theirs.release(landingName);
    const taken = await store.takeFromInbox(entry, mine);
    expect(taken?.landingName).toBe(landingName);
    expect(await keysEndingWith('claimed.csv.part')).toEqual([`processing/${landingName}`]);
    // Released once the object is moved.
    const { rows } = await sql<{ n: string }>`
      SELECT count(*)::text AS n FROM landing_claims WHERE landing_name = ${landingName}`.execute(db());
    expect(rows[0]?.n).toBe('0');
    await store.move(await locate(landingName), 'error', landingName, undefined);
  });

  it('takes over a claim left by a process that died mid-move, once it is old', async () => {
    expect(await claimLanding(db(), 'stale.csv', 'test:died', 900)).toBe(true);
    expect(await claimLanding(db(), 'stale.csv', 'test:alive', 900)).toBe(false);
    expect(await claimLanding(db(), 'stale.csv', 'test:alive', 0)).toBe(true);
    await releaseLanding(db(), 'stale.csv', 'test:died'); // not its claim any more: stays
    expect(await claimLanding(db(), 'stale.csv', 'test:other', 900)).toBe(false);
    await releaseLanding(db(), 'stale.csv', 'test:alive');
    expect(await claimLanding(db(), 'stale.csv', 'test:other', 900)).toBe(true);
    await releaseLanding(db(), 'stale.csv', 'test:other');
  });
});

describe('SHA-256 checked on every move', () => {
  it('refuses to move an object whose bytes are not the expected ones, and keeps it where it was', async () => {
    const local = writeCanonical(source, 'd.csv', canonicalRows('CHECKED-D', 1));
    const name = newLandingName('checked.csv');
    const placed = await store.place(local, name, 'copy');
    await s3.put(`processing/${name}`, 'tampered');
    const located = await locate(name);
    await expect(store.move(located, 'archive', name, placed.sha256)).rejects.toBeInstanceOf(
      LandingIntegrityError,
    );
    expect((await s3.get(`processing/${name}`))?.toString()).toBe('tampered');
    expect(await keysEndingWith(name)).toEqual([`processing/${name}`]);
    // Without an expected hash a move keeps whatever the source holds, checked against itself.
    await store.move(located, 'error', name, undefined);
    expect((await s3.get(`error/${name}`))?.toString()).toBe('tampered');
  });

  it('refuses a job whose object was tampered with after intake: dead-lettered, bytes kept in error/', async () => {
    const local = writeCanonical(source, 'canonical-tampered.csv', canonicalRows('TAMPERED-1', 2));
    const name = newLandingName('canonical-tampered.csv');
    // Placed, then changed before its job runs (queued by hand here, as intake would).
    const placed = await store.place(local, name, 'copy');
    await s3.put(`processing/${name}`, csv('TAMPERED-2', 2));
    await enqueueLandedFile({ landing: store, boss: boss(), logger: app.logger }, placed, {
      originalName: 'canonical-tampered.csv',
      source: 'cli',
    });
    const failed = await settled('canonical-tampered.csv', 'FAILED');
    expect(failed.error).toMatch(/SHA-256 [0-9a-f]{64}, not [0-9a-f]{64}/);
    expect(await periodsOf(app, 'TAMPERED-1')).toBe(0);
    expect(await periodsOf(app, 'TAMPERED-2')).toBe(0);
    await waitUntil(async () => (await s3.get(`error/${name}`)) !== undefined, 'the object in error/');
    expect((await s3.get(`error/${name}`))?.toString()).toBe(csv('TAMPERED-2', 2));
    expect(await s3.get(`processing/${name}`)).toBeUndefined();
  });
});

describe('dead letters on S3', () => {
  it('keeps the object in error/; a replay finds it there and archives it once', async () => {
    await sql`INSERT INTO test_fault_accounts VALUES ('S3-FAULT')`.execute(db());
    await s3.put('inbox/canonical-s3-fault.csv', csv('S3-FAULT', 2));
    const failed = await settled('canonical-s3-fault.csv', 'FAILED');
    const letter = await db()
      .selectFrom('dead_letters')
      .selectAll()
      .where('file_id', '=', failed.id)
      .executeTakeFirstOrThrow();
    await waitUntil(
      async () =>
        (
          await db()
            .selectFrom('dead_letters')
            .select('stored_path')
            .where('id', '=', letter.id)
            .executeTakeFirst()
        )?.stored_path === store.destination('error', letter.landing_name),
      'the dead letter to record error/',
    );
    expect((await s3.get(`error/${letter.landing_name}`))?.toString()).toBe(csv('S3-FAULT', 2));

    await sql`DELETE FROM test_fault_accounts`.execute(db());
    const context = {
      database: app.database,
      cache: app.cache,
      jobs: ingestJobSender(boss()),
      actor: 'test:operator',
    };
    expect((await replayDeadLetter(context, letter.id)).status).toBe('replayed');
    const stored = await settled('canonical-s3-fault.csv', 'SUCCEEDED');
    expect(stored.stored_path).toBe(store.destination('archive', letter.landing_name));
    expect(await periodsOf(app, 'S3-FAULT')).toBe(2);
    expect(await s3.get(`error/${letter.landing_name}`)).toBeUndefined();
  });
});

describe('two processes sharing one bucket', () => {
  // Both watchers list every object; one of twelve files used to be lost in about one run in
  // four: both took it under the same landing name, and s3rver (which ignores If-None-Match)
  // let the slower one's copy delete the key the faster one had written and queued, once the
  // source was gone. Objects are now taken under a claim in the shared database.
  it('take and process every object once, though both watch inbox/ and both work', async () => {
    await pipeline?.stop();
    pipeline = undefined;
    const processes = [1, 2].map(() =>
      startCli(['serve', '--no-api', '--concurrency', '2'], {
        ...settings(),
        PERFRECON_WATCH_INTERVAL_MS: '100',
      }),
    );
    await Promise.all(processes.map((child) => child.waitFor(/pipeline ready/, 120_000)));
    const names = Array.from(
      { length: 12 },
      (_, i) => `canonical-shared-${String(i + 1).padStart(2, '0')}.csv`,
    );
    for (const [i, name] of names.entries()) await s3.put(`inbox/${name}`, csv(`SHARED-${i + 1}`, 3));
    for (const name of names) await settled(name, 'SUCCEEDED', 180_000);

    const files = await db().selectFrom('files').select(['id', 'name']).where('name', 'in', names).execute();
    expect(files).toHaveLength(names.length);
    for (const [i] of names.entries()) expect(await periodsOf(app, `SHARED-${i + 1}`)).toBe(3);
    const duplicates = await db()
      .selectFrom('etl_processing_log')
      .select('file_id')
      .where(
        'file_id',
        'in',
        files.map((f) => f.id),
      )
      .where('status', '=', 'DUPLICATE')
      .execute();
    expect(duplicates).toEqual([]);
    const keys = await s3.keys();
    for (const name of names) expect(keys.filter((key) => key.endsWith(`--${name}`))).toHaveLength(1);
    expect(keys.filter((key) => key.startsWith('inbox/') || key.startsWith('processing/'))).toEqual([]);
  }, 300_000);
});
