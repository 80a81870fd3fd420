import type { Command } from 'commander';
import { landingFolderPath, localLandingPath } from '../../config/landing-config.ts';
import { backupDatabase, restoreDatabase } from '../../services/backup.ts';
import { printJson, table } from '../output.ts';
import { withApp } from '../run.ts';

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'Write a consistent, compressed backup of the whole database (every table, in one snapshot,\n' +
        'with row counts and a checksum per table), on the embedded database or a server alike.',
    )
    .requiredOption('--out <file>', 'the backup file to write (e.g. perfrecon-2024-06-30.backup.gz)')
    .option('--include-landing', "also the files of the landing folder's archive/")
    .option('--json', 'print the manifest as JSON')
    .addHelpText(
      'after',
      '\nA backup restores into either kind of database: back up the embedded one and restore it on a\n' +
        'server (DATABASE_URL=… perfrecon restore FILE) to move from one machine to a server.',
    )
    .action(async (options: { out: string; includeLanding?: boolean; json?: boolean }) => {
      // A backup takes the schema as it is: it never migrates what it is about to copy.
      const result = await withApp(
        (app) =>
          backupDatabase(app, {
            out: options.out,
            landing: options.includeLanding
              ? { root: landingFolderPath(app.config.pipeline.landing, '--include-landing') }
              : undefined,
          }),
        { schema: 'any' },
      );
      if (options.json) return printJson(result);
      const rows = Object.entries(result.manifest.tables).map(([name, t]) => [
        name,
        t.rows,
        t.sha256.slice(0, 16),
      ]);
      process.stdout.write(
        `backup written: ${result.file} (${mb(result.bytes)}), schema ${result.header.schemaVersion}, perfrecon ${result.header.productVersion}\n` +
          `${table(['table', 'rows', 'sha256'], rows)}\n` +
          (options.includeLanding ? `landing files: ${Object.keys(result.manifest.files).length}\n` : ''),
      );
    });

  program
    .command('restore')
    .argument('<file>', 'a file written by perfrecon backup')
    .description(
      'Restore a backup into an empty database (embedded or server), check every table against the\n' +
        "backup's row counts and checksums, then migrate it forward to this version. Stop workers first.",
    )
    .option('--force', 'replace a database that holds data')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { force?: boolean; json?: boolean }) => {
      const result = await withApp(
        (app) =>
          restoreDatabase(app, {
            file,
            force: options.force === true,
            // A bucket keeps its own files: only the database is restored into it.
            landingRoot: localLandingPath(app.config.pipeline.landing),
          }),
        { schema: 'any' },
      );
      if (options.json) return printJson(result);
      const rows = Object.values(result.tables).reduce((sum, t) => sum + t.rows, 0);
      process.stdout.write(
        `restored ${file}: ${Object.keys(result.tables).length} tables, ${rows} rows, ${result.files} landing files; every table matches its checksum\n` +
          `backup of perfrecon ${result.header.productVersion} at schema ${result.header.schemaVersion}, taken ${result.header.createdAt}` +
          (result.migratedForward.length > 0
            ? `; migrated forward: ${result.migratedForward.join(', ')}`
            : '') +
          '\n' +
          (result.identity === undefined
            ? ''
            : `the restored database has a new identity ${result.identity.restored} (its Redis namespace); the backup's was ${result.identity.source ?? 'not set'}\n`),
      );
    });
}
