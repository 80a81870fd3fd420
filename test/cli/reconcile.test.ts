// `perfrecon reconcile`, `breaks` and `tolerances` end to end: the CLI in a child process (which
// attaches to this process's embedded database, or uses the server).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { actOnBreak } from '../../src/services/reconciliation/index.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/perfrecon.js');
const HEADER = CANONICAL_HEADER;
/** The CLI's identity is the operating-system account; $USER (set to someone else below) is ignored. */
const ME = `cli:${os.userInfo().username}`;

let env: TestEnv;
let app: App;

async function perfrecon(args: string[], user = 'mallory', extra: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], {
      env: { ...env.env, USER: user, ...extra },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function json(args: string[], user = 'mallory', extra: NodeJS.ProcessEnv = {}) {
  const result = await perfrecon([...args, '--json'], user, extra);
  if (result.stdout === '')
    throw new Error(`${args.join(' ')} printed nothing (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  env = await createTestEnv();
  app = await openTestApp(env);
  // January: +50,000 on Jan 10; the vendor counts it at the start of the day:
  // (160,000 - 100,000 - 50,000) / (100,000 + 50,000 × 22/31) = 0.0738095… (printed to 6 places).
  const rows = [
    'CLI-1,2023-12-31,2024-01-31,EUR,100000,160000,2024-01-10,50000,end_of_day,,,0.073810,net',
    'CLI-1,2024-01-31,2024-02-29,EUR,160000,161600,,,,,,0.01,net',
  ];
  const file = path.join(env.home, 'canonical-cli.csv');
  fs.writeFileSync(file, `${[HEADER, ...rows].join('\n')}\n`);
  const summary = await ingestFile(ingestContext(app), { filePath: file });
  expect(summary.outcome).toBe('SUCCEEDED');
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

describe('perfrecon reconcile', () => {
  it('runs, prints the summary as JSON, and exits 3 with --fail-on-break when something failed', async () => {
    const result = await perfrecon([
      'reconcile',
      '--from',
      '2024-01-01',
      '--to',
      '2024-02-29',
      '--fail-on-break',
      '--json',
    ]);
    expect(result.code).toBe(3);
    const outcome = JSON.parse(result.stdout);
    expect(outcome.summary).toMatchObject({ checked: 3, passed: 2, failed: 1, breaksOpened: 1 });
    expect(outcome.summary.worstBreaks[0]).toMatchObject({
      kind: 'RETURN',
      cause: 'FLOW_TIMING_START_OF_DAY',
    });
  });

  it('prints a table a person reads', async () => {
    const result = await perfrecon(['reconcile', '--date', '2024-02-29']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Run \d+: 2 checks over 1 accounts, 2 passed, 0 failed \(100\.00% passed\)/,
    );
  });

  it('rejects a bad date with what to do', async () => {
    const result = await perfrecon(['reconcile', '--date', '31.01.2024']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: --date "31.01.2024" is not a date\nwhat to do: Write it as YYYY-MM-DD, e.g. 2024-01-31.\n',
    );
  });
});

describe('perfrecon breaks', () => {
  it('lists, shows, acknowledges, resolves and approves with four-eyes, by two people', async () => {
    const [open] = await json(['breaks', 'list']);
    expect(open).toMatchObject({ accountId: 'CLI-1', check: 'RETURN', status: 'OPEN', ageDays: 0 });
    const shown = await perfrecon(['breaks', 'show', String(open.id)]);
    expect(shown.stdout).toMatch(
      /Cause: {4}FLOW_TIMING_START_OF_DAY — the vendor counts flows at the start of the day/,
    );

    const fourEyes = { PERFRECON_BREAKS_FOUR_EYES: 'true' };
    expect((await json(['breaks', 'ack', String(open.id)], 'mallory', fourEyes)).status).toBe('ACKNOWLEDGED');
    const missingComment = await perfrecon(['breaks', 'resolve', String(open.id)], 'mallory', fourEyes);
    expect(missingComment.code).toBe(1);
    expect(missingComment.stderr).toMatch(/required option '--comment <text>' not specified/);
    expect(
      (
        await json(
          ['breaks', 'resolve', String(open.id), '--comment', 'start-of-day vendor'],
          'mallory',
          fourEyes,
        )
      ).status,
    ).toBe('PENDING_APPROVAL');
    // Setting $USER to someone else does not make the same account a second person.
    const selfApproval = await perfrecon(['breaks', 'approve', String(open.id)], 'bob', fourEyes);
    expect(selfApproval.code).toBe(2);
    expect(selfApproval.stderr).toContain(`${ME} resolved break ${open.id} and cannot also approve it`);
    // A second person (here through the service, as the API will call it with a token's identity).
    const approved = await actOnBreak({ database: app.database, cache: app.cache, fourEyes: true }, open.id, {
      action: 'approve',
      actor: 'api:bob',
    });
    expect(approved.status).toBe('RESOLVED');

    const detail = await json(['breaks', 'show', String(open.id)]);
    expect(detail.history.map((h: { actor: string; status: string }) => [h.actor, h.status])).toEqual([
      [ME, 'OPEN'],
      [ME, 'ACKNOWLEDGED'],
      [ME, 'PENDING_APPROVAL'],
      ['api:bob', 'RESOLVED'],
    ]);
    expect(await json(['breaks', 'list'])).toEqual([]);
    expect(await json(['breaks', 'list', '--status', 'resolved'])).toHaveLength(1);
  }, 240_000); // eight CLI processes, each starting Node and attaching to the database

  it('says what is wrong with a break id or a status', async () => {
    const missing = await perfrecon(['breaks', 'ack', '4242']);
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: there is no break 4242\n/),
    });
    const status = await perfrecon(['breaks', 'list', '--status', 'closed']);
    expect(status.stderr).toMatch(/unknown break status CLOSED/);
  });
});

describe('perfrecon tolerances', () => {
  it('sets, lists, explains and removes a rule', async () => {
    const stored = await json([
      'tolerances',
      'set',
      '--account',
      'CLI-1',
      '--from',
      '2024-01-01',
      '--return-bps',
      '40',
      '--comment',
      'timing',
    ]);
    expect(stored).toMatchObject({
      accountId: 'CLI-1',
      vendorCode: '*',
      returnBps: 40,
      updatedBy: ME,
    });
    expect(await json(['tolerances', 'list'])).toHaveLength(1);
    expect(
      await json([
        'tolerances',
        'show',
        '--account',
        'CLI-1',
        '--vendor',
        'canonical',
        '--date',
        '2024-01-31',
      ]),
    ).toMatchObject({
      returnBps: 40,
      returnSource: 'account',
    });
    const bad = await perfrecon(['tolerances', 'set', '--return-bps', '-1']);
    expect(bad.stderr).toMatch(/--return-bps "-1" is not a number of zero or more/);
    expect(
      (await perfrecon(['tolerances', 'remove', '--account', 'CLI-1', '--from', '2024-01-01'])).code,
    ).toBe(0);
    expect(await json(['tolerances', 'list'])).toEqual([]);
  });
});
