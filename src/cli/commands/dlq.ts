import type { Command } from 'commander';
import type { App } from '../../app.ts';
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import { type ReplayResult, replayAllDeadLetters, replayDeadLetter } from '../../pipeline/dead-letter-job.ts';
import { openJobQueue } from '../../pipeline/queues.ts';
import { type DeadLetterState, findDeadLetter, listDeadLetters } from '../../store/dead-letter-repository.ts';
import { fileTimeline } from '../../store/file-repository.ts';
import { printJson, table } from '../output.ts';
import { cliActor, withApp } from '../run.ts';
import { parseId } from './files.ts';

const STATES: (DeadLetterState | 'all')[] = ['open', 'replayed', 'resolved', 'all'];

function time(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return (value instanceof Date ? value : new Date(value)).toISOString().replace('T', ' ').slice(0, 19);
}

function describeReplay(result: ReplayResult): string {
  if (result.status === 'replayed')
    return `dead letter #${result.deadLetter} (${result.file}): replayed as job ${result.jobId}`;
  if (result.status === 'resolved') {
    return `dead letter #${result.deadLetter} (${result.file}): nothing to do, resolved already (${result.resolution ?? ''})`;
  }
  return `dead letter #${result.deadLetter} (${result.file}): nothing to do, replayed already${result.replayedAt ? ` at ${time(result.replayedAt)}` : ''}${result.replayedBy ? ` by ${result.replayedBy}` : ''} as job ${result.jobId ?? '?'}`;
}

async function withQueue<T>(
  app: App,
  run: (boss: Awaited<ReturnType<typeof openJobQueue>>) => Promise<T>,
): Promise<T> {
  const boss = await openJobQueue(app.database, app.config.pipeline, app.logger, { role: 'client' });
  try {
    return await run(boss);
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
    .option('--json', 'print as JSON')
    .action(async (options: { state: string; all?: boolean; json?: boolean }) => {
      const state = (options.all ? 'all' : options.state) as DeadLetterState | 'all';
      if (!STATES.includes(state))
        throw new InvalidInputError(`--state ${options.state} is not one of ${STATES.join(', ')}`);
      const rows = await withApp((app) => listDeadLetters(app.database.db, { state, limit: 1000 }));
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
            d.file_name,
            d.file_id,
            d.file_status,
            d.attempts,
            time(d.dead_lettered_at),
            d.replayed_at ? 'replayed' : d.resolved_at ? 'resolved' : 'open',
            d.error.length > 70 ? `${d.error.slice(0, 69)}…` : d.error,
          ]),
        )}\n`,
      );
    });

  dlq
    .command('show')
    .argument('<id>', 'dead letter id (see dlq list)')
    .description('One dead letter: the failed job, its last error, its file and the file’s timeline')
    .option('--json', 'print as JSON')
    .action(async (rawId: string, options: { json?: boolean }) => {
      const id = parseId(rawId, 'the dead letter id');
      const detail = await withApp(async (app) => {
        const letter = await findDeadLetter(app.database.db, id);
        if (letter === undefined)
          throw new NotFoundError(
            `there is no dead letter #${id}`,
            'List them with: perfrecon dlq list --all',
          );
        const timeline = letter.file_id === null ? [] : await fileTimeline(app.database.db, letter.file_id);
        return { letter, timeline };
      });
      if (options.json) return printJson(detail);
      const { letter: d, timeline } = detail;
      const lines = [
        `dead letter #${d.id}: ${d.file_name}`,
        `  job           ${d.job_id} on ${d.queue} (dead-letter copy ${d.dead_letter_job_id})`,
        `  dead-lettered ${time(d.dead_lettered_at)} after ${d.attempts} attempts`,
        `  error         ${d.error}`,
        `  file          #${d.file_id ?? '?'} sha256 ${d.sha256}`,
        `  bytes kept at ${d.stored_path ?? '(not found)'}`,
        d.replayed_at
          ? `  replayed      ${time(d.replayed_at)} by ${d.replayed_by} as job ${d.replay_job_id}`
          : d.resolved_at
            ? `  resolved      ${time(d.resolved_at)}: ${d.resolution}`
            : `  state         open — after fixing the cause: perfrecon dlq replay ${d.id}`,
        '',
        'file timeline:',
        ...timeline.map(
          (t) =>
            `  ${time(t.at)}  ${t.status.padEnd(11)} ${t.step.padEnd(11)} attempt ${t.attempt}  ${t.worker ?? ''}  ${t.error ?? t.message ?? ''}`,
        ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  dlq
    .command('replay')
    .argument('[id]', 'dead letter id (see dlq list)')
    .option('--all', 'replay every open dead letter')
    .option('--json', 'print as JSON')
    .description(
      'Queue the file of a dead letter again, once the cause is fixed. Idempotent: a dead letter is\n' +
        'replayed once, and a file already stored is not stored again. Audited and logged on the file.\n' +
        '(Will need the operator role once roles exist.)',
    )
    .action(async (rawId: string | undefined, options: { all?: boolean; json?: boolean }) => {
      if ((rawId === undefined) === !options.all) {
        throw new InvalidInputError(
          'give either a dead letter id or --all',
          'e.g. perfrecon dlq replay 3, or perfrecon dlq replay --all',
        );
      }
      const results = await withApp((app) =>
        withQueue(app, async (boss) => {
          const context = { database: app.database, boss, actor: cliActor() };
          return rawId === undefined
            ? replayAllDeadLetters(context)
            : [await replayDeadLetter(context, parseId(rawId, 'the dead letter id'))];
        }),
      );
      if (options.json) return printJson(results);
      if (results.length === 0) process.stdout.write('no open dead letters\n');
      for (const result of results) process.stdout.write(`${describeReplay(result)}\n`);
      if (results.some((r) => r.status === 'replayed')) {
        process.stdout.write('a worker (perfrecon worker or serve) runs the replayed jobs\n');
      }
    });
}
