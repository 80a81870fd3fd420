// Which process owns the embedded database. PGlite must never be opened twice on one data folder
// (that corrupts it), so exactly one process may own it, and a process that dies must not keep it.
//
// The lock is a folder of numbered claims, `embedded-db.lock/<n>`, each naming the process that
// made it. The owner is the maker of the highest claim while it lives and has not released it.
// A process that finds no live owner creates the next claim, n+1, with link(2), which fails when
// the name exists: of processes racing to succeed one dead owner, exactly one wins, and the others
// find it alive. The highest claim is never deleted (the owner deletes the ones below it), so a
// process acting on an old view can only create a claim below the highest; it looks again before
// it counts as owner, sees the higher claim, and withdraws.
//
// (What this replaces: deleting a stale lock file, then creating one. Between the two, another
// process could delete the lock just taken, and two processes opened PGlite.)
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type Ownership = { kind: 'owned'; release(): void } | { kind: 'held'; pid: number };

interface Claim {
  n: number;
  pid: number;
  released: boolean;
}

const CLAIM_NAME = /^\d+$/;
/** No claim yet: as if a released claim 0 were there. */
const NO_CLAIM: Claim = { n: 0, pid: 0, released: true };

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isLive = (claim: Claim) => !claim.released && isAlive(claim.pid);

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** The highest claim, or undefined when it vanished while being read (look again). */
function readHighest(dir: string): Claim | undefined {
  const numbers = fs
    .readdirSync(dir)
    .filter((name) => CLAIM_NAME.test(name))
    .map(Number);
  if (numbers.length === 0) return NO_CLAIM;
  const n = Math.max(...numbers);
  try {
    const { pid, released } = JSON.parse(fs.readFileSync(path.join(dir, String(n)), 'utf8'));
    return { n, pid, released: released === true };
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function highestClaim(dir: string): Claim {
  for (;;) {
    const claim = readHighest(dir);
    if (claim !== undefined) return claim;
  }
}

/**
 * Write claim `n` whole, then give it its name: readers never see a half-written claim.
 * `exclusive`: fail (false) when the name exists; otherwise replace it.
 */
function writeClaim(dir: string, n: number, released: boolean, exclusive: boolean): boolean {
  // Temporary names carry the pid, so that the owner can delete those of dead processes.
  const temp = path.join(dir, `.${process.pid}-${randomUUID()}`);
  fs.writeFileSync(temp, JSON.stringify({ pid: process.pid, released }), { mode: 0o600 });
  const target = path.join(dir, String(n));
  try {
    if (!exclusive) {
      fs.renameSync(temp, target);
      return true;
    }
    fs.linkSync(temp, target);
    return true;
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** The owner's clean-up: claims below its own, and temporary files of processes that died. */
function removeOlder(dir: string, own: number): void {
  for (const name of fs.readdirSync(dir)) {
    const older = CLAIM_NAME.test(name) && Number(name) < own;
    const deadTemp = /^\.(\d+)-/.exec(name);
    if (older || (deadTemp !== null && !isAlive(Number(deadTemp[1])))) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

/**
 * A lock file left by an earlier perfrecon, where the folder now goes: a live owner keeps it;
 * a dead one's is deleted (unlink cannot delete the folder another process put there meanwhile).
 */
function legacyOwner(dir: string): number | undefined {
  for (;;) {
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
      return undefined;
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    let pid: number;
    try {
      if (fs.lstatSync(dir).isDirectory()) return undefined;
      pid = Number(fs.readFileSync(dir, 'utf8').trim());
    } catch (error) {
      if (code(error) === 'ENOENT' || code(error) === 'EISDIR') continue;
      throw error;
    }
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return pid;
    try {
      fs.unlinkSync(dir);
    } catch (error) {
      if (!['ENOENT', 'EISDIR', 'EPERM'].includes(code(error) ?? '')) throw error;
    }
  }
}

/** Become the owner, or learn which live process is. */
export function takeOrFindOwner(dir: string): Ownership {
  const legacy = legacyOwner(dir);
  if (legacy !== undefined) return { kind: 'held', pid: legacy };
  for (;;) {
    const top = highestClaim(dir);
    if (isLive(top)) return { kind: 'held', pid: top.pid };
    const mine = top.n + 1;
    if (!writeClaim(dir, mine, false, true)) continue;
    if (highestClaim(dir).n !== mine) {
      // Created on an old view, below a newer owner's claim: withdraw and look again.
      fs.rmSync(path.join(dir, String(mine)), { force: true });
      continue;
    }
    removeOlder(dir, mine);
    return { kind: 'owned', release: () => writeClaim(dir, mine, true, false) };
  }
}

/** The live owner's pid, if any. */
export function currentOwner(dir: string): number | undefined {
  const legacy = legacyOwner(dir);
  if (legacy !== undefined) return legacy;
  const top = highestClaim(dir);
  return isLive(top) ? top.pid : undefined;
}
