// Reconciliation runs as people follow them: the latest runs, and one run with its summary.
import { optionalTimestamp, timestamp } from '../../contracts/common.ts';
import type { RunItem } from '../../contracts/runs.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Database } from '../../store/db/database.ts';
import { getRun, listRuns as listRunRows } from '../../store/reconciliation-repository.ts';

export interface RunsDeps {
  database: Pick<Database, 'db'>;
}

type RunRow = Awaited<ReturnType<typeof listRunRows>>[number];

function runItem(row: RunRow): RunItem {
  return {
    id: row.id,
    trigger: row.trigger,
    actor: row.actor,
    status: row.status,
    inputs: row.inputs,
    startedAt: timestamp(row.started_at),
    finishedAt: optionalTimestamp(row.finished_at),
    summary: row.summary,
    error: row.error,
  };
}

export async function listRuns(deps: RunsDeps, limit: number): Promise<RunItem[]> {
  return (await listRunRows(deps.database.db, limit)).map(runItem);
}

export async function showRun(deps: RunsDeps, id: number): Promise<RunItem> {
  const row = await getRun(deps.database.db, id);
  if (row === undefined) {
    throw new NotFoundError(
      `there is no reconciliation run ${id}`,
      'List the runs: GET /api/v1/reconciliation/runs',
    );
  }
  return runItem(row);
}
