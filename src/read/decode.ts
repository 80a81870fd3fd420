// Text encodings of vendor files. A byte-order mark decides (UTF-8, UTF-16 LE/BE, as Excel's
// "Unicode text" writes); without one, UTF-16 is recognised by its zero bytes, a sample that is
// valid UTF-8 is UTF-8, and anything else is Windows-1252 (a superset of Latin-1 for text).
// A configured encoding is used as given, its BOM stripped.
import { open } from 'node:fs/promises';
import type { Transform } from 'node:stream';
import iconv from 'iconv-lite';

export interface Encoding {
  /** iconv-lite name: utf8, utf16le, utf16be, windows-1252, ... */
  name: string;
  /** How it was decided, for messages and lineage. */
  how: 'bom' | 'detected' | 'configured';
}

export const SNIFF_BYTES = 64 * 1024;

export function isKnownEncoding(name: string): boolean {
  return name === 'auto' || iconv.encodingExists(name);
}

function canonicalName(name: string): string {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n === 'utf8') return 'utf8';
  if (n === 'utf16le' || n === 'ucs2') return 'utf16le';
  if (n === 'utf16be') return 'utf16be';
  if (n === 'cp1252' || n === 'windows1252') return 'windows-1252';
  if (n === 'latin1' || n === 'iso88591') return 'latin1';
  return name;
}

function isValidUtf8(sample: Buffer): boolean {
  try {
    // `stream: true` tolerates a multi-byte sequence cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function detectEncoding(sample: Buffer, configured = 'auto'): Encoding {
  if (configured !== 'auto') return { name: canonicalName(configured), how: 'configured' };
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { name: 'utf8', how: 'bom' };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { name: 'utf16le', how: 'bom' };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { name: 'utf16be', how: 'bom' };
  // ASCII text in UTF-16 without a BOM has a zero in every other byte.
  const pairs = Math.min(sample.length >> 1, 512);
  if (pairs >= 2) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < pairs * 2; i += 2) {
      if (sample[i] === 0) evenZeros++;
      if (sample[i + 1] === 0) oddZeros++;
    }
    if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.1) return { name: 'utf16le', how: 'detected' };
    if (evenZeros > pairs * 0.6 && oddZeros < pairs * 0.1) return { name: 'utf16be', how: 'detected' };
  }
  return isValidUtf8(sample) ? { name: 'utf8', how: 'detected' } : { name: 'windows-1252', how: 'detected' };
}

export async function readSample(filePath: string, bytes = SNIFF_BYTES): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A streaming decoder (bytes in, strings out) that drops a leading BOM. */
export function createDecoder(encoding: Encoding): Transform {
  return iconv.decodeStream(encoding.name, { stripBOM: true }) as unknown as Transform;
}

export function decodeBuffer(buffer: Buffer, encoding: Encoding): string {
  return iconv.decode(buffer, encoding.name, { stripBOM: true });
}

/** Undecodable bytes become U+FFFD; finding one means the file is not in the assumed encoding. */
export const REPLACEMENT_CHAR = '\uFFFD';
