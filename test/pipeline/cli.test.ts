// The pipeline's commands as an operator runs them: ingest through the landing folder, serve,
// files, dlq and lineage — real `perfrecon` processes on this file's database.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import { landingFolderPath } from '../../src/config/landing-config.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import {
  canonicalRows,
  filesBelow,
  installFaultInjector,
  killAll,
  pipelineEnv,
  runCli,
  startCli,
  writeCanonical,
} from './support.ts';

let env: TestEnv;
let app: App;
let source: string;
let cliEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = await createTestEnv();
  cliEnv = pipelineEnv(env, { PERFRECON_LOG_LEVEL: 'warn' });
  // This process holds the database; the commands attach to it (embedded) or share the server.
  app = await openApp({ env: { ...cliEnv, PERFRECON_LOG_LEVEL: 'silent' } });
  source = path.join(env.home, 'source');
  await installFaultInjector(app.database.db);
});

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await killAll();
  await app?.close();
  await env?.cleanup();
});

const landing = () => landingFolderPath(app.config.pipeline.landing, 'the CLI tests');
const perfrecon = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { ...cliEnv, ...extra });

function fileNamed(name: string) {
  return app.database.db.selectFrom('files').selectAll().where('name', '=', name).executeTakeFirst();
}

describe('perfrecon ingest', () => {
  it('goes through the landing folder and a job, leaves the original alone, and reports the outcome', async () => {
    const original = writeCanonical(source, 'canonical-cli-1.csv', canonicalRows('CLI-1', 3));
    const bytes = fs.readFileSync(original);
    const { code, stdout, stderr } = await perfrecon(['ingest', original]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(
      /canonical-cli-1\.csv \(canonical, sha256 [0-9a-f]{12}…\): SUCCEEDED as file #\d+/,
    );
    expect(stdout).toMatch(/rows read 3, stored 3 \(new 3, updated 0\)/);
    expect(fs.readFileSync(original)).toEqual(bytes);
    const file = await fileNamed('canonical-cli-1.csv');
    expect(file?.stored_path).toMatch(
      /archive\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z-[0-9a-f]{6}--canonical-cli-1\.csv$/,
    );
    expect(fs.readFileSync(file?.stored_path ?? '')).toEqual(bytes);
  });

  it('says so when the same bytes come again, and stores nothing twice', async () => {
    const original = path.join(source, 'canonical-cli-1.csv');
    const { code, stdout } = await perfrecon(['ingest', original]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/already ingested as file #\d+ \(SUCCEEDED\); nothing changed/);
  });

  it('previews a --dry-run directly, without a landing copy, a job or a record', async () => {
    const before = filesBelow(landing());
    const original = writeCanonical(source, 'canonical-cli-dry.csv', canonicalRows('CLI-DRY', 2));
    const { code, stdout } = await perfrecon(['ingest', '--dry-run', original]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/DRY_RUN/);
    expect(filesBelow(landing())).toEqual(before);
    expect(await fileNamed('canonical-cli-dry.csv')).toBeUndefined();
  });

  it('exits 2 for a rejected file, which is kept in error/ with the reason', async () => {
    const original = path.join(source, 'canonical-cli-bad.csv');
    fs.writeFileSync(original, 'account_id,period_start\nX,2024-01-01\n');
    const { code, stdout } = await perfrecon(['ingest', original]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/REJECTED/);
    expect(stdout).toMatch(/error: .*canonical-cli-bad\.csv/);
    expect(filesBelow(path.join(landing(), 'error')).some((f) => f.endsWith('--canonical-cli-bad.csv'))).toBe(
      true,
    );
  });

  it('with --no-wait only queues; perfrecon serve runs the job and stops cleanly on SIGTERM', async () => {
    const original = writeCanonical(source, 'canonical-cli-later.csv', canonicalRows('CLI-LATER', 2));
    const queued = await perfrecon(['ingest', '--no-wait', original]);
    expect(queued.code).toBe(0);
    expect(queued.stdout).toMatch(/--canonical-cli-later\.csv: queued as job [0-9a-f-]{36}/);
    expect(await fileNamed('canonical-cli-later.csv')).toBeUndefined();
    const serve = startCli(['serve'], cliEnv);
    await serve.waitFor(/perfrecon serve: worker \(1 at a time\), watching/);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(async () => {
        if ((await fileNamed('canonical-cli-later.csv'))?.status === 'SUCCEEDED') {
          clearInterval(timer);
          resolve();
        }
      }, 200);
      setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`not stored; serve said:\n${serve.output()}`));
      }, 60_000);
    });
    serve.kill('SIGTERM');
    const exit = await serve.exited;
    expect(exit.code).toBe(0);
    expect(serve.output()).toMatch(/SIGTERM, stopping[\s\S]*perfrecon serve: stopped/);
  });
});

