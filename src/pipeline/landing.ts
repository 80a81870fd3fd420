// The landing folder: where vendor files wait, are worked on and end up.
//
//   inbox/                 drop files here (watched)
//   processing/            taken in, a job is queued or running
//   archive/YYYY/MM/DD/    stored (dated by the day the file was received, UTC)
//   quarantine/            every row quarantined
//   error/                 rejected by file validation, or dead-lettered (kept for replay)
//
// Files keep their original bytes. Once taken in, a file is named `<received>-<random>--<original>`:
// unique, sortable by arrival, and the name alone identifies its job (see jobIdFor), so any step
// can be repeated after a crash without a second copy or a second job.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface LandingFolder {
  root: string;
  inbox: string;
  processing: string;
  archive: string;
  error: string;
  quarantine: string;
}

/** Where a file ends up, by the outcome of its processing. */
export type LandingDestination = 'archive' | 'quarantine' | 'error';

/** Where a landed file can be: waiting for its job, or where its outcome sent it. */
export type LandingPlace = 'processing' | LandingDestination;

export function landingFolder(root: string): LandingFolder {
  return {
    root,
    inbox: path.join(root, 'inbox'),
    processing: path.join(root, 'processing'),
    archive: path.join(root, 'archive'),
    error: path.join(root, 'error'),
    quarantine: path.join(root, 'quarantine'),
  };
}

export async function ensureLandingFolder(landing: LandingFolder): Promise<void> {
  for (const dir of [landing.inbox, landing.processing, landing.archive, landing.error, landing.quarantine]) {
    await fs.mkdir(dir, { recursive: true });
  }
}

/**
 * Names in inbox/ that are still being written, by the temp-name-then-rename convention: a
 * leading dot, or a temporary suffix. They are never taken; the rename to the final name is.
 */
export function isInProgressName(name: string): boolean {
  return name.startsWith('.') || /(\.tmp|\.part|\.partial|\.crdownload|\.filepart|\.swp|~)$/i.test(name);
}

const LANDING_NAME = /^(\d{8}T\d{6}Z)-([0-9a-f]{6})--(.+)$/;

/** A file name without directories or characters that cannot be part of a name. */
export function safeFileName(name: string): string {
  const cleaned = [...path.basename(name)]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || ch === '/' || ch === '\\' ? '_' : ch))
    .join('')
    .trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'unnamed' : cleaned;
}

/** `tag` (6 hex digits) replaces the random part where the name must follow from the file alone. */
export function newLandingName(
  originalName: string,
  receivedAt: Date = new Date(),
  tag: string = randomBytes(3).toString('hex'),
): string {
  const stamp = receivedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${tag}--${safeFileName(originalName)}`;
}

export function isLandingName(name: string): boolean {
  return LANDING_NAME.test(name);
}

export interface ParsedLandingName {
  receivedAt: Date;
  originalName: string;
}

export function parseLandingName(landingName: string): ParsedLandingName | undefined {
  const match = LANDING_NAME.exec(landingName);
  if (match === null || match[1] === undefined || match[3] === undefined) return undefined;
  const s = match[1];
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`;
  return { receivedAt: new Date(iso), originalName: match[3] };
}

/**
 * The job id of a landed file, derived from its landing name: queuing the same landed file twice
 * (intake racing the recovery scan, a crash between the two steps) is one job.
 */
export function jobIdFor(landingName: string): string {
  const hex = createHash('sha256').update(`perfrecon:landing:${landingName}`).digest('hex');
  // RFC 9562 layout, version 8 (custom), variant 10.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The folder a landed file moves to: archive/ is dated by the day it was received. */
export function destinationDir(landing: LandingFolder, destination: LandingPlace, receivedAt: Date): string {
  if (destination !== 'archive') return landing[destination];
  const iso = receivedAt.toISOString();
  return path.join(landing.archive, iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10));
}

export function destinationPath(
  landing: LandingFolder,
  destination: LandingPlace,
  landingName: string,
): string {
  const receivedAt = parseLandingName(landingName)?.receivedAt ?? new Date();
  return path.join(destinationDir(landing, destination, receivedAt), landingName);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [sa, sb] = await Promise.all([fs.stat(a), fs.stat(b)]);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

/** `name.csv` → `name (2).csv`, `name (3).csv`, … */
export function variant(file: string, n: number): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)} (${n})${ext}`;
}

/**
 * Move a file without ever overwriting another: hard link then unlink, so the file is always in
 * at least one place, and a repeat after a crash between the two steps completes the move.
 * A different file already at the target keeps its name; this one gets a numbered variant.
 * Returns where the file now is.
 */
export async function moveNoClobber(source: string, target: string): Promise<string> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? target : variant(target, n);
    try {
      await fs.link(source, candidate);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (await sameFile(source, candidate)) {
          await fs.unlink(source);
          return candidate;
        }
        continue;
      }
      if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
        // No hard links here (another file system, some network shares): copy exclusively, then remove.
        try {
          await fs.copyFile(source, candidate, fs.constants.COPYFILE_EXCL);
        } catch (copyError) {
          if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw copyError;
        }
        await fs.unlink(source);
        return candidate;
      }
      throw error;
    }
    await fs.unlink(source);
    return candidate;
  }
  throw new Error(`cannot find a free name for ${target}`);
}

/** Copy a file into a folder atomically: written under a dot-name, then moved to its name. */
export async function copyInto(source: string, dir: string, name: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${name}.${process.pid}.tmp`);
  await fs.copyFile(source, temp);
  try {
    return await moveNoClobber(temp, path.join(dir, name));
  } finally {
    await fs.unlink(temp).catch(() => {});
  }
}

export interface LocatedFile {
  /** Where the bytes are now. */
  path: string;
  /** processing/ and error/ (a dead-lettered file being replayed) are where a job takes a file from. */
  place: LandingPlace;
}

/** Find a landed file by name: waiting in processing/, kept in error/, or already moved on. */
export async function locateLandedFile(
  landing: LandingFolder,
  landingName: string,
): Promise<LocatedFile | undefined> {
  for (const candidate of landedCandidates(landing, landingName)) {
    if (await exists(candidate.path)) return candidate;
  }
  return undefined;
}

/** Where a landed file can be, in the order a job looks. */
export function landedCandidates(landing: LandingFolder, landingName: string): LocatedFile[] {
  return [
    { path: path.join(landing.processing, landingName), place: 'processing' },
    { path: destinationPath(landing, 'error', landingName), place: 'error' },
    { path: destinationPath(landing, 'archive', landingName), place: 'archive' },
    { path: destinationPath(landing, 'quarantine', landingName), place: 'quarantine' },
  ];
}

/** Landed files waiting in processing/ (not the dot-named copies being written). */
export async function listProcessing(landing: LandingFolder): Promise<string[]> {
  const entries = await fs.readdir(landing.processing, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && isLandingName(entry.name))
    .map((entry) => entry.name)
    .sort();
}
