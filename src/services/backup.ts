// Backup and restore of the whole state, the same way on the embedded database and on a server
// (so a backup of one restores into the other: the way to move from a laptop to a server).
//
// A backup is one gzip file of JSON lines: a header (product and format versions, the schema
// version), then every table of the application, one row per line as PostgreSQL wrote it
// (`row_to_json`, so no decimal passes through binary floating point), optionally the landing
// folder's archived files, and a manifest with the row count and checksum of every table. It is
// read in one REPEATABLE READ snapshot, so it is consistent while workers keep running, each table
// in the order its rows are stored (one sequential scan, as pg_dump reads, rather than a walk in
// key order through the index, which reads the table's pages out of order).
//
// A table's checksum, by format version: 1 (rows in key order) — the SHA-256 of its lines, each
// followed by a newline, in file order; 2 (rows in stored order) — the sum of the SHA-256 of each
// line (its UTF-8 bytes, no newline): the digests' four big-endian 64-bit words, each summed
// modulo 2^64, so it does not depend on row order and a backup of the restored database has the
// same checksums. A restore verifies both formats.
//
// A restore recreates the schema at the backup's version, loads every table in one transaction
// with triggers off (the audit log is restored, not rewritten) and the secondary indexes dropped,
// checks every stored row against the line it came from as it is inserted and each table against
// the manifest, builds the indexes again, commits, then migrates forward to this version. A
// restore that fails leaves the empty schema it started from and says that nothing was restored.
import { createHash, hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { ConflictError, InvalidInputError } from '../domain/errors.ts';
import { PRODUCT_VERSION } from '../domain/version.ts';
import {
  applicationTables,
  createSecondaryIndexes,
  dropApplicationSchema,
  dropSecondaryIndexes,
  insertRows,
  loadAsReplica,
  nonEmptyTables,
  resetIdentities,
  type TableShape,
  tablePages,
} from '../store/backup-repository.ts';
import type { Database } from '../store/db/database.ts';
import { renewIdentity } from '../store/identity-repository.ts';
import { knownMigrations, migrateTo, migrateToLatest, migrationStatus } from '../store/migrate.ts';
import { preparePartitions } from './database.ts';

const FORMAT = 'perfrecon-backup';
/** 2: rows in stored order, checksums that do not depend on it (1: key order, ordered checksums). */
const FORMAT_VERSION = 2;
/** Rows a restore inserts a statement. */
const BATCH = 2_000;
/** Heap pages (8 kB) a backup reads a statement: a few MB of JSON text. */
const BLOCKS = 256;
const CHUNK_BYTES = 1 << 20;

export interface BackupHeader {
  format: typeof FORMAT;
  formatVersion: number;
  productVersion: string;
  /** The last migration applied to the database that was backed up. */
  schemaVersion: string;
  createdAt: string;
  source: Database['mode'];
}

export interface TableManifest {
  rows: number;
  sha256: string;
}

export interface BackupManifest {
  tables: Record<string, TableManifest>;
  files: Record<string, TableManifest & { bytes: number }>;
}

export interface BackupDeps {
  database: Database;
}

export interface BackupOptions {
  out: string;
  /** Also the files of the landing folder's archive/ (their bytes are the evidence of every figure). */
  landing?: { root: string };
  onProgress?: (table: string, rows: number) => void;
}

export interface BackupResult {
  file: string;
  bytes: number;
  header: BackupHeader;
  manifest: BackupManifest;
}

export async function backupDatabase(deps: BackupDeps, options: BackupOptions): Promise<BackupResult> {
  const applied = (await migrationStatus(deps.database.db)).filter((m) => m.appliedAt !== undefined);
  const schemaVersion = applied.at(-1)?.name;
  if (schemaVersion === undefined) {
    throw new ConflictError(
      'the database has no schema yet: there is nothing to back up',
      'Run `perfrecon db migrate` first.',
    );
  }
  const header: BackupHeader = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    productVersion: PRODUCT_VERSION,
    schemaVersion,
    createdAt: new Date().toISOString(),
    source: deps.database.mode,
  };
  const manifest: BackupManifest = { tables: {}, files: {} };
  const out = path.resolve(options.out);
  const temporary = `${out}.${process.pid}.partial`;
  const gzip = createGzip({ level: 6 });
  const written = pipeline(gzip, createWriteStream(temporary, { mode: 0o600 }));
  const write = (text: string) =>
    gzip.write(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => gzip.once('drain', () => resolve()));
  try {
    await write(`${JSON.stringify(header)}\n`);
    await deps.database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        for (const table of await applicationTables(trx)) {
          manifest.tables[table.name] = await writeTable(trx, table, write, options);
        }
      });
    if (options.landing !== undefined) await writeLandingArchive(options.landing.root, manifest, write);
    await write(`${JSON.stringify({ '@manifest': manifest })}\n`);
    gzip.end();
    await written;
    await fs.rename(temporary, out);
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return { file: out, bytes: (await fs.stat(out)).size, header, manifest };
}

