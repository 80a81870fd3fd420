// The break workflow for operators: list with ageing, show with history, acknowledge, resolve
// with a comment, approve (four-eyes). Every action runs in one transaction with the actor set,
// so the audit trigger records who did what; the cache entries of the account are retired.
import { type Cache, cached, TTL, tags } from '../../cache/index.ts';
import type { BreakDetail, BreakView } from '../../contracts/breaks.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import { ageBucket, ageInDays, applyBreakAction, type BreakAction } from '../../reconcile/index.ts';
import {
  type BreakFilter,
  type BreakRow,
  breakHistory,
  findBreak,
  listBreaks,
  updateBreakAction,
} from '../../store/break-repository.ts';
import type { Database } from '../../store/db/database.ts';
import { setAuditActor } from '../../store/vendor-repository.ts';

export interface BreakDeps {
  database: Pick<Database, 'db'>;
  cache: Cache;
}

const iso = (value: Date | string) =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString();

export function toView(row: BreakRow, now: Date): BreakView {
  const closedAt =
    row.status === 'CLEARED' ? row.cleared_at : row.status === 'RESOLVED' ? row.resolved_at : null;
  const age = ageInDays(new Date(row.opened_at), closedAt === null ? null : new Date(closedAt), now);
  return {
    id: row.id,
    accountId: row.account_id,
    check: row.check_kind,
    vendorCode: row.vendor_code,
    counterparty: row.counterparty,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    status: row.status,
    ageDays: age,
    ageBucket: ageBucket(age),
    openedAt: iso(row.opened_at),
    occurrences: row.occurrences,
    varianceBps: row.variance_bps === null ? null : Number(row.variance_bps),
    varianceAmount: row.variance_amount,
    expected: row.expected,
    observed: row.observed,
    cause: row.cause,
    message: row.message,
    explanation: row.explanation,
    tolerance: row.tolerance,
    inputs: row.inputs,
    acknowledged:
      row.acknowledged_by === null || row.acknowledged_at === null
        ? null
        : { by: row.acknowledged_by, at: iso(row.acknowledged_at), comment: row.acknowledge_comment },
    resolved:
      row.resolved_by === null || row.resolved_at === null
        ? null
        : { by: row.resolved_by, at: iso(row.resolved_at), comment: row.resolution_comment },
    approved:
      row.approved_by === null || row.approved_at === null
        ? null
        : { by: row.approved_by, at: iso(row.approved_at) },
    reopened:
      row.reopened_by === null || row.reopened_at === null
        ? null
        : { by: row.reopened_by, at: iso(row.reopened_at), comment: row.reopen_comment },
    cleared:
      row.cleared_run_id === null || row.cleared_at === null
        ? null
        : { run: row.cleared_run_id, at: iso(row.cleared_at) },
    openedRun: row.opened_run_id,
    lastSeenRun: row.last_seen_run_id,
  };
}

export async function listBreakViews(
  deps: BreakDeps,
  filter: BreakFilter,
  now = new Date(),
): Promise<BreakView[]> {
  const rows = await cached(
    deps.cache,
    `breaks:list:${JSON.stringify(filter)}`,
    { ttlSeconds: TTL.list, tags: [tags.breaks] },
    () => listBreaks(deps.database.db, filter),
  );
  return rows.map((row) => toView(row, now));
}

/** Each action's time column and the comment it writes. */
const ACTION_COMMENTS = [
  ['reopened_at', 'reopen_comment'],
  ['resolved_at', 'resolution_comment'],
  ['acknowledged_at', 'acknowledge_comment'],
] as const;

/**
 * The comment an audited change wrote: that of the action whose time it set (a reopen keeps the
 * earlier resolution's comment in its row, and an approval writes none).
 */
function commentOf(before: Record<string, unknown>, after: Record<string, unknown>): string | null {
  for (const [at, comment] of ACTION_COMMENTS) {
    const value = after[comment];
    if (after[at] !== before[at] && after[at] != null) return typeof value === 'string' ? value : null;
  }
  return null;
}

export async function showBreak(deps: BreakDeps, id: number, now = new Date()): Promise<BreakDetail> {
  const row = await findBreak(deps.database.db, id);
  if (row === undefined)
    throw new NotFoundError(`there is no break ${id}`, 'List breaks with: perfrecon breaks list');
  const history = await breakHistory(deps.database.db, row);
  return {
    ...toView(row, now),
    history: history.map((entry) => {
      const values = (entry.new_values ?? {}) as Record<string, unknown>;
      const comment = commentOf((entry.old_values ?? {}) as Record<string, unknown>, values);
      return {
        action: entry.action,
        actor: entry.actor,
        at: iso(entry.at),
        status: (values.status as string) ?? null,
        comment,
      };
    }),
  };
}

export async function actOnBreak(
  deps: BreakDeps & { fourEyes: boolean },
  id: number,
  request: { action: BreakAction; actor: string; comment?: string | undefined },
  now = new Date(),
): Promise<BreakView> {
  const row = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, request.actor);
    const current = await findBreak(trx, id, true);
    if (current === undefined)
      throw new NotFoundError(`there is no break ${id}`, 'List breaks with: perfrecon breaks list');
    const change = applyBreakAction(
      { id, status: current.status, resolvedBy: current.resolved_by },
      request,
      deps.fourEyes,
    );
    return updateBreakAction(trx, current, {
      status: change.status,
      stamp: change.stamp,
      actor: request.actor,
      comment: request.comment?.trim() || null,
    }).catch((error: { code?: string }) => {
      // One active break per check: a later run opened a new one for it since this was resolved.
      if (error.code !== '23505') throw error;
      throw new ConflictError(
        `break ${id} cannot be reopened: a newer break for the same check is active`,
        'Work on that one (perfrecon breaks list --account ...).',
      );
    });
  });
  await deps.cache.invalidate([tags.breaks, tags.account(row.account_id)]);
  return toView(row, now);
}
