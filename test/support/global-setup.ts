// Migrate once, then give every test file its own copy: a PGlite data folder copied from a
// migrated template (embedded mode), or a database created from a template on the server
// (DATABASE_URL). Creating a PGlite database takes seconds; copying one takes milliseconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { openDatabase } from '../../src/store/db/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateHome: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (databaseUrl === undefined) {
    const templateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'prt-'));
    const database = await openDatabase(loadAppConfig({ PERFRECON_HOME: templateHome }));
    await migrateToLatest(database.db);
    await database.close();
    project.provide('templateHome', templateHome);
    project.provide('templateDatabase', '');
    return () => fs.rmSync(templateHome, { recursive: true, force: true });
  }
  const templateDatabase = `perfrecon_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase}`);
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${templateDatabase}`;
  const database = await openDatabase(loadAppConfig({ DATABASE_URL: url.toString() }));
  await migrateToLatest(database.db);
  await database.close();
  project.provide('templateHome', '');
  project.provide('templateDatabase', templateDatabase);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    await admin.end();
  };
}
