// `perfrecon`: one command per capability. Domain errors are mapped to messages and exit
// codes here, once.

import { Command, CommanderError } from 'commander';
import { DomainError } from '../domain/errors.ts';
import { PRODUCT_VERSION } from '../domain/version.ts';
import { registerAlarmsCommands } from './commands/alarms.ts';
import { registerApiCommand } from './commands/api.ts';
import { registerBackupCommands } from './commands/backup.ts';
import { registerBreaksCommands } from './commands/breaks.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerDlqCommands } from './commands/dlq.ts';
import { registerFilesCommands } from './commands/files.ts';
import { registerIngestCommand } from './commands/ingest.ts';
import { registerLineageCommand } from './commands/lineage.ts';
import { registerPipelineCommands } from './commands/pipeline.ts';
import { registerRecalcCommand } from './commands/recalc.ts';
import { registerReconcileCommand } from './commands/reconcile.ts';
import { registerRetentionCommands } from './commands/retention.ts';
import { registerReturnsCommand } from './commands/returns.ts';
import { registerSamplesCommand } from './commands/samples.ts';
import { registerTokenCommands } from './commands/token.ts';
import { registerTolerancesCommands } from './commands/tolerances.ts';
import { registerUsageCommand } from './commands/usage.ts';
import { registerVendorsCommands } from './commands/vendors.ts';

const program = new Command('perfrecon')
  .description(
    'Performance-data ingest, time-weighted returns and reconciliation.\n\n' +
      'Data lives in the embedded PostgreSQL under $PERFRECON_HOME (default ./.perfrecon) unless\n' +
      'DATABASE_URL names a PostgreSQL server. Set REDIS_URL to share the cache between processes.',
  )
  .version(PRODUCT_VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerIngestCommand(program);
registerPipelineCommands(program);
registerApiCommand(program);
registerFilesCommands(program);
registerDlqCommands(program);
registerLineageCommand(program);
registerReturnsCommand(program);
registerRecalcCommand(program);
registerReconcileCommand(program);
registerBreaksCommands(program);
registerTolerancesCommands(program);
registerSamplesCommand(program);
registerVendorsCommands(program);
registerTokenCommands(program);
registerAlarmsCommands(program);
registerUsageCommand(program);
registerDbCommands(program);
registerBackupCommands(program);
registerRetentionCommands(program);

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
