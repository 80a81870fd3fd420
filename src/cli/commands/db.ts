import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import type { App } from '../../app.ts';
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
      const { applied, partitions } = await withApp((app) => migrateDatabase(app), { schema: 'any' });
      process.stdout.write(
        applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`,
      );
      if (partitions.length > 0) process.stdout.write(`partitions created: ${partitions.join(', ')}\n`);
    });

  db.command('status')
    .description('Show where the database is and which migrations have run')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await withApp((app) => databaseStatus(app), { schema: 'any' });
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
      await withApp(
        async (app) => {
          const psql = psqlInvocation(app);
          process.stderr.write(`connecting: psql "${psql.target}"\n`);
          const code = await new Promise<number>((resolve, reject) => {
            const child = spawn('psql', [psql.target], {
              stdio: 'inherit',
              env: { ...process.env, ...psql.env },
            });
            child.on('error', (error) =>
              reject(
                new Error(
                  `cannot start psql (${error.message}); install the PostgreSQL client, then connect with: psql "${psql.target}"`,
                ),
              ),
            );
            child.on('exit', (exitCode) => resolve(exitCode ?? 1));
          });
          process.exitCode = code;
        },
        // A shell is how a person looks into a database whose migrations fail: open it as it is.
        { schema: 'any' },
      );
    });
}

/**
 * How psql reaches the database: the connection without its password, which goes in psql's
 * environment (PGPASSWORD) — never in argv, which every local user can read, nor on the screen.
 */
function psqlInvocation(app: App): { target: string; env: NodeJS.ProcessEnv } {
  if (app.config.databaseUrl === undefined) return { target: app.database.connectionInfo, env: {} };
  const url = new URL(app.config.databaseUrl);
  // libpq also takes the password as a query parameter.
  const password = decodeURIComponent(url.password) || url.searchParams.get('password') || '';
  url.password = '';
  url.searchParams.delete('password');
  return { target: url.toString(), env: password === '' ? {} : { PGPASSWORD: password } };
}