describe('perfrecon files', () => {
  it('lists files, by status too, and refuses a status that does not exist', async () => {
    const all = await perfrecon(['files', 'list']);
    expect(all.stdout).toMatch(/canonical-cli-1\.csv/);
    expect(all.stdout).toMatch(/canonical-cli-bad\.csv/);
    const rejected = await perfrecon(['files', 'list', '--status', 'REJECTED']);
    expect(rejected.stdout).toMatch(/canonical-cli-bad\.csv/);
    expect(rejected.stdout).not.toMatch(/canonical-cli-1\.csv/);
    const bogus = await perfrecon(['files', 'list', '--status', 'DONE']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/--status DONE is not one of RECEIVED, PROCESSING, SUCCEEDED/);
  });

  it('shows a file with its timeline: every transition with time, attempt and worker', async () => {
    const file = await fileNamed('canonical-cli-1.csv');
    const { code, stdout } = await perfrecon(['files', 'show', String(file?.id)]);
    expect(code).toBe(0);
    expect(stdout).toContain(`sha256      ${file?.sha256}`);
    expect(stdout).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} +PROCESSING +validate +1 +\S+:\d+/);
    expect(stdout).toMatch(/SUCCEEDED +store +1/);
    expect(stdout).toMatch(/SUCCEEDED +archive +1 .*moved to archive\//);
    expect(stdout).toMatch(/DUPLICATE +intake .*not processed again/);
    const missing = await perfrecon(['files', 'show', '999999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/there is no file #999999/);
  });

  it("shows a file's first warnings and lists all of them with their rows", async () => {
    const rows = Array.from(
      { length: 25 },
      (_, i) => `CLI-W${i + 1},2024-01-01,2024-01-02,USD,1000,-${i + 1}.50,,,,,0,,gross`,
    );
    const original = writeCanonical(source, 'canonical-cli-warnings.csv', rows);
    const ingest = await perfrecon(['ingest', original]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const id = /file #(\d+)/.exec(ingest.stdout)?.[1];
    expect(ingest.stdout).toContain(
      'warning: canonical-cli-warnings.csv, row 2: end_market_value is negative (-1.50)',
    );
    expect(ingest.stdout).toContain(`… and 15 more warnings: perfrecon files warnings ${id}`);
    const show = await perfrecon(['files', 'show', String(id)]);
    expect(show.stdout).toContain('warnings (first 20 of 25):');
    expect(show.stdout).toContain('  row 21: end_market_value is negative (-20.50)');
    expect(show.stdout).toContain(`… all of them: perfrecon files warnings ${id}`);
    const page = await perfrecon(['files', 'warnings', String(id), '--after', '20', '--limit', '3']);
    expect(page.stdout.trimEnd().split('\n')).toEqual([
      '    21  row 22: end_market_value is negative (-21.50)',
      '    22  row 23: end_market_value is negative (-22.50)',
      '    23  row 24: end_market_value is negative (-23.50)',
      `… more: perfrecon files warnings ${id} --after 23`,
    ]);
    const all = JSON.parse((await perfrecon(['files', 'warnings', String(id), '--json'])).stdout);
    expect(all.items).toHaveLength(25);
    expect(all.items[24]).toEqual({
      seq: 25,
      location: { file: 'canonical-cli-warnings.csv', row: 26 },
      message: 'end_market_value is negative (-25.50)',
    });
    expect(all.nextCursor).toBeNull();
  });
});

describe('perfrecon dlq', () => {
  it('lists, shows and replays a dead letter; a second replay does nothing', async () => {
    expect((await perfrecon(['dlq', 'list'])).stdout).toMatch(/the dead-letter queue is empty/);
    await sql`INSERT INTO test_fault_accounts VALUES ('CLI-DLQ')`.execute(app.database.db);
    const original = writeCanonical(source, 'canonical-cli-dlq.csv', canonicalRows('CLI-DLQ', 2));
    const failed = await perfrecon(['ingest', original], { PERFRECON_RETRY_LIMIT: '1' });
    expect(failed.code, failed.stderr).toBe(1);
    const id = /perfrecon dlq replay (\d+)/.exec(failed.stdout)?.[1];
    expect(failed.stdout).toMatch(/FAILED after its retries\n {2}error: injected: lock timeout/);
    expect(id).toBeDefined();

    const list = await perfrecon(['dlq', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^ *${id} +canonical-cli-dlq\\.csv +\\d+ +FAILED +2 `, 'm'));
    const show = await perfrecon(['dlq', 'show', String(id)]);
    expect(show.stdout).toMatch(/dead-lettered \d{4}-.* after 2 attempts/);
    expect(show.stdout).toMatch(/error +injected: lock timeout/);
    expect(show.stdout).toMatch(/FAILED +dead-letter/);

    await sql`DELETE FROM test_fault_accounts`.execute(app.database.db);
    const replay = await perfrecon(['dlq', 'replay', String(id)]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(
      new RegExp(`dead letter #${id} \\(canonical-cli-dlq\\.csv\\): replayed as job [0-9a-f-]{36}`),
    );
    const again = await perfrecon(['dlq', 'replay', String(id)]);
    expect(again.stdout).toMatch(/nothing to do, replayed already at .* by cli:/);
    const usage = await perfrecon(['dlq', 'replay']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give either a dead letter id or --all/);

    const worker = startCli(['worker'], cliEnv);
    const deadline = Date.now() + 60_000;
    while ((await fileNamed('canonical-cli-dlq.csv'))?.status !== 'SUCCEEDED') {
      if (Date.now() > deadline) throw new Error(`replay not processed:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    worker.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect((await perfrecon(['dlq', 'list'])).stdout).toMatch(/the dead-letter queue is empty/);
    expect((await perfrecon(['dlq', 'list', '--state', 'replayed'])).stdout).toMatch(
      /canonical-cli-dlq\.csv/,
    );
  }, 120_000);
});

describe('perfrecon lineage', () => {
  it('prints the chain from a stored figure back to its file and cell', async () => {
    const file = await fileNamed('canonical-cli-1.csv');
    const { code, stdout } = await perfrecon(['lineage', 'CLI-1', '2024-01-03']);
    expect(code).toBe(0);
    expect(stdout).toContain('CLI-1 2024-01-02 → 2024-01-03, vendor canonical');
    expect(stdout).toContain(`sha256 ${file?.sha256}`);
    expect(stdout).toMatch(/source +row 3/);
    expect(stdout).toMatch(new RegExp(`configuration +canonical@${file?.config_version}`));
    expect(stdout).toMatch(/calculation +\S+ version \S+/);
    expect(stdout).toMatch(/end_market_value +\d+ +← end_market_value/);
    const json = JSON.parse((await perfrecon(['lineage', 'CLI-1', '2024-01-03', '--json'])).stdout);
    expect(json[0].file.id).toBe(file?.id);
    const none = await perfrecon(['lineage', 'CLI-1', '1999-01-01']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no stored period of account CLI-1 ends on 1999-01-01/);
  });
});
