// Composition root: configuration, database, vendors, logging and notifications, opened once
// per process and handed to the use cases that need them.
import { configuredChannels } from './alert/channels.ts';
import { createAlertDispatcher } from './alert/dispatcher.ts';
import { type Cache, createCache, memoryCache } from './cache/index.ts';
import { type AlarmsConfig, loadAlarmsConfig } from './config/alarms-config.ts';
import { type AlertsConfig, loadAlertsConfig } from './config/alerts-config.ts';
import { type AppConfig, loadAppConfig } from './config/app-config.ts';
import { loadVendorConfigs } from './config/vendor-config.ts';
import type { Notifier } from './domain/alert.ts';
import type { VendorConfig } from './domain/vendor-config.ts';
import { createLogger, type Logger } from './observe/logger.ts';
import { createProcessMetrics, type ProcessMetrics } from './observe/metrics.ts';
import { databaseIdentity, migrateDatabase } from './services/database.ts';
import { type Database, openDatabase } from './store/db/database.ts';
import { requireCurrentSchema } from './store/migrate.ts';

export interface App {
  config: AppConfig;
  database: Database;
  vendors: VendorConfig[];
  logger: Logger;
  /** Routes alerts by severity to log, webhook and e-mail; never blocks the caller. */
  notifier: Notifier;
  alerts: AlertsConfig;
  /** Alarm rules, the pager and the escalation route (the `alarms:` section). */
  alarms: AlarmsConfig;
  /** Redis when REDIS_URL is set, in-process otherwise; degrades to uncached when Redis is down. */
  cache: Cache;
  /**
   * The prefix of every Redis key this database owns (the configured prefix and the database's
   * identity), so databases sharing one Redis share nothing; undefined when Redis is not used.
   */
  redisNamespace: string | undefined;
  /** This process's Prometheus registry: served by the API's /metrics and a worker's --metrics-port. */
  metrics: ProcessMetrics;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * What to do with a schema older than this version's: `migrate` it (the default: commands that
   * write migrate on first use), refuse to run on it (`current`: read-only commands never change
   * the schema), or take it as it is (`any`: db migrate, db status, db shell).
   */
  schema?: 'migrate' | 'current' | 'any';
  maxConnections?: number;
  applicationName?: string;
}

export async function openApp(options: OpenAppOptions = {}): Promise<App> {
  const config = loadAppConfig(options.env);
  const logger = createLogger(config.logLevel);
  const vendors = await loadVendorConfigs(config.vendorConfigPath);
  const alerts = loadAlertsConfig(config.alerts, config.vendorConfigPath);
  const alarms = loadAlarmsConfig(config.alerts, config.vendorConfigPath);
  const database = await openDatabase(config, {
    maxConnections: options.maxConnections,
    applicationName: options.applicationName,
  });
  try {
    const schema = options.schema ?? 'migrate';
    if (schema === 'migrate') {
      const { applied, partitions } = await migrateDatabase({ database }, { partitions: 'if-migrated' });
      if (applied.length > 0) logger.info({ applied, partitions }, 'database migrated');
    } else if (schema === 'current') {
      await requireCurrentSchema(database.db);
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  let cache: Cache;
  let redisNamespace: string | undefined;
  try {
    ({ cache, redisNamespace } = await openCache(config, logger, database));
  } catch (error) {
    await database.close();
    throw error;
  }
  const metrics = createProcessMetrics();
  metrics.watchCache(() => cache.health());
  const notifier = createAlertDispatcher({
    config: alerts,
    channels: configuredChannels(alerts, logger, alarms.pager),
    logger,
    claims: cache,
  });
  return {
    config,
    database,
    vendors,
    logger,
    notifier,
    alerts,
    alarms,
    cache,
    redisNamespace,
    metrics,
    async close() {
      // Deliver pending alerts first (bounded), then release the connections.
      await notifier.close(10_000);
      await cache.close();
      await database.close();
    },
  };
}

/**
 * Redis is shared by every database that names it: keys, alert claims and rate-limit counters are
 * prefixed with this database's identity, so one database never reads another's entries. A
 * database without an identity yet (not migrated) gets the in-process cache.
 */
async function openCache(
  config: AppConfig,
  logger: Logger,
  database: Database,
): Promise<{ cache: Cache; redisNamespace: string | undefined }> {
  if (config.redisUrl === undefined) return { cache: createCache(config, logger), redisNamespace: undefined };
  const identity = await databaseIdentity({ database });
  if (identity === undefined) return { cache: memoryCache(), redisNamespace: undefined };
  const redisNamespace = `${config.redisPrefix}:${identity}`;
  return { cache: createCache(config, logger, redisNamespace), redisNamespace };
}