async function writeTable(
  trx: Parameters<typeof tablePages>[0],
  table: TableShape,
  write: (text: string) => Promise<void>,
  options: BackupOptions,
): Promise<TableManifest> {
  const checksum = tableChecksum(FORMAT_VERSION);
  let rows = 0;
  await write(`${JSON.stringify({ '@table': table.name })}\n`);
  for await (const page of tablePages(trx, table, BLOCKS)) {
    for (let start = 0; start < page.text.length; ) {
      const end = page.text.indexOf('\n', start);
      checksum.add(page.text.slice(start, end));
      start = end + 1;
    }
    await write(page.text);
    rows += page.rows;
    options.onProgress?.(table.name, rows);
  }
  return { rows, sha256: checksum.digest() };
}

interface TableChecksum {
  add(line: string): void;
  digest(): string;
}

/** A table's checksum as the backup's format version defines it (see the top of this file). */
function tableChecksum(formatVersion: number): TableChecksum {
  if (formatVersion < 2) {
    const ordered = createHash('sha256');
    return { add: (line) => ordered.update(`${line}\n`), digest: () => ordered.digest('hex') };
  }
  const sums = new BigUint64Array(4); // each lane wraps modulo 2^64
  return {
    add(line) {
      const digest = hash('sha256', line, 'buffer');
      for (let lane = 0; lane < 4; lane += 1)
        sums[lane] = (sums[lane] ?? 0n) + digest.readBigUInt64BE(lane * 8);
    },
    digest() {
      const out = Buffer.alloc(32);
      for (const [lane, value] of sums.entries()) out.writeBigUInt64BE(value, lane * 8);
      return out.toString('hex');
    },
  };
}

async function writeLandingArchive(
  root: string,
  manifest: BackupManifest,
  write: (text: string) => Promise<void>,
): Promise<void> {
  const archive = path.join(root, 'archive');
  const entries = await fs.readdir(archive, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries
    .filter((e) => e.isFile())
    .sort((a, b) => a.parentPath.localeCompare(b.parentPath) || a.name.localeCompare(b.name))) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(root, full);
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    await write(`${JSON.stringify({ '@file': relative })}\n`);
    for await (const chunk of createReadStream(full, { highWaterMark: CHUNK_BYTES })) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      bytes += buffer.length;
      chunks += 1;
      await write(`${JSON.stringify({ '@chunk': buffer.toString('base64') })}\n`);
    }
    manifest.files[relative] = { rows: chunks, bytes, sha256: hash.digest('hex') };
  }
}

export interface RestoreOptions {
  file: string;
  /** Replace a database that holds data (it is emptied first). */
  force: boolean;
  /** Where archived landing files go back to, when the backup holds them. */
  landingRoot?: string;
  onProgress?: (table: string, rows: number) => void;
}

export interface RestoreResult {
  header: BackupHeader;
  tables: Record<string, TableManifest>;
  files: number;
  /** Migrations applied after the load, from the backup's schema version to this version's. */
  migratedForward: string[];
  /**
   * The restored database's own identity (new: it names the database's Redis namespace, which a
   * copy must not share with its source) and the source's, as the backup held it.
   */
  identity: { source: string | undefined; restored: string } | undefined;
}

function backupError(file: string, what: string): InvalidInputError {
  return new InvalidInputError(
    `${file} is not a usable perfrecon backup: ${what}`,
    'Use a file written by `perfrecon backup`.',
  );
}

