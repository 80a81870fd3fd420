// Reconciliation runs that overlap, on a real database (embedded or server, as the suite runs).
// A Kysely plugin holds a run right after it has read its periods, the moment where another
// run (after another file, or on demand) used to slip in between its read and its break update.
import fs from 'node:fs';
import path from 'node:path';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { type Cache, memoryCache } from '../../src/cache/index.ts';
import type { Notifier } from '../../src/domain/alert.ts';
import { planBreakSync, reconcileAccount, ToleranceBook } from '../../src/reconcile/index.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import {
  type ReconcileDeps,
  reconcile,
  reconcileAfterIngest,
  resolveScope,
} from '../../src/services/reconciliation/index.ts';
import { vendorSettingsLookup } from '../../src/services/reconciliation/vendor-settings.ts';
import { applyBreakSync } from '../../src/store/break-repository.ts';
import { loadPeriods } from '../../src/store/reconciliation-repository.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

let env: TestEnv;
let app: App;
const cache: Cache = memoryCache();
const notifier: Notifier = { async notify() {} };

beforeAll(async () => {
  env = await createTestEnv();
  app = await openTestApp(env);
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

type Node = {
  kind: string;
  sqlFragments?: readonly string[];
  from?: { froms: { table?: { identifier?: { name?: string } } }[] };
};

/** The query of a run that reads its periods. */
const periodsRead = (node: Node) =>
  node.kind === 'RawNode' && node.sqlFragments?.join('').includes('WITH lower_bound') === true;
/** The query of a run that reads the breaks it knows (inside its break update). */
const breaksRead = (node: Node) =>
  node.kind === 'SelectQueryNode' && node.from?.froms[0]?.table?.identifier?.name === 'reconciliation_breaks';

/** Holds every query matching `matches` after it has run, until released. */
class HoldAfter implements KyselyPlugin {
  readonly #matches: (node: Node) => boolean;
  readonly #held = new WeakSet<object>();
  #release: () => void = () => {};
  readonly #released = new Promise<void>((resolve) => {
    this.#release = resolve;
  });

  constructor(matches: (node: Node) => boolean) {
    this.#matches = matches;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.#matches(args.node as Node)) this.#held.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#held.has(args.queryId)) await this.#released;
    return args.result;
  }

  release(): void {
    this.#release();
  }
}

function deps(hold?: HoldAfter): ReconcileDeps {
  const db = hold === undefined ? app.database.db : app.database.db.withPlugin(hold);
  return { database: { db, bulk: app.database.bulk }, vendors: app.vendors, notifier, cache };
}

let files = 0;
async function ingest(rows: string[]): Promise<number> {
  const file = path.join(env.home, `canonical-${++files}.csv`);
  fs.writeFileSync(file, `${CANONICAL_HEADER}\n${rows.join('\n')}\n`);
  const summary = await ingestFile(ingestContext(app, { notifier }), { filePath: file });
  expect(summary.outcome).toBe('SUCCEEDED');
  return summary.fileId as number;
}

/** Until `done` settles or `ms` pass, whichever is first. */
const settledOrAfter = (done: Promise<unknown>, ms: number) =>
  Promise.race([done.catch(() => {}), new Promise((resolve) => setTimeout(resolve, ms))]);

const breaksOf = (account: string) =>
  app.database.db
    .selectFrom('reconciliation_breaks')
    .select(['id', 'status', 'check_kind', 'period_end', 'occurrences'])
    .where('account_id', '=', account)
    .orderBy('id')
    .execute();

// 100,000 → 101,000 is +1 %; a vendor return of 2 % is a break of 100 bp.
const period = (account: string, vendorReturn: string) =>
  `${account},2023-12-31,2024-01-31,EUR,100000,101000,,,,,,${vendorReturn},net`;

beforeEach(() => cache.invalidate(['recon:breaks']));

describe('two runs over the same accounts at once', () => {
  it('open a break once: the second sees it, neither fails on the open-break key', async () => {
    await ingest([period('TWIN-1', '0.02')]);
    const hold = new HoldAfter(breaksRead);
    const first = reconcile(deps(hold), { accountId: 'TWIN-1', actor: 'test:first' });
    const second = reconcile(deps(hold), { accountId: 'TWIN-1', actor: 'test:second' });
    // Both read the breaks before either opens one (on a server; the embedded database runs one
    // transaction at a time).
    await settledOrAfter(Promise.all([first, second]), 1500);
    hold.release();
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map((o) => o.summary.breaksOpened).sort()).toEqual([0, 1]);
    expect(outcomes.map((o) => o.summary.breaksSeenAgain).sort()).toEqual([0, 1]);
    expect(await breaksOf('TWIN-1')).toMatchObject([{ status: 'OPEN', check_kind: 'RETURN' }]);
  });
});

describe('a break opened again', () => {
  it('is the open one seen again, not a second one: opening is an upsert on the open-break key', async () => {
    await ingest([period('AGAIN-1', '0.02')]);
    const { scope } = resolveScope({ actor: 'test' });
    const settings = vendorSettingsLookup(app.vendors);
    const periods = await loadPeriods(app.database.db, ['AGAIN-1'], scope.from, scope.to);
    const results = reconcileAccount('AGAIN-1', periods.get('AGAIN-1') ?? [], scope, {
      tolerances: new ToleranceBook([], (code) => settings(code).tolerances),
      settings,
    });
    // Two runs that both found no open break plan to open the same one.
    const plan = planBreakSync([], results, () => false);
    expect(plan.open).toHaveLength(1);
    const { runId } = await reconcile(deps(), { accountId: 'AGAIN-1', actor: 'test:first' });
    const opened = await app.database.db.transaction().execute((trx) => applyBreakSync(trx, runId, plan));
    expect(opened).toEqual([]);
    expect(await breaksOf('AGAIN-1')).toMatchObject([{ status: 'OPEN', occurrences: 2 }]);
  });
});

describe('a run overlapping the run after a newer file', () => {
  it('does not clear the break the newer run opened from data it never read', async () => {
    const firstFile = await ingest([period('RACE-1', '0.01')]);
    expect((await reconcileAfterIngest(deps(), firstFile))?.summary.failed).toBe(0);
    // A manual run reads RACE-1 (all good) and is held there…
    const hold = new HoldAfter(periodsRead);
    const manual = reconcile(deps(hold), { accountId: 'RACE-1', actor: 'test:manual' });
    await settledOrAfter(manual, 500);
    // …while a restatement arrives and its own run finds the break.
    const restated = (async () => reconcileAfterIngest(deps(), await ingest([period('RACE-1', '0.02')])))();
    await settledOrAfter(restated, 2000);
    hold.release();
    const [manualOutcome, restatedOutcome] = await Promise.all([manual, restated]);
    expect(manualOutcome.summary.breaksCleared + (restatedOutcome?.summary.breaksCleared ?? 0)).toBe(0);
    const breaks = await breaksOf('RACE-1');
    expect(breaks).toMatchObject([{ status: 'OPEN', check_kind: 'RETURN', period_end: '2024-01-31' }]);
  });
});
