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

/** Why an archive or one of its entries cannot be read. The caller words it for the user. */
export class ZipFormatError extends Error {
  readonly entry: string | undefined;
  constructor(message: string, entry?: string) {
    super(message);
    this.name = 'ZipFormatError';
    this.entry = entry;
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

/** Reads the central directory. Throws ZipFormatError when the archive is incomplete. */
export async function openZipArchive(filePath: string): Promise<ZipArchive> {
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
 * `onChunk`. Throws ZipFormatError naming the entry when the data is damaged.
 */
export async function verifyEntry(
  archive: ZipArchive,
  entry: ZipEntry,
  onChunk?: (chunk: Buffer) => void,
): Promise<void> {
  const stream = await openEntryStream(archive, entry);
  let checksum = 0;
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checksum = crc32(chunk, checksum);
      length += chunk.length;
      onChunk?.(chunk);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ZipFormatError(`"${entry.name}" does not decompress (${reason})`, entry.name);
  }
  if (length !== entry.uncompressedSize || checksum >>> 0 !== entry.crc32) {
    throw new ZipFormatError(`"${entry.name}" fails its CRC-32 check`, entry.name);
  }
}

/** Reads a small entry (workbook.xml, relationships) into a string. */
export async function readEntryText(
  archive: ZipArchive,
  entry: ZipEntry,
  maxBytes = 32 * 1024 * 1024,
): Promise<string> {
  if (entry.uncompressedSize > maxBytes) {
    throw new ZipFormatError(`"${entry.name}" is larger than ${maxBytes} bytes`, entry.name);
  }
  const chunks: Buffer[] = [];
  await verifyEntry(archive, entry, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
