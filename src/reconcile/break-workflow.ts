// The life of a break (a FAILED result followed over runs): open → acknowledged → resolved
// with a comment, optionally approved by a second person (four-eyes), reopened with a comment
// when the resolution proves wrong; a run that finds the check passing clears it. Pure rules; the store applies them and the audit log records them.
import { ConflictError, InvalidInputError } from '../domain/errors.ts';
import {
  ACTIVE_STATUSES,
  type BreakStatus,
  type BreakSyncPlan,
  breakFingerprint,
  type CheckResult,
  checkKey,
  type KnownBreak,
} from '../domain/reconciliation.ts';

export type BreakAction = 'acknowledge' | 'resolve' | 'approve' | 'reopen';

export interface BreakActionRequest {
  action: BreakAction;
  actor: string;
  comment?: string | undefined;
}

export interface BreakState {
  id: number;
  status: BreakStatus;
  resolvedBy: string | null;
}

export interface BreakChange {
  status: BreakStatus;
  /** Which of the actor/time/comment columns the action fills. */
  stamp: 'acknowledged' | 'resolved' | 'approved' | 'reopened';
}

/** What an action does to a break, or the error a person sees when it is not allowed. */
export function applyBreakAction(
  state: BreakState,
  request: BreakActionRequest,
  fourEyes: boolean,
): BreakChange {
  const comment = request.comment?.trim() ?? '';
  const here = `break ${state.id} is ${state.status}`;
  switch (request.action) {
    case 'acknowledge':
      if (state.status !== 'OPEN') {
        throw new ConflictError(
          `${here}; only an OPEN break can be acknowledged`,
          `See it with: perfrecon breaks show ${state.id}`,
        );
      }
      return { status: 'ACKNOWLEDGED', stamp: 'acknowledged' };
    case 'resolve':
      if (comment === '') {
        throw new InvalidInputError(
          'resolving a break needs a comment saying why',
          'Add --comment "..." (e.g. the vendor confirmed a restatement).',
        );
      }
      if (state.status !== 'OPEN' && state.status !== 'ACKNOWLEDGED') {
        throw new ConflictError(`${here}; only an OPEN or ACKNOWLEDGED break can be resolved`);
      }
      return { status: fourEyes ? 'PENDING_APPROVAL' : 'RESOLVED', stamp: 'resolved' };
    case 'approve':
      if (!fourEyes) {
        throw new ConflictError(
          'four-eyes approval is not enabled: a resolved break needs no approval',
          'Enable it with PERFRECON_BREAKS_FOUR_EYES=true.',
        );
      }
      if (state.status !== 'PENDING_APPROVAL') {
        throw new ConflictError(`${here}; only a break PENDING_APPROVAL can be approved`);
      }
      if (state.resolvedBy === request.actor) {
        throw new ConflictError(
          `${request.actor} resolved break ${state.id} and cannot also approve it (four-eyes)`,
          'Ask another operator to approve it.',
        );
      }
      return { status: 'RESOLVED', stamp: 'approved' };
    case 'reopen':
      // A resolution that proved wrong; a cleared break is the data's own verdict, and a new
      // failure of the check opens a new break anyway.
      if (comment === '') {
        throw new InvalidInputError(
          'reopening a break needs a comment saying why',
          'Add --comment "..." (e.g. the restatement never came).',
        );
      }
      if (state.status !== 'RESOLVED' && state.status !== 'PENDING_APPROVAL') {
        throw new ConflictError(`${here}; only a RESOLVED or PENDING_APPROVAL break can be reopened`);
      }
      return { status: 'OPEN', stamp: 'reopened' };
  }
}

/** Whole days a break has been open: to its resolution or clearing, or to `now`. */
export function ageInDays(openedAt: Date, closedAt: Date | null, now: Date): number {
  const end = closedAt ?? now;
  return Math.max(0, Math.floor((end.getTime() - openedAt.getTime()) / 86_400_000));
}

export const AGE_BUCKETS = ['0-1 days', '2-7 days', '8-30 days', 'over 30 days'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export function ageBucket(days: number): AgeBucket {
  if (days <= 1) return '0-1 days';
  if (days <= 7) return '2-7 days';
  if (days <= 30) return '8-30 days';
  return 'over 30 days';
}

/**
 * Match one batch's results with the breaks already known for its accounts. A failure matches
 * an active break with the same key, or a resolved one raised on the same figures (a resolved
 * break does not reopen while the data stays as it was); otherwise it opens a new break. An
 * active or resolved break is cleared when this run covered it and did not find it failing.
 */
export function planBreakSync(
  known: readonly KnownBreak[],
  results: readonly CheckResult[],
  covered: (known: KnownBreak) => boolean,
): BreakSyncPlan {
  const active = new Map<string, KnownBreak>();
  const resolved = new Map<string, KnownBreak[]>();
  for (const item of known) {
    const key = `${item.accountId}|${item.key}`;
    if (ACTIVE_STATUSES.includes(item.status)) active.set(key, item);
    else if (item.status === 'RESOLVED') resolved.set(key, [...(resolved.get(key) ?? []), item]);
  }
  const plan: BreakSyncPlan = { open: [], seen: [], clear: [] };
  const failing = new Set<string>();
  const passing = new Set<string>();
  for (const result of results) {
    const key = `${result.accountId}|${checkKey(result)}`;
    if (result.status === 'PASSED') {
      passing.add(key);
      continue;
    }
    failing.add(key);
    const match =
      active.get(key) ?? resolved.get(key)?.find((item) => item.fingerprint === breakFingerprint(result));
    if (match !== undefined) plan.seen.push({ id: match.id, accountId: result.accountId, result });
    else plan.open.push(result);
  }
  for (const item of known) {
    const key = `${item.accountId}|${item.key}`;
    if (item.status === 'CLEARED' || failing.has(key)) continue;
    if (passing.has(key) || covered(item)) plan.clear.push(item);
  }
  return plan;
}
