import type { Command } from 'commander';
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import { listDeadLetters } from '../../store/dead-letter-repository.ts';
import { fileTimeline, findFileById, listFiles } from '../../store/file-repository.ts';
import { quarantinedRows } from '../../store/quarantine-repository.ts';
import type { FileStatus } from '../../store/schema.ts';
import { printJson, table } from '../output.ts';
import { withApp } from '../run.ts';

const STATUSES: FileStatus[] = ['RECEIVED', 'PROCESSING', 'SUCCEEDED', 'QUARANTINED', 'REJECTED', 'FAILED'];

function time(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return (value instanceof Date ? value : new Date(value)).toISOString().replace('T', ' ').slice(0, 19);
}

export function parseId(raw: string, what: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new InvalidInputError(`${what} must be a number, got "${raw}"`);
  return id;
}

export function registerFilesCommands(program: Command): void {
  const files = program
    .command('files')
    .description('Files taken in: status, processing log (timeline) and errors');

  files
    .command('list')
    .description('The most recent files, newest first')
    .option('--status <status>', `only files in this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print as JSON')
    .action(async (options: { status?: string; limit: string; json?: boolean }) => {
      const status = options.status?.toUpperCase() as FileStatus | undefined;
      if (status !== undefined && !STATUSES.includes(status)) {
        throw new InvalidInputError(`--status ${options.status} is not one of ${STATUSES.join(', ')}`);
      }
      const rows = await withApp((app) =>
        listFiles(app.database.db, { status, limit: parseId(options.limit, '--limit') }),
      );
      if (options.json) return printJson(rows);
      if (rows.length === 0) {
        process.stdout.write(status === undefined ? 'no files yet\n' : `no ${status} files\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['id', 'status', 'file', 'vendor', 'read', 'stored', 'quarantined', 'received', 'changed', 'error'],
          rows.map((f) => [
            f.id,
            f.status,
            f.name,
            f.vendor_code,
            f.rows_read,
            f.rows_stored,
            f.rows_quarantined,
            time(f.received_at),
            time(f.status_changed_at),
            f.error === null ? '' : f.error.length > 60 ? `${f.error.slice(0, 59)}…` : f.error,
          ]),
        )}\n`,
      );
    });

  files
    .command('show')
    .argument('<id>', 'file id (see files list)')
    .description(
      'One file: where it is, its status and every state transition with time, attempt, worker and counts',
    )
    .option('--json', 'print as JSON')
    .action(async (rawId: string, options: { json?: boolean }) => {
      const id = parseId(rawId, 'the file id');
      const detail = await withApp(async (app) => {
        const db = app.database.db;
        const file = await findFileById(db, id);
        if (file === undefined)
          throw new NotFoundError(`there is no file #${id}`, 'List files with: perfrecon files list');
        const deadLetters = await listDeadLetters(db, { state: 'all', fileId: id, limit: 1000 });
        return {
          file,
          timeline: await fileTimeline(db, id),
          quarantined: await quarantinedRows(db, id, 20),
          deadLetters,
        };
      });
      if (options.json) return printJson(detail);
      const { file, timeline, quarantined, deadLetters } = detail;
      const lines = [
        `file #${file.id}: ${file.name}`,
        `  status      ${file.status} since ${time(file.status_changed_at)}`,
        `  sha256      ${file.sha256}`,
        `  vendor      ${file.vendor_code ?? '(none)'}${file.config_version ? ` @ ${file.config_version}` : ''}`,
        `  size        ${file.size_bytes} bytes, received ${time(file.received_at)}`,
        `  stored at   ${file.stored_path ?? '(unknown)'}`,
        `  rows        read ${file.rows_read ?? '-'}, stored ${file.rows_stored ?? '-'}, quarantined ${file.rows_quarantined ?? '-'}`,
      ];
      if (file.error) lines.push(`  error       ${file.error}`);
      lines.push('', 'timeline:');
      lines.push(
        table(
          [
            'at',
            'status',
            'step',
            'attempt',
            'worker',
            'read',
            'stored',
            'updated',
            'quar.',
            'ms',
            'message / error',
          ],
          timeline.map((t) => [
            time(t.at),
            t.status,
            t.step,
            t.attempt,
            t.worker,
            t.rows_read,
            t.rows_stored,
            t.rows_updated,
            t.rows_quarantined,
            t.duration_ms,
            t.error ?? t.message,
          ]),
        )
          .split('\n')
          .map((line) => `  ${line}`)
          .join('\n'),
      );
      if (deadLetters.length > 0) {
        lines.push('', 'dead letters:');
        for (const d of deadLetters) {
          const state = d.replayed_at
            ? `replayed ${time(d.replayed_at)} by ${d.replayed_by}`
            : d.resolved_at
              ? `resolved: ${d.resolution}`
              : `open — perfrecon dlq replay ${d.id}`;
          lines.push(
            `  #${d.id} ${time(d.dead_lettered_at)} after ${d.attempts} attempts: ${d.error} (${state})`,
          );
        }
      }
      if (quarantined.length > 0) {
        lines.push('', `quarantined rows (first ${quarantined.length} of ${file.rows_quarantined ?? '?'}):`);
        for (const q of quarantined) {
          const where = [
            q.location.sheet,
            q.location.row === undefined ? undefined : `row ${q.location.row}`,
            q.location.jsonPath,
          ]
            .filter(Boolean)
            .join(', ');
          lines.push(
            `  ${where}: ${q.problems.map((p) => [p.column ?? p.field, p.value == null ? undefined : `"${p.value}"`, p.reason].filter(Boolean).join(': ')).join('; ')}`,
          );
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
