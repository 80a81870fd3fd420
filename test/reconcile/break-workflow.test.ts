import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../../src/domain/errors.ts';
import {
  ageBucket,
  ageInDays,
  applyBreakAction,
  breakFingerprint,
  type CheckResult,
  checkKey,
  type KnownBreak,
  planBreakSync,
} from '../../src/reconcile/index.ts';

const state = (status: KnownBreak['status'], resolvedBy: string | null = null) => ({
  id: 7,
  status,
  resolvedBy,
});

describe('break actions', () => {
  it('reopens a resolved (or pending) break with a comment, nothing else', () => {
    const reopen = (status: Parameters<typeof state>[0], comment = 'the restatement never came') =>
      applyBreakAction(state(status), { action: 'reopen', actor: 'bob', comment }, true);
    expect(reopen('RESOLVED')).toEqual({ status: 'OPEN', stamp: 'reopened' });
    expect(reopen('PENDING_APPROVAL')).toEqual({ status: 'OPEN', stamp: 'reopened' });
    expect(() => reopen('RESOLVED', ' ')).toThrow(InvalidInputError);
    for (const status of ['OPEN', 'ACKNOWLEDGED', 'CLEARED'] as const)
      expect(() => reopen(status)).toThrow(ConflictError);
  });

  it('acknowledges an open break only', () => {
    expect(applyBreakAction(state('OPEN'), { action: 'acknowledge', actor: 'ann' }, false)).toEqual({
      status: 'ACKNOWLEDGED',
      stamp: 'acknowledged',
    });
    expect(() => applyBreakAction(state('RESOLVED'), { action: 'acknowledge', actor: 'ann' }, false)).toThrow(
      ConflictError,
    );
  });

  it('resolves with a comment, straight to RESOLVED without four-eyes', () => {
    expect(() =>
      applyBreakAction(state('OPEN'), { action: 'resolve', actor: 'ann', comment: '  ' }, false),
    ).toThrow(InvalidInputError);
    expect(
      applyBreakAction(
        state('ACKNOWLEDGED'),
        { action: 'resolve', actor: 'ann', comment: 'vendor restated' },
        false,
      ).status,
    ).toBe('RESOLVED');
    expect(() =>
      applyBreakAction(state('PENDING_APPROVAL', 'ann'), { action: 'approve', actor: 'bob' }, false),
    ).toThrow(/four-eyes approval is not enabled/);
  });

  it('needs a second person to approve under four-eyes', () => {
    expect(
      applyBreakAction(state('OPEN'), { action: 'resolve', actor: 'ann', comment: 'ok' }, true).status,
    ).toBe('PENDING_APPROVAL');
    expect(() =>
      applyBreakAction(state('PENDING_APPROVAL', 'ann'), { action: 'approve', actor: 'ann' }, true),
    ).toThrow(/ann resolved break 7 and cannot also approve it/);
    expect(
      applyBreakAction(state('PENDING_APPROVAL', 'ann'), { action: 'approve', actor: 'bob' }, true),
    ).toEqual({
      status: 'RESOLVED',
      stamp: 'approved',
    });
    expect(() => applyBreakAction(state('OPEN'), { action: 'approve', actor: 'bob' }, true)).toThrow(
      ConflictError,
    );
  });

  it('ages a break in whole days to its closing, and buckets the age', () => {
    const opened = new Date('2024-03-01T10:00:00Z');
    expect(ageInDays(opened, null, new Date('2024-03-09T09:59:59Z'))).toBe(7);
    expect(ageInDays(opened, new Date('2024-03-02T10:00:00Z'), new Date('2024-06-01T00:00:00Z'))).toBe(1);
    expect([0, 1, 2, 7, 8, 30, 31].map(ageBucket)).toEqual([
      '0-1 days',
      '0-1 days',
      '2-7 days',
      '2-7 days',
      '8-30 days',
      '8-30 days',
      'over 30 days',
    ]);
  });
});

describe('matching a run with the breaks already known', () => {
  const result = (periodEnd: string, status: CheckResult['status'], observed = '0.02'): CheckResult => ({
    kind: 'RETURN',
    status,
    accountId: 'A',
    vendorCode: 'v',
    counterparty: '',
    periodStart: '2024-01-31',
    periodEnd,
    expected: '0.01',
    observed,
    varianceBps: 100,
    varianceAmount: null,
    tolerance: {
      returnBps: 1,
      returnSource: 'default',
      marketValueAbs: '0.01',
      marketValueRel: null,
      marketValueSource: 'default',
    },
    message: '',
    fileId: 1,
    inputs: {},
    explanation: null,
  });
  const known = (id: number, r: CheckResult, status: KnownBreak['status']): KnownBreak => ({
    id,
    accountId: r.accountId,
    key: checkKey(r),
    status,
    fingerprint: breakFingerprint(r),
    kind: r.kind,
    vendorCode: r.vendorCode,
    counterparty: r.counterparty,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
  });

  it('opens new breaks, re-sees active ones, clears the ones now passing or covered', () => {
    const feb = result('2024-02-29', 'FAILED');
    const mar = result('2024-03-31', 'FAILED');
    const apr = result('2024-04-30', 'PASSED');
    const existing = [
      known(1, feb, 'ACKNOWLEDGED'),
      known(2, apr, 'OPEN'),
      known(3, result('2024-05-31', 'FAILED'), 'OPEN'),
    ];
    const plan = planBreakSync(existing, [feb, mar, apr], (item) => item.periodEnd <= '2024-05-31');
    expect(plan.open).toEqual([mar]);
    expect(plan.seen.map((s) => s.id)).toEqual([1]);
    expect(plan.clear.map((c) => c.id)).toEqual([2, 3]);
  });

  it('keeps a resolved break resolved while the figures stay the same, and opens a new one when they change', () => {
    const feb = result('2024-02-29', 'FAILED');
    const resolved = [known(4, feb, 'RESOLVED')];
    expect(planBreakSync(resolved, [feb], () => true)).toMatchObject({
      open: [],
      seen: [{ id: 4 }],
      clear: [],
    });
    const restated = result('2024-02-29', 'FAILED', '0.03');
    expect(planBreakSync(resolved, [restated], () => true)).toMatchObject({ open: [restated], seen: [] });
  });

  it('does not touch breaks outside what the run covered', () => {
    const other = known(5, result('2024-07-31', 'FAILED'), 'OPEN');
    expect(planBreakSync([other], [], () => false).clear).toEqual([]);
  });
});
