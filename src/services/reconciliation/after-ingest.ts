// Reconciliation after a file is stored: the accounts and periods the file touched, for its
// vendor (and the other vendors reporting those accounts, cross-vendor), with the neighbouring
// periods for continuity. Called by the pipeline after each stored file.
import type { Executor } from '../../store/db/database.ts';
import { periodsOfFile } from '../../store/reconciliation-repository.ts';
import { type ReconcileDeps, type ReconcileOutcome, reconcile } from './run.ts';

export async function reconcileAfterIngest(
  deps: ReconcileDeps,
  fileId: number,
  options: { actor?: string; signal?: AbortSignal | undefined } = {},
): Promise<ReconcileOutcome | null> {
  const touched = await periodsOfFile(deps.database.db as Executor, fileId);
  if (touched.length === 0) return null;
  const vendors = [...new Set(touched.map((row) => row.vendor_code))];
  // ISO dates sort as text.
  const from = touched.map((row) => row.first_end).sort()[0] as string;
  const to = touched
    .map((row) => row.last_end)
    .sort()
    .at(-1) as string;
  return reconcile(deps, {
    from,
    to,
    vendorCode: vendors.length === 1 ? vendors[0] : undefined,
    accountIds: [...new Set(touched.map((row) => row.account_id))],
    trigger: 'ingest',
    fileId,
    actor: options.actor ?? `ingest:file-${fileId}`,
    expectThrough: null,
    signal: options.signal,
  });
}