/** The backup's header, checked against this version of the code. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const line of backupFileLines(file)) {
    let header: Partial<BackupHeader>;
    try {
      header = JSON.parse(line) as Partial<BackupHeader>;
    } catch {
      throw backupError(file, 'its first line is not JSON');
    }
    if (header.format !== FORMAT || typeof header.schemaVersion !== 'string')
      throw backupError(file, 'it has no perfrecon header');
    if ((header.formatVersion ?? 0) > FORMAT_VERSION) {
      throw new ConflictError(
        `${file} was written by perfrecon ${header.productVersion} in backup format ${header.formatVersion}, newer than this perfrecon (${PRODUCT_VERSION}) reads`,
        'Restore it with that version of perfrecon or a later one.',
      );
    }
    if (!knownMigrations().includes(header.schemaVersion)) {
      throw new ConflictError(
        `${file} holds a database at schema version ${header.schemaVersion}, newer than this perfrecon (${PRODUCT_VERSION}) knows`,
        `Restore it with perfrecon ${header.productVersion} or later.`,
      );
    }
    return header as BackupHeader;
  }
  throw backupError(file, 'it is empty');
}

function backupFileLines(file: string): AsyncIterable<string> {
  const input = createReadStream(file).pipe(createGunzip());
  return readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

export async function restoreDatabase(deps: BackupDeps, options: RestoreOptions): Promise<RestoreResult> {
  const file = path.resolve(options.file);
  const header = await readBackupHeader(file);
  const db = deps.database.db;
  const occupied = await nonEmptyTables(db, await applicationTables(db));
  if (occupied.length > 0 && !options.force) {
    throw new ConflictError(
      `the database is not empty (${occupied.slice(0, 5).join(', ')}${occupied.length > 5 ? ', …' : ''} hold rows): a restore would replace it`,
      'Restore into a new database (PERFRECON_HOME or DATABASE_URL), or pass --force to replace this one.',
    );
  }
  await dropApplicationSchema(db);
  await migrateTo(db, header.schemaVersion);
  const tables = new Map((await applicationTables(db)).map((table) => [table.name, table]));
  const loader = new BackupLoader(file, header, tables, options);
  let renewed: Awaited<ReturnType<typeof renewIdentity>>;
  try {
    renewed = await db.transaction().execute(async (trx) => {
      await loadAsReplica(trx);
      const indexes = await dropSecondaryIndexes(trx, [...tables.values()]);
      const manifest = await loader.load(trx);
      verifyAgainstManifest(file, manifest, loader.tables, loader.files, options.landingRoot !== undefined);
      await createSecondaryIndexes(trx, indexes);
      return renewIdentity(trx, { restoredFrom: path.basename(file), backupTakenAt: header.createdAt });
    });
  } catch (error) {
    await loader.discardFiles();
    throw error;
  }
  const migratedForward = await migrateToLatest(db);
  // Restored rows of months without a partition waited in the default ones: into their months.
  await preparePartitions(deps);
  // A backup older than identities gets one when the application first opens the database.
  const identity =
    renewed === undefined ? undefined : { source: renewed.previous, restored: renewed.current };
  return { header, tables: loader.tables, files: loader.files.size, migratedForward, identity };
}

/** Reads a backup file line by line into the database (and the landing folder), table by table. */
class BackupLoader {
  readonly tables: Record<string, TableManifest> = {};
  readonly files = new Map<string, { sha256: string; bytes: number }>();
  private readonly written: string[] = [];
  private readonly file: string;
  private readonly header: BackupHeader;
  private readonly shapes: Map<string, TableShape>;
  private readonly options: RestoreOptions;

  constructor(file: string, header: BackupHeader, shapes: Map<string, TableShape>, options: RestoreOptions) {
    this.file = file;
    this.header = header;
    this.shapes = shapes;
    this.options = options;
  }

