// The landing in a bucket of an S3-compatible store, shared by processes on many machines. The
// layout is the folder's (prefix/inbox/, processing/, archive/YYYY/MM/DD/, error/, quarantine/)
// and so are the guarantees:
//  - never overwritten: every write checks that its key is free, then writes with
//    If-None-Match: * — atomic where the server honours it (AWS, MinIO, R2); where it is ignored
//    the check stands alone, which is safe because every key written is a landing name, unique
//    by construction, that only its own job writes (a rerun of that job writes the same bytes);
//  - bytes never change: a move is a server-side copy, the copy's SHA-256 checked against the
//    file's, then the source deleted — so a file is always in at least one place, and a repeat
//    after a crash finds its own verified copy;
//  - the readers need a path: a job downloads the object to a scratch file, checking its SHA-256
//    on the way (a tampered object is refused), and deletes the file after.
// An object exists only once written whole (S3 has no partial writes), so inbox/ is polled and
// anything listed is complete.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3LandingSettings } from '../config/landing-config.ts';
import { fingerprintFile } from '../read/fingerprint.ts';
import {
  destinationPath,
  isLandingName,
  landedCandidates,
  landingFolder,
  newLandingName,
  variant,
} from './landing.ts';
import { LandingIntegrityError, type LandingStore, type PlacedFile } from './landing-store.ts';
import { type Bucket, openBucket, status, type WriteResult } from './s3-bucket.ts';

/** A job is failed after PERFRECON_JOB_TIMEOUT_SECONDS, at most a day: no job reads an older copy. */
const ABANDONED_MS = 24 * 3600 * 1000;

