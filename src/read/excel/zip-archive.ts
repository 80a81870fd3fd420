// Random access to the entries of a zip archive through its central directory, using only
// node:zlib. The Excel reader uses it to reject truncated or damaged workbooks before the
// streaming parser sees them: exceljs's streaming reader reads the zip front to back, and a
// damaged deflate stream there surfaces as an uncaught 'error' event that no caller can catch.
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

export interface ZipArchive {
  filePath: string;
  size: number;
  entries: Map<string, ZipEntry>;
}

/**
 * Bounds on what an archive may expand to, checked on the sizes its directory declares when it
 * is opened; while inflating, an entry is stopped the moment it exceeds its declared size, so
 * no entry ever produces more than these bounds allow (a zip bomb is refused unread).
 */
export interface ZipLimits {
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries together. */
  maxTotalBytes: number;
  /** Uncompressed size over compressed size, for entries above RATIO_FLOOR_BYTES. */
  maxRatio: number;
}

/** Workbook parts compress about 10-30 times; zip bombs a thousand times. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

/** Small entries may compress better than maxRatio (a part of repeated empty cells). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

/** Why an archive or one of its entries cannot be read. The caller words it for the user. */
export class ZipFormatError extends Error {
  readonly entry: string | undefined;
  constructor(message: string, entry?: string) {
    super(message);
    this.name = 'ZipFormatError';
    this.entry = entry;
  }
}

/** An archive that would expand beyond ZipLimits: refused, not damaged. */
export class ZipLimitError extends ZipFormatError {
  constructor(message: string, entry?: string) {
    super(message, entry);
    this.name = 'ZipLimitError';
  }
}

