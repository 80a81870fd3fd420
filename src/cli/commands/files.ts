import type { Command } from 'commander';
import type { FileDetail, FileWarningItem } from '../../contracts/files.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { FILE_STATUSES, type FileStatus } from '../../domain/file-status.ts';
import { listFiles, listFileWarnings, showFile } from '../../services/files.ts';
import { wholeNumber } from '../input.ts';
import { printJson, printText, shortTime, table } from '../output.ts';
import { withReadOnlyApp } from '../run.ts';

function describeWarning(warning: FileWarningItem): string {
  const { location } = warning;
  if (location === null) return `(file) ${warning.message}`;
  const where = [
    location.sheet,
    location.row === undefined ? undefined : `row ${location.row}`,
    location.jsonPath,
  ]
    .filter(Boolean)
    .join(', ');
  return `${where || location.file}: ${warning.message}`;
}

function describe(detail: FileDetail): string {
  const { file, timeline, quarantined, deadLetters } = detail;
  const lines = [
    `file #${file.id}: ${file.name}`,
    `  status      ${file.status} since ${shortTime(file.statusChangedAt)}`,
    `  sha256      ${file.sha256}`,
    `  vendor      ${file.vendor ?? '(none)'}${file.configVersion ? ` @ ${file.configVersion}` : ''}`,
    `  size        ${file.sizeBytes} bytes, received ${shortTime(file.receivedAt)}`,
    `  stored at   ${file.storedPath ?? '(unknown)'}`,
    `  rows        read ${file.rowsRead ?? '-'}, stored ${file.rowsStored ?? '-'}, quarantined ${file.rowsQuarantined ?? '-'}`,
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
        shortTime(t.at),
        t.status,
        t.step,
        t.attempt,
        t.worker,
        t.rowsRead,
        t.rowsStored,
        t.rowsUpdated,
        t.rowsQuarantined,
        t.durationMs,
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
      const state =
        d.state === 'replayed'
          ? `replayed ${shortTime(d.replayedAt)} by ${d.replayedBy}`
          : d.state === 'resolved'
            ? `resolved: ${d.resolution}`
            : `open — perfrecon dlq replay ${d.id}`;
      lines.push(
        `  #${d.id} ${shortTime(d.deadLetteredAt)} after ${d.attempts} attempts: ${d.error} (${state})`,
      );
    }
  }
  if (detail.warnings.length > 0) {
    lines.push('', `warnings (first ${detail.warnings.length} of ${detail.warningCount}):`);
    for (const warning of detail.warnings) lines.push(`  ${describeWarning(warning)}`);
    if (detail.warningCount > detail.warnings.length) {
      lines.push(`  … all of them: perfrecon files warnings ${file.id}`);
    }
  }
  if (quarantined.length > 0) {
    lines.push('', `quarantined rows (first ${quarantined.length} of ${file.rowsQuarantined ?? '?'}):`);
    for (const q of quarantined) {
      const where = [
        q.location.sheet,
        q.location.row === undefined ? undefined : `row ${q.location.row}`,
        q.location.jsonPath,
      ]
        .filter(Boolean)
        .join(', ');
      const problems = q.problems.map((p) =>
        [p.column ?? p.field, p.value == null ? undefined : `"${p.value}"`, p.reason]
          .filter(Boolean)
          .join(': '),
      );
      lines.push(`  ${where}: ${problems.join('; ')}`);
    }
  }
  return lines.join('\n');
}

export function registerFilesCommands(program: Command): void {
  const files = program
    .command('files')
    .description('Files taken in: status, processing log (timeline) and errors');

  files
    .command('list')
    .description('The most recent files, newest first')
    .option('--status <status>', `only files in this status (${FILE_STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print as JSON (an array of files: see src/contracts/files.ts)')
    .action(async (options: { status?: string; limit: string; json?: boolean }) => {
      const status = options.status?.toUpperCase() as FileStatus | undefined;
      if (status !== undefined && !FILE_STATUSES.includes(status)) {
        throw new InvalidInputError(`--status ${options.status} is not one of ${FILE_STATUSES.join(', ')}`);
      }
      const limit = wholeNumber('--limit', options.limit);
      const rows = await withReadOnlyApp((app) => listFiles(app, { status, limit }));
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
            f.vendor,
            f.rowsRead,
            f.rowsStored,
            f.rowsQuarantined,
            shortTime(f.receivedAt),
            shortTime(f.statusChangedAt),
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
    .option('--json', 'print as JSON (see src/contracts/files.ts)')
    .action(async (rawId: string, options: { json?: boolean }) => {
      const id = wholeNumber('the file id', rawId);
      const detail = await withReadOnlyApp((app) => showFile(app, id));
      if (options.json) return printJson(detail);
      printText(describe(detail));
    });
  files
    .command('warnings')
    .argument('<id>', 'file id (see files list)')
    .description(
      'Every warning of a file (a value defaulted, a row repeated…) with its location, in the order found',
    )
    .option('--after <n>', 'start after this position (the last seq of the previous page)', '0')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--json', 'print as JSON (see src/contracts/files.ts, FileWarningPage)')
    .action(async (rawId: string, options: { after: string; limit: string; json?: boolean }) => {
      const id = wholeNumber('the file id', rawId);
      const after = wholeNumber('--after', options.after, { min: 0 });
      const limit = wholeNumber('--limit', options.limit);
      const page = await withReadOnlyApp((app) => listFileWarnings(app, id, { after, limit }));
      if (options.json) return printJson(page);
      printText(
        [
          ...page.items.map((w) => `${String(w.seq).padStart(6)}  ${describeWarning(w)}`),
          ...(page.nextCursor === null
            ? []
            : [`… more: perfrecon files warnings ${id} --after ${page.nextCursor}`]),
        ].join('\n'),
      );
    });
}
