// The landing as the pipeline sees it, wherever it lies: a folder (landing-folder-store.ts) or
// a bucket of an S3-compatible store (landing-s3-store.ts). Both keep the same layout and the
// same guarantees: a file is never overwritten, its bytes never change, a move leaves it in at
// least one place, and its place and name follow from its landing name alone (landing.ts).
import { PermanentJobError } from './failure.ts';
import type { LandingDestination, LandingPlace, LocatedFile } from './landing.ts';

/** A file placed in processing/, with the fingerprint of the bytes placed. */
export interface PlacedFile {
  landingName: string;
  /** Where it lies: a path, or an s3:// URL. */
  path: string;
  sha256: string;
  sizeBytes: number;
}

export interface InboxEntry {
  name: string;
  size: number;
  modifiedMs: number;
  /** An object exists only once written whole; a file in a folder may still be being written. */
  complete: boolean;
}

/** Claims on inbox objects, shared by every process on the database (a row per landing name). */
export interface LandingClaims {
  /** True when this process may take the object now; false: another process is taking it. */
  claim(landingName: string): Promise<boolean>;
  release(landingName: string): Promise<void>;
}

export interface LandingStore {
  /** The folder, or s3://bucket/prefix: for messages. */
  readonly root: string;
  readonly inbox: string;
  /** A local folder where uploads are written before their intake. */
  readonly uploads: string;
  ensure(): Promise<void>;
  /** Place a local file in processing/ ('move' removes the source once it is placed). */
  place(sourcePath: string, landingName: string, mode: 'move' | 'copy'): Promise<PlacedFile>;
  listInbox(): Promise<InboxEntry[]>;
  /**
   * Move a complete file from inbox/ to processing/ under a new landing name; undefined when
   * another process took it (or holds the claim on it: a store whose moves are not atomic takes
   * an object only under a claim every process sees).
   */
  takeFromInbox(entry: InboxEntry, claims?: LandingClaims): Promise<PlacedFile | undefined>;
  /** Landed files waiting in processing/, with how long ago each was placed there. */
  listProcessing(): Promise<{ landingName: string; ageMs: number }[]>;
  fingerprint(landingName: string): Promise<{ sha256: string; sizeBytes: number }>;
  /** Find a landed file: in processing/, kept in error/, or already moved on. */
  locate(landingName: string): Promise<LocatedFile | undefined>;
  /** Where a landed file goes for an outcome. */
  destination(place: LandingPlace, landingName: string): string;
  /**
   * Move without overwriting another file; returns where the file now is. `sha256` is what the
   * bytes must be (undefined: whatever the source holds): a store that copies checks the copy
   * against it before removing the source.
   */
  move(
    file: LocatedFile,
    destination: LandingDestination,
    landingName: string,
    sha256: string | undefined,
  ): Promise<string>;
  /** Run `read` on a local path holding the file's bytes, refused unless they hash to `sha256`. */
  withLocalCopy<T>(file: LocatedFile, sha256: string, read: (localPath: string) => Promise<T>): Promise<T>;
  /** A location as shown in messages: relative to the root. */
  relative(location: string): string;
}

/**
 * The bytes of a landed file are not the ones taken in, or a copy differs from its source:
 * refused, and left for an operator (retrying cannot change the bytes back).
 */
export class LandingIntegrityError extends PermanentJobError {}
