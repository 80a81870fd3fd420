import type { Command } from 'commander';
import type { App } from '../../app.ts';
import type { ReplayResult } from '../../contracts/dead-letters.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { DEAD_LETTER_STATES, type DeadLetterState } from '../../domain/job.ts';
import { ingestJobSender, openJobQueue } from '../../pipeline/queues.ts';
import {
  listDeadLetters,
  type ReplayDeps,
  replayAllDeadLetters,
  replayDeadLetter,
  showDeadLetter,
} from '../../services/dead-letters.ts';
import { wholeNumber } from '../input.ts';
import { printJson, printText, shortTime, table } from '../output.ts';
import { cliActor, withApp, withReadOnlyApp } from '../run.ts';

const STATES: readonly (DeadLetterState | 'all')[] = [...DEAD_LETTER_STATES, 'all'];

function describeReplay(result: ReplayResult): string {
  const head = `dead letter #${result.deadLetter} (${result.file})`;
  if (result.status === 'replayed') return `${head}: replayed as job ${result.jobId}`;
  if (result.status === 'resolved')
    return `${head}: nothing to do, resolved already (${result.resolution ?? ''})`;
  return `${head}: nothing to do, replayed already${result.replayedAt ? ` at ${shortTime(result.replayedAt)}` : ''}${result.replayedBy ? ` by ${result.replayedBy}` : ''} as job ${result.jobId ?? '?'}`;
}

/** A replay queues a job: the queue is opened as a client for the command's duration. */
async function withReplay<T>(app: App, run: (deps: ReplayDeps) => Promise<T>): Promise<T> {
  const boss = await openJobQueue(app.database, app.config.pipeline, app.logger, { role: 'client' });
  try {
    return await run({
      database: app.database,
      cache: app.cache,
      jobs: ingestJobSender(boss),
      actor: cliActor(),
    });
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
}

export function registerDlqCommands(program: Command): void {
  const dlq = program
    .command('dlq')
    .description(
      'Dead-letter queue: jobs that failed after their retries, kept with their file for a replay',
    );

  dlq
    .command('list')
    .description('Dead letters, newest first (open ones by default)')
    .option('--state <state>', `open, replayed, resolved or all`, 'open')
    .option('--all', 'every dead letter (same as --state all)')
    .option('--json', 'print as JSON (see src/contracts/dead-letters.ts)')
    .action(async (options: { state: string; all?: boolean; json?: boolean }) => {
      const state = (options.all ? 'all' : options.state) as DeadLetterState | 'all';
      if (!STATES.includes(state))
        throw new InvalidInputError(`--state ${options.state} is not one of ${STATES.join(', ')}`);
      const rows = await withReadOnlyApp((app) => listDeadLetters(app, { state, limit: 1000 }));
      if (options.json) return printJson(rows);
      if (rows.length === 0) {
        process.stdout.write(
          state === 'open' ? 'the dead-letter queue is empty\n' : `no ${state} dead letters\n`,
        );
        return;
      }
      process.stdout.write(
        `${table(
          ['id', 'file', 'file id', 'file status', 'attempts', 'dead-lettered', 'state', 'error'],
          rows.map((d) => [
            d.id,
            d.fileName,
            d.fileId,
            d.fileStatus,
            d.attempts,
            shortTime(d.deadLetteredAt),
            d.state,
            d.error.length > 70 ? `${d.error.slice(0, 69)}…` : d.error,
          ]),
        )}\n`,
      );
    });

  dlq
    .command('show')
    .argument('<id>', 'dead letter id (see dlq list)')
    .description('One dead letter: the failed job, its last error, its file and the file’s timeline')
    .option('--json', 'print as JSON (see src/contracts/dead-letters.ts)')
    .action(async (rawId: string, options: { json?: boolean }) => {
      const id = wholeNumber('the dead letter id', rawId);
      const detail = await withReadOnlyApp((app) => showDeadLetter(app, id));
      if (options.json) return printJson(detail);
      const { deadLetter: d, timeline } = detail;
      const lines = [
        `dead letter #${d.id}: ${d.fileName}`,
        `  job           ${d.jobId} on ${d.queue}`,
        `  dead-lettered ${shortTime(d.deadLetteredAt)} after ${d.attempts} attempts`,
        `  error         ${d.error}`,
        `  file          #${d.fileId ?? '?'} sha256 ${d.sha256}`,
        `  bytes kept at ${d.storedPath ?? '(not found)'}`,
        d.state === 'replayed'
          ? `  replayed      ${shortTime(d.replayedAt)} by ${d.replayedBy} as job ${d.replayJobId}`
          : d.state === 'resolved'
            ? `  resolved      ${shortTime(d.resolvedAt)}: ${d.resolution}`
            : `  state         open — after fixing the cause: perfrecon dlq replay ${d.id}`,
        '',
        'file timeline:',
        ...timeline.map(
          (t) =>
            `  ${shortTime(t.at)}  ${t.status.padEnd(11)} ${t.step.padEnd(11)} attempt ${t.attempt}  ${t.worker ?? ''}  ${t.error ?? t.message ?? ''}`,
        ),
      ];
      printText(lines.join('\n'));
    });

  dlq
    .command('replay')
    .argument('[id]', 'dead letter id (see dlq list)')
    .option('--all', 'replay every open dead letter')
    .option('--json', 'print as JSON')
    .description(
      'Queue the file of a dead letter again, once the cause is fixed. Idempotent: a dead letter is\n' +
        'replayed once, and a file already stored is not stored again. Audited and logged on the file.',
    )
    .action(async (rawId: string | undefined, options: { all?: boolean; json?: boolean }) => {
      if ((rawId === undefined) === !options.all) {
        throw new InvalidInputError(
          'give either a dead letter id or --all',
          'e.g. perfrecon dlq replay 3, or perfrecon dlq replay --all',
        );
      }
      const id = rawId === undefined ? undefined : wholeNumber('the dead letter id', rawId);
      const results = await withApp((app) =>
        withReplay(app, async (deps) =>
          id === undefined ? replayAllDeadLetters(deps) : [await replayDeadLetter(deps, id)],
        ),
      );
      if (options.json) return printJson(results);
      if (results.length === 0) process.stdout.write('no open dead letters\n');
      for (const result of results) process.stdout.write(`${describeReplay(result)}\n`);
      if (results.some((r) => r.status === 'replayed')) {
        process.stdout.write('a worker (perfrecon worker or serve) runs the replayed jobs\n');
      }
    });
}