const MIB = 1024 * 1024;
const limit = (bytes: number) => (bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`);

function checkLimits(entries: Map<string, ZipEntry>, limits: ZipLimits): void {
  let total = 0;
  for (const entry of entries.values()) {
    const { name, uncompressedSize, compressedSize } = entry;
    if (uncompressedSize > limits.maxEntryBytes) {
      throw new ZipLimitError(
        `"${name}" would expand to ${uncompressedSize} bytes, more than the ${limit(limits.maxEntryBytes)} allowed for one part`,
        name,
      );
    }
    const ratio = Math.floor(uncompressedSize / Math.max(1, compressedSize));
    if (uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
      throw new ZipLimitError(
        `"${name}" would expand ${ratio} times (from ${compressedSize} to ${uncompressedSize} bytes), more than the ${limits.maxRatio} times a workbook part needs: it has the shape of a zip bomb`,
        name,
      );
    }
    total += uncompressedSize;
  }
  if (total > limits.maxTotalBytes) {
    throw new ZipLimitError(
      `its parts would expand to ${total} bytes in all, more than the ${limit(limits.maxTotalBytes)} allowed for a workbook`,
    );
  }
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Reads the central directory. Throws ZipFormatError when the archive is incomplete, and
 * ZipLimitError when the sizes it declares exceed `limits`.
 */
export async function openZipArchive(
  filePath: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<ZipArchive> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + MAX_COMMENT);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new ZipFormatError(
        'the end of the zip archive is missing, so the file was probably cut short in transfer',
      );
    }
    let entryCount = tail.readUInt16LE(eocd + 10);
    let directorySize = tail.readUInt32LE(eocd + 12);
    let directoryOffset = tail.readUInt32LE(eocd + 16);
    if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locatorAt = eocd - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_END_LOCATOR) {
        throw new ZipFormatError('the ZIP64 end-of-archive locator is missing');
      }
      const recordOffset = Number(tail.readBigUInt64LE(locatorAt + 8));
      const record = await readAt(handle, recordOffset, 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
        throw new ZipFormatError('the ZIP64 end-of-archive record is missing');
      }
      entryCount = Number(record.readBigUInt64LE(32));
      directorySize = Number(record.readBigUInt64LE(40));
      directoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (directoryOffset + directorySize > size) {
      throw new ZipFormatError(
        'the zip directory lies beyond the end of the file, so the file was probably cut short in transfer',
      );
    }
    const directory = await readAt(handle, directoryOffset, directorySize);
    const entries = parseCentralDirectory(directory, entryCount);
    checkLimits(entries, limits);
    await checkCoverage(handle, entries, directoryOffset);
    for (const entry of entries.values()) {
      if (entry.localHeaderOffset + 30 + entry.compressedSize > size) {
        throw new ZipFormatError(
          `the data of "${entry.name}" lies beyond the end of the file, so the file was probably cut short in transfer`,
          entry.name,
        );
      }
    }
    return { filePath, size, entries };
  } finally {
    await handle.close();
  }
}

/** A data descriptor (after an entry's data when flag bit 3 is set) is 12 to 24 bytes. */
const MAX_DATA_DESCRIPTOR = 24;

/**
 * exceljs reads the zip front to back and so sees every local entry, listed in the directory or
 * not: an entry hidden between the listed ones, or two listed entries sharing their data (the
 * overlapping zip bomb), would escape the limits. The listed entries must cover the file up to
 * the directory, one after the other, each local header agreeing with the directory.
 */
async function checkCoverage(
  handle: FileHandle,
  entries: Map<string, ZipEntry>,
  directoryOffset: number,
): Promise<void> {
  const ordered = [...entries.values()].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let end = 0;
  let slack = 0;
  let previous = 'the start of the file';
  const checkGap = (at: number, what: string) => {
    if (at < end) {
      throw new ZipLimitError(
        `${what} overlaps the data of ${previous}, which is how a zip bomb reuses its data`,
      );
    }
    if (at - end > slack) {
      throw new ZipFormatError(
        `the zip holds ${at - end} bytes between ${previous} and ${what} that its directory does not list`,
      );
    }
  };
  for (const entry of ordered) {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_FILE_HEADER) {
      throw new ZipFormatError(`the local header of "${entry.name}" is damaged`, entry.name);
    }
    const descriptor = (header.readUInt16LE(6) & 8) !== 0;
    const compressed = header.readUInt32LE(18);
    if (
      header.readUInt16LE(8) !== entry.method ||
      (!descriptor && compressed !== 0xffffffff && compressed !== entry.compressedSize)
    ) {
      throw new ZipFormatError(
        `the local header of "${entry.name}" disagrees with the zip directory`,
        entry.name,
      );
    }
    checkGap(entry.localHeaderOffset, `"${entry.name}"`);
    end =
      entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28) + entry.compressedSize;
    slack = descriptor ? MAX_DATA_DESCRIPTOR : 0;
    previous = `"${entry.name}"`;
  }
  checkGap(directoryOffset, 'the zip directory');
}

function parseCentralDirectory(directory: Buffer, entryCount: number): Map<string, ZipEntry> {
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < entryCount; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_DIRECTORY_HEADER) {
      throw new ZipFormatError('the zip directory is damaged');
    }
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
    let compressedSize = directory.readUInt32LE(at + 20);
    let uncompressedSize = directory.readUInt32LE(at + 24);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    // ZIP64 extended information: only the fields whose 32-bit value is saturated are present.
    const extraStart = at + 46 + nameLength;
    for (let x = extraStart; x + 4 <= extraStart + extraLength; ) {
      const id = directory.readUInt16LE(x);
      const length = directory.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let field = x + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = Number(directory.readBigUInt64LE(field));
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(directory.readBigUInt64LE(field));
          field += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(directory.readBigUInt64LE(field));
      }
      x += 4 + length;
    }
    entries.set(name, {
      name,
      method: directory.readUInt16LE(at + 10),
      crc32: directory.readUInt32LE(at + 16),
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      encrypted: (flags & 1) === 1,
    });
    at = extraStart + extraLength + commentLength;
  }
  return entries;
}

async function dataOffset(archive: ZipArchive, entry: ZipEntry): Promise<number> {
  const handle = await open(archive.filePath, 'r');
  try {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_FILE_HEADER) {
      throw new ZipFormatError(`the local header of "${entry.name}" is damaged`, entry.name);
    }
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
}

/** The uncompressed bytes of an entry as a stream. The caller must consume or destroy it. */
export async function openEntryStream(archive: ZipArchive, entry: ZipEntry): Promise<Readable> {
  if (entry.encrypted) throw new ZipFormatError(`"${entry.name}" is encrypted`, entry.name);
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw new ZipFormatError(
      `"${entry.name}" uses compression method ${entry.method}, which is not supported`,
      entry.name,
    );
  }
  const start = await dataOffset(archive, entry);
  if (start + entry.compressedSize > archive.size) {
    throw new ZipFormatError(
      `the data of "${entry.name}" lies beyond the end of the file, so the file was probably cut short in transfer`,
      entry.name,
    );
  }
  if (entry.compressedSize === 0) return Readable.from([]);
  const raw = createReadStream(archive.filePath, {
    start,
    end: start + entry.compressedSize - 1,
    highWaterMark: 256 * 1024,
  });
  if (entry.method === STORED) return raw;
  const inflate = createInflateRaw();
  raw.on('error', (error) => inflate.destroy(error));
  inflate.on('close', () => raw.destroy());
  return raw.pipe(inflate);
}

/**
 * Decompresses an entry in full and checks its size and CRC-32, handing each chunk to
 * `onChunk`. Throws ZipFormatError naming the entry when the data is damaged, and stops the
 * moment it yields more than its declared size (bounded by ZipLimits when the archive opened).
 */
export async function verifyEntry(
  archive: ZipArchive,
  entry: ZipEntry,
  onChunk?: (chunk: Buffer) => void,
): Promise<void> {
  const stream = await openEntryStream(archive, entry);
  let checksum = 0;
  let length = 0;
  // What `onChunk` throws (a refused part) is the caller's, passed on as it is.
  let refused: { error: unknown } | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > entry.uncompressedSize) {
        throw new ZipFormatError(
          `"${entry.name}" decompresses to more than the ${entry.uncompressedSize} bytes its zip directory declares`,
          entry.name,
        );
      }
      checksum = crc32(chunk, checksum);
      try {
        onChunk?.(chunk);
      } catch (error) {
        refused = { error };
        break;
      }
    }
  } catch (error) {
    if (error instanceof ZipFormatError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ZipFormatError(`"${entry.name}" does not decompress (${reason})`, entry.name);
  }
  if (refused !== undefined) throw refused.error;
  if (length !== entry.uncompressedSize || checksum >>> 0 !== entry.crc32) {
    throw new ZipFormatError(`"${entry.name}" fails its CRC-32 check`, entry.name);
  }
}

/** Reads a small entry (workbook.xml, relationships) into a string; `inspect` sees each chunk first. */
export async function readEntryText(
  archive: ZipArchive,
  entry: ZipEntry,
  inspect?: (chunk: Buffer) => void,
  maxBytes = 32 * 1024 * 1024,
): Promise<string> {
  if (entry.uncompressedSize > maxBytes) {
    throw new ZipFormatError(`"${entry.name}" is larger than ${maxBytes} bytes`, entry.name);
  }
  const chunks: Buffer[] = [];
  await verifyEntry(archive, entry, (chunk) => {
    inspect?.(chunk);
    chunks.push(chunk);
  });
  return Buffer.concat(chunks).toString('utf8');
}
