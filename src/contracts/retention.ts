// What `perfrecon retention run --json` prints (and an API route would return).
import { type Static, Type } from 'typebox';
import { Nullable, Timestamp } from './common.ts';

const Purged = (description: string) =>
  Type.Object(
    {
      cutoff: Nullable(Timestamp),
      rows: Type.Integer({ description: 'removed, or that would be removed on a dry run' }),
    },
    { description: `${description}; cutoff null: kept forever (not configured)` },
  );

export const RetentionReport = Type.Object({
  dryRun: Type.Boolean(),
  ran: Type.Boolean({ description: 'false: another retention run held the lock; nothing was done' }),
  results: Purged(
    'passing reconciliation results superseded by a newer result of the same check, from runs before cutoff',
  ),
  processingLog: Purged("processing-log rows before cutoff (each file's latest row stays)"),
  audit: Purged('audit rows before cutoff'),
  metricSamples: Purged("the alarm evaluator's metric samples taken before cutoff"),
  landing: Type.Object(
    {
      cutoff: Nullable(Timestamp),
      files: Type.Integer({ description: 'archived landing files deleted (or to delete)' }),
      bytes: Type.Integer(),
    },
    { description: "files of the landing folder's archive/ received before cutoff" },
  ),
  partitions: Type.Object(
    {
      created: Type.Array(Type.String(), {
        description:
          'monthly partitions created (the months ahead, and months whose rows waited in a default partition)',
      }),
      dropped: Type.Array(Type.String(), {
        description:
          'monthly partitions dropped (or that would be on a dry run): audit months wholly before its cutoff, and months of results or processing log before theirs that hold no row any more',
      }),
    },
    { description: 'the monthly partitions of audit_log, etl_processing_log and reconciliation_results' },
  ),
});
export type RetentionReport = Static<typeof RetentionReport>;
