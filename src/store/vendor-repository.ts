import { sql } from 'kysely';
import type { VendorConfig } from '../domain/vendor-config.ts';
import type { Executor } from './db/database.ts';

/** Record the vendor and this version of its configuration (idempotent). */
export async function ensureVendorVersion(
  db: Executor,
  vendor: VendorConfig,
  version: string,
): Promise<void> {
  await db
    .insertInto('vendors')
    .values({ code: vendor.code, name: vendor.name })
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({ name: vendor.name }).where('vendors.name', '<>', vendor.name),
    )
    .execute();
  const { origin: _origin, ...config } = vendor;
  await db
    .insertInto('vendor_config_versions')
    .values({ vendor_code: vendor.code, version, config: JSON.stringify(config) })
    .onConflict((oc) => oc.columns(['vendor_code', 'version']).doNothing())
    .execute();
}

export async function vendorVersions(db: Executor, vendorCode: string) {
  return db
    .selectFrom('vendor_config_versions')
    .select(['version', 'created_at'])
    .where('vendor_code', '=', vendorCode)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Set the actor recorded by the audit triggers for the rest of this transaction. */
export async function setAuditActor(db: Executor, actor: string): Promise<void> {
  await sql`SELECT set_config('perfrecon.actor', ${actor}, true)`.execute(db);
}

/** Every vendor code known to the database (stored periods reference one of them). */
export async function vendorCodes(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('vendors').select('code').orderBy('code').execute();
  return rows.map((row) => row.code);
}