/** Remove the local copies of jobs whose process was killed before it could delete them. */
async function removeAbandonedCopies(scratchPath: string): Promise<void> {
  for (const entry of await fs.readdir(scratchPath, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'uploads') continue;
    const dir = path.join(scratchPath, entry.name);
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat !== undefined && Date.now() - stat.mtimeMs > ABANDONED_MS) {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}

const VERIFY_ATTEMPTS = 4;
const VERIFY_DELAY_MS = 250;

export function s3LandingStore(
  settings: S3LandingSettings,
  bucket: Bucket = openBucket(settings),
): LandingStore {
  // Keys are laid out like the folder's paths, with the prefix as root (POSIX separators).
  const keys = landingFolder(settings.prefix);
  const root = `s3://${settings.bucket}/${settings.prefix}`.replace(/\/$/, '');
  const url = (key: string) => `s3://${settings.bucket}/${key}`;
  const keyOf = (location: string) => location.slice(`s3://${settings.bucket}/`.length);

  async function verify(key: string, sha256: string): Promise<void> {
    // Read back a few times before refusing: a second watcher copying the same object to the same
    // name, on a store whose objects show before they are complete (s3rver writes in place), is
    // seen mid-write once; the same bytes a moment later are not a corruption.
    let actual = await bucket.hash(key);
    for (let attempt = 1; attempt <= VERIFY_ATTEMPTS && actual.sha256 !== sha256; attempt++) {
      await sleep(VERIFY_DELAY_MS * attempt);
      actual = await bucket.hash(key);
    }
    if (actual.sha256 === sha256) return;
    // Ours to remove: the key was free before this write.
    await bucket.delete(key);
    throw new LandingIntegrityError(
      `the copy ${url(key)} has SHA-256 ${actual.sha256}, not ${sha256}: refused`,
      'The bytes changed on the way or at the source, which is left where it was. Check who writes to the bucket.',
    );
  }

  /**
   * Write under `key`, or the first free numbered variant, never over another file; a key holding
   * these very bytes already is a repeat's own earlier write, and is taken as done.
   */
  async function writeNew(key: string, sha256: string, write: (key: string) => Promise<WriteResult>) {
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? key : variant(key, n);
      if ((await bucket.head(candidate)) === undefined && (await write(candidate)) === 'written') {
        await verify(candidate, sha256);
        return candidate;
      }
      if ((await bucket.hash(candidate)).sha256 === sha256) return candidate;
    }
    throw new Error(`cannot find a free name for ${url(key)}`);
  }

  async function moveKey(sourceKey: string, targetKey: string, sha256: string | undefined): Promise<string> {
    if (sourceKey === targetKey) return url(targetKey);
    const expected = sha256 ?? (await bucket.hash(sourceKey)).sha256;
    const landed = await writeNew(targetKey, expected, (candidate) => bucket.copy(sourceKey, candidate));
    await bucket.delete(sourceKey);
    return url(landed);
  }

  const processingKey = (landingName: string) => path.posix.join(keys.processing, landingName);

  return {
    root,
    inbox: url(`${keys.inbox}/`),
    uploads: path.join(settings.scratchPath, 'uploads'),
    async ensure() {
      await bucket.check();
      await fs.mkdir(path.join(settings.scratchPath, 'uploads'), { recursive: true });
      await removeAbandonedCopies(settings.scratchPath);
    },
    async place(sourcePath, landingName, mode): Promise<PlacedFile> {
      const { sha256, sizeBytes } = await fingerprintFile(sourcePath);
      const key = await writeNew(processingKey(landingName), sha256, (candidate) =>
        bucket.putFile(sourcePath, candidate, sha256, sizeBytes),
      );
      if (mode === 'move') await fs.rm(sourcePath, { force: true });
      return { landingName: path.posix.basename(key), path: url(key), sha256, sizeBytes };
    },
    async listInbox() {
      const objects = await bucket.list(`${keys.inbox}/`);
      return objects.map((object) => ({
        name: path.posix.basename(object.key),
        size: object.size,
        modifiedMs: object.modifiedMs,
        complete: true,
      }));
    },
    async takeFromInbox(entry, claims) {
      const sourceKey = path.posix.join(keys.inbox, entry.name);
      const object = await bucket.head(sourceKey);
      if (object === undefined) return undefined;
      // The landing name follows from the object (its name, time and ETag): watchers on two
      // machines taking the same object pick the same name, so it lands once and has one job.
      const tag = createHash('sha256')
        .update(`${entry.name}\n${object.etag}\n${object.modifiedMs}`)
        .digest('hex');
      const landingName = newLandingName(entry.name, new Date(object.modifiedMs), tag.slice(0, 6));
      // Only one of them writes that name: a store that ignores If-None-Match would let their
      // copies overwrite each other (on s3rver an overwrite deletes the key first and loses it
      // when the other has deleted the source meanwhile).
      if (claims !== undefined && !(await claims.claim(landingName))) return undefined;
      try {
        const { sha256, sizeBytes } = await bucket.hash(sourceKey);
        const landed = await moveKey(sourceKey, processingKey(landingName), sha256);
        return { landingName: path.posix.basename(landed), path: landed, sha256, sizeBytes };
      } catch (error) {
        // Another watcher finished taking it meanwhile (it lands under the same name).
        if (status(error) === 404 && (await bucket.head(sourceKey)) === undefined) return undefined;
        throw error;
      } finally {
        await claims?.release(landingName);
      }
    },
    async listProcessing() {
      const objects = await bucket.list(`${keys.processing}/`);
      return objects
        .map((object) => ({
          landingName: path.posix.basename(object.key),
          ageMs: Date.now() - object.modifiedMs,
        }))
        .filter((file) => isLandingName(file.landingName))
        .sort((a, b) => a.landingName.localeCompare(b.landingName));
    },
    fingerprint: (landingName) => bucket.hash(processingKey(landingName)),
    async locate(landingName) {
      for (const candidate of landedCandidates(keys, landingName)) {
        if ((await bucket.head(candidate.path)) !== undefined)
          return { ...candidate, path: url(candidate.path) };
      }
      return undefined;
    },
    destination: (place, landingName) => url(destinationPath(keys, place, landingName)),
    move: (file, destination, landingName, sha256) =>
      moveKey(keyOf(file.path), destinationPath(keys, destination, landingName), sha256),
    async withLocalCopy(file, sha256, read) {
      // Named as landed: the readers tell the format by the extension.
      const dir = path.join(settings.scratchPath, randomUUID());
      const localPath = path.join(dir, path.posix.basename(file.path));
      await fs.mkdir(dir, { recursive: true });
      try {
        const actual = await bucket.hash(keyOf(file.path), localPath);
        if (actual.sha256 !== sha256) {
          throw new LandingIntegrityError(
            `${file.path} has SHA-256 ${actual.sha256}, not ${sha256} as when it was taken in: refused`,
            'Someone changed the object after its intake. Drop the intended file into inbox/ again.',
          );
        }
        return await read(localPath);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
    relative: (location) => (location.startsWith(`${root}/`) ? location.slice(root.length + 1) : location),
  };
}
