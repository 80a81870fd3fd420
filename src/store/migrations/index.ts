// The ordered, append-only list of migrations. Kysely's Migrator runs the pending ones in
// one transaction under an advisory lock and refuses a database that has migrations this
// code does not know (a newer version ran against it).
import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001-canonical-model.ts';
import * as m0002 from './0002-pipeline.ts';
import * as m0003 from './0003-reconciliation.ts';
import * as m0004 from './0004-api-tokens.ts';
import * as m0005 from './0005-integrity.ts';
import * as m0006 from './0006-alarms.ts';
import * as m0007 from './0007-job-usage.ts';
import * as m0008 from './0008-break-reopen.ts';
import * as m0009 from './0009-staging-order.ts';
import * as m0010 from './0010-queued-runs.ts';
import * as m0011 from './0011-partition-by-time.ts';
import * as m0012 from './0012-landing-claims.ts';
import * as m0013 from './0013-file-warnings.ts';
import * as m0014 from './0014-metric-samples.ts';
import * as m0015 from './0015-period-references.ts';
import * as m0016 from './0016-staging-lineage.ts';

const migrations: Record<string, Migration> = {
  '0001-canonical-model': m0001,
  '0002-pipeline': m0002,
  '0003-reconciliation': m0003,
  '0004-api-tokens': m0004,
  '0005-integrity': m0005,
  '0006-alarms': m0006,
  '0007-job-usage': m0007,
  '0008-break-reopen': m0008,
  '0009-staging-order': m0009,
  '0010-queued-runs': m0010,
  '0011-partition-by-time': m0011,
  '0012-landing-claims': m0012,
  '0013-file-warnings': m0013,
  '0014-metric-samples': m0014,
  '0015-period-references': m0015,
  '0016-staging-lineage': m0016,
};

/** The names of every migration this code knows, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations).sort();

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
