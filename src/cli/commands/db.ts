import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { databaseStatus, migrateDatabase } from '../../services/database.ts';
import { printJson, table } from '../output.ts';
import { withApp } from '../run.ts';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Database: migrations, status and a psql shell');

  db.command('migrate')
    .description(
      'Apply pending migrations (one transaction, under an advisory lock). Exits non-zero on failure.',
    )
    .action(async () => {
      const applied = await withApp((app) => migrateDatabase(app), { migrate: false });
      process.stdout.write(
        applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`,
      );
    });

  db.command('status')
    .description('Show where the database is and which migrations have run')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await withApp((app) => databaseStatus(app), { migrate: false });
      if (options.json) return printJson(status);
      process.stdout.write(`database: ${status.mode} (${status.connection})\n`);
      process.stdout.write(
        `${table(
          ['migration', 'applied at'],
          status.migrations.map((m) => [m.name, m.appliedAt?.toISOString() ?? 'pending']),
        )}\n`,
      );
    });

  db.command('shell')
    .description('Open psql on the database (the embedded one is served while psql runs)')
    .action(async () => {
      await withApp(async (app) => {
        const target = app.database.connectionInfo.startsWith('postgres')
          ? (app.config.databaseUrl ?? '')
          : app.database.connectionInfo;
        process.stderr.write(`connecting: psql "${target}"\n`);
        const code = await new Promise<number>((resolve, reject) => {
          const child = spawn('psql', [target], { stdio: 'inherit' });
          child.on('error', (error) =>
            reject(
              new Error(
                `cannot start psql (${error.message}); install the PostgreSQL client, then connect with: psql "${target}"`,
              ),
            ),
          );
          child.on('exit', (exitCode) => resolve(exitCode ?? 1));
        });
        process.exitCode = code;
      });
    });
}
