// The landing as a folder on this machine (or a share every machine mounts): rename into
// processing/, hard link then unlink to move (landing.ts). The readers work on the file itself.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fingerprintFile } from '../read/fingerprint.ts';
import {
  copyInto,
  destinationPath,
  ensureLandingFolder,
  landingFolder,
  listProcessing,
  locateLandedFile,
  moveNoClobber,
  newLandingName,
} from './landing.ts';
import type { InboxEntry, LandingStore, PlacedFile } from './landing-store.ts';

export function folderLandingStore(root: string): LandingStore {
  const folder = landingFolder(root);

  async function placed(landedPath: string): Promise<PlacedFile> {
    return {
      landingName: path.basename(landedPath),
      path: landedPath,
      ...(await fingerprintFile(landedPath)),
    };
  }

  return {
    root,
    inbox: folder.inbox,
    // Beside processing/, on the same file system: the intake of an upload is a rename.
    uploads: path.join(root, 'uploads'),
    ensure: () => ensureLandingFolder(folder),
    async place(sourcePath, landingName, mode) {
      if (mode === 'copy') return placed(await copyInto(sourcePath, folder.processing, landingName));
      const landedPath = path.join(folder.processing, landingName);
      await fs.rename(sourcePath, landedPath);
      return placed(landedPath);
    },
    async listInbox() {
      const entries = await fs.readdir(folder.inbox, { withFileTypes: true }).catch(() => []);
      const files: InboxEntry[] = [];
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const stat = await fs.stat(path.join(folder.inbox, entry.name)).catch(() => undefined);
        if (stat === undefined) continue;
        files.push({ name: entry.name, size: stat.size, modifiedMs: stat.mtimeMs, complete: false });
      }
      return files;
    },
    async takeFromInbox(entry) {
      const landedPath = path.join(folder.processing, newLandingName(entry.name));
      await fs.rename(path.join(folder.inbox, entry.name), landedPath);
      return placed(landedPath);
    },
    async listProcessing() {
      const waiting: { landingName: string; ageMs: number }[] = [];
      for (const landingName of await listProcessing(folder)) {
        const stat = await fs.stat(path.join(folder.processing, landingName)).catch(() => undefined);
        if (stat !== undefined) waiting.push({ landingName, ageMs: Date.now() - stat.ctimeMs });
      }
      return waiting;
    },
    fingerprint: (landingName) => fingerprintFile(path.join(folder.processing, landingName)),
    locate: (landingName) => locateLandedFile(folder, landingName),
    destination: (destination, landingName) => destinationPath(folder, destination, landingName),
    async move(file, destination, landingName) {
      const target = destinationPath(folder, destination, landingName);
      return file.path === target ? target : moveNoClobber(file.path, target);
    },
    // A hard link cannot change the bytes, and the readers fingerprint what they read.
    withLocalCopy: (file, _sha256, read) => read(file.path),
    relative: (location) => path.relative(root, location),
  };
}
