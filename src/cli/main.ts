// `perfrecon`: one command per capability. Domain errors are mapped to messages and exit
// codes here, once.

import { Command, CommanderError } from 'commander';
import { DomainError } from '../domain/errors.ts';
import { PRODUCT_VERSION } from '../domain/version.ts';

type Register = (program: Command) => void;

/**
 * Each top-level command's module, loaded only when that command runs: a command imports its
 * services and their libraries (the HTTP server, the job queue, Excel…), and loading all of them
 * was most of an interactive command's start-up. `--help` and unknown words load every one.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  ingest: async () => (await import('./commands/ingest.ts')).registerIngestCommand,
  worker: async () => (await import('./commands/pipeline.ts')).registerPipelineCommands,
  watch: async () => (await import('./commands/pipeline.ts')).registerPipelineCommands,
  serve: async () => (await import('./commands/pipeline.ts')).registerPipelineCommands,
  api: async () => (await import('./commands/api.ts')).registerApiCommand,
  files: async () => (await import('./commands/files.ts')).registerFilesCommands,
  dlq: async () => (await import('./commands/dlq.ts')).registerDlqCommands,
  lineage: async () => (await import('./commands/lineage.ts')).registerLineageCommand,
  returns: async () => (await import('./commands/returns.ts')).registerReturnsCommand,
  recalc: async () => (await import('./commands/recalc.ts')).registerRecalcCommand,
  reconcile: async () => (await import('./commands/reconcile.ts')).registerReconcileCommand,
  breaks: async () => (await import('./commands/breaks.ts')).registerBreaksCommands,
  tolerances: async () => (await import('./commands/tolerances.ts')).registerTolerancesCommands,
  samples: async () => (await import('./commands/samples.ts')).registerSamplesCommand,
  vendors: async () => (await import('./commands/vendors.ts')).registerVendorsCommands,
  token: async () => (await import('./commands/token.ts')).registerTokenCommands,
  db: async () => (await import('./commands/db.ts')).registerDbCommands,
  backup: async () => (await import('./commands/backup.ts')).registerBackupCommands,
  restore: async () => (await import('./commands/backup.ts')).registerBackupCommands,
  retention: async () => (await import('./commands/retention.ts')).registerRetentionCommands,
  alarms: async () => (await import('./commands/alarms.ts')).registerAlarmsCommands,
  usage: async () => (await import('./commands/usage.ts')).registerUsageCommand,
};

const program = new Command('perfrecon')
  .description(
    'Performance-data ingest, time-weighted returns and reconciliation.\n\n' +
      'Data lives in the embedded PostgreSQL under $PERFRECON_HOME (default ./.perfrecon) unless\n' +
      'DATABASE_URL names a PostgreSQL server. Set REDIS_URL to share the cache between processes.',
  )
  .version(PRODUCT_VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const named = COMMANDS[process.argv[2] ?? ''];
// In the order of `--help`: one module per loader, registered once.
const loaders = named === undefined ? Object.values(COMMANDS) : [named];
const registered = new Set<Register>();
for (const register of await Promise.all(loaders.map((load) => load()))) {
  if (!registered.has(register)) register(program);
  registered.add(register);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof DomainError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint !== undefined) process.stderr.write(`what to do: ${error.hint}\n`);
    return 2;
  }
  const err = error as Error;
  process.stderr.write(`error: ${err.message}\n`);
  if (process.env.PERFRECON_LOG_LEVEL === 'debug') process.stderr.write(`${err.stack}\n`);
  return 1;
}