  async load(trx: Parameters<typeof tablePages>[0]): Promise<BackupManifest> {
    let table: { shape: TableShape; checksum: TableChecksum; batch: string[]; rows: number } | undefined;
    let landing:
      | { name: string; handle: fs.FileHandle; hash: ReturnType<typeof createHash>; bytes: number }
      | undefined;
    // One insert in flight while the next page is read from the file.
    let inserting: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (table === undefined || table.batch.length === 0) return;
      const { shape, batch } = table;
      table.batch = [];
      await inserting;
      inserting = this.insert(trx, shape, batch);
      inserting.catch(() => {}); // awaited (and thrown) at the next flush or close
      table.rows += batch.length;
      this.options.onProgress?.(shape.name, table.rows);
    };
    const close = async () => {
      await flush();
      await inserting;
      if (table !== undefined) {
        await resetIdentities(trx, table.shape);
        this.tables[table.shape.name] = { rows: table.rows, sha256: table.checksum.digest() };
        table = undefined;
      }
      if (landing !== undefined) {
        await landing.handle.close();
        this.files.set(landing.name, { sha256: landing.hash.digest('hex'), bytes: landing.bytes });
        landing = undefined;
      }
    };
    let first = true;
    for await (const line of backupFileLines(this.file)) {
      if (first) {
        first = false; // the header, read before
        continue;
      }
      if (!line.startsWith('{"@')) {
        if (table === undefined) throw backupError(this.file, 'it has rows before any table');
        table.checksum.add(line);
        table.batch.push(line);
        if (table.batch.length >= BATCH) await flush();
        continue;
      }
      const control = JSON.parse(line) as {
        '@table'?: string;
        '@file'?: string;
        '@chunk'?: string;
        '@manifest'?: BackupManifest;
      };
      if (control['@chunk'] !== undefined) {
        if (landing === undefined) continue; // landing files not asked for
        const bytes = Buffer.from(control['@chunk'], 'base64');
        landing.hash.update(bytes);
        landing.bytes += bytes.length;
        await landing.handle.write(bytes);
        continue;
      }
      await close();
      if (control['@manifest'] !== undefined) return control['@manifest'];
      if (control['@table'] !== undefined) {
        const shape = this.shapes.get(control['@table']);
        if (shape === undefined) {
          throw backupError(
            this.file,
            `it holds a table ${control['@table']} that schema ${this.header.schemaVersion} does not have`,
          );
        }
        table = { shape, checksum: tableChecksum(this.header.formatVersion), batch: [], rows: 0 };
      } else if (control['@file'] !== undefined && this.options.landingRoot !== undefined) {
        landing = await this.openLandingFile(control['@file']);
      }
    }
    throw backupError(this.file, 'it ends before its manifest (the file is cut short)');
  }

  /** Rows into their table, each stored row checked to read back as the line it came from. */
  private async insert(trx: Parameters<typeof tablePages>[0], shape: TableShape, batch: string[]) {
    const differing = await insertRows(trx, shape, batch);
    if (differing > 0) {
      throw new ConflictError(
        `table ${shape.name} reads back differently after loading (${differing} of a page of ${batch.length} rows); nothing was restored`,
        'Report this with the backup file: the database converts some value differently.',
      );
    }
  }

  private async openLandingFile(name: string) {
    const relative = path.normalize(name);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw backupError(this.file, `it names a file outside the landing folder: ${name}`);
    }
    const target = path.join(this.options.landingRoot ?? '', relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const handle = await fs.open(target, 'wx'); // never over a file that is there
    this.written.push(target);
    return { name: relative, handle, hash: createHash('sha256'), bytes: 0 };
  }

  /** A restore that did not commit leaves no landing file behind. */
  async discardFiles(): Promise<void> {
    for (const target of this.written) await fs.rm(target, { force: true });
  }
}

function verifyAgainstManifest(
  file: string,
  manifest: BackupManifest,
  restored: Record<string, TableManifest>,
  restoredFiles: Map<string, { sha256: string; bytes: number }>,
  withFiles: boolean,
): void {
  for (const [name, expected] of Object.entries(manifest.tables)) {
    const found = restored[name];
    if (found === undefined || found.rows !== expected.rows || found.sha256 !== expected.sha256) {
      throw new ConflictError(
        `${file} is damaged: table ${name} has ${found?.rows ?? 0} rows with checksum ${found?.sha256.slice(0, 12) ?? '-'}…, its manifest says ${expected.rows} rows with ${expected.sha256.slice(0, 12)}…; nothing was restored`,
        'Use another backup, or back up again from the source.',
      );
    }
  }
  if (!withFiles) return;
  for (const [name, expected] of Object.entries(manifest.files)) {
    const found = restoredFiles.get(path.normalize(name));
    if (found === undefined || found.sha256 !== expected.sha256 || found.bytes !== expected.bytes) {
      throw new ConflictError(
        `${file} is damaged: the landing file ${name} does not match its checksum; nothing was restored`,
        'Use another backup.',
      );
    }
  }
}
