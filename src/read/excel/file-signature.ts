// What kind of file this is, judged by its first bytes rather than its name: vendors send
// legacy .xls, password-protected workbooks (an OLE2 container, not a zip) and HTML tables
// saved as .xls, and each deserves its own message.
import { open } from 'node:fs/promises';

export type FileSignature = 'zip' | 'ole2-encrypted' | 'ole2' | 'markup' | 'empty' | 'other';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
// An encrypted OOXML workbook is an OLE2 file holding the streams EncryptionInfo and
// EncryptedPackage; their directory entries store the names in UTF-16LE.
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

export async function sniffFileSignature(filePath: string): Promise<FileSignature> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead === 0) return 'empty';
    const start = head.subarray(0, bytesRead);
    if (start.subarray(0, 4).equals(ZIP) || start.subarray(0, 4).equals(ZIP_EMPTY)) return 'zip';
    if (start.subarray(0, 8).equals(OLE2)) {
      return (await containsBytes(handle, ENCRYPTED_PACKAGE)) ? 'ole2-encrypted' : 'ole2';
    }
    const text = start
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (text.startsWith('<')) return 'markup';
    return 'other';
  } finally {
    await handle.close();
  }
}

async function containsBytes(
  handle: import('node:fs/promises').FileHandle,
  needle: Buffer,
): Promise<boolean> {
  const chunk = Buffer.alloc(1024 * 1024);
  let position = 0;
  let carry = Buffer.alloc(0);
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return false;
    const window = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
    if (window.includes(needle)) return true;
    carry = window.subarray(Math.max(0, window.length - needle.length + 1));
    position += bytesRead;
  }
}
