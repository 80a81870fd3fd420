// What kind of file this is, judged by its first bytes rather than its name: vendors send
// legacy .xls, password-protected workbooks (an OLE2 container, not a zip) and HTML tables
// saved as .xls, and each deserves its own message.
import { type FileHandle, open } from 'node:fs/promises';

export type FileSignature = 'zip' | Ole2Kind | 'markup' | 'empty' | 'other';

/** What an OLE2 compound file holds: an encrypted .xlsx, a legacy workbook, or something else. */
export type Ole2Kind = 'ole2-encrypted' | 'ole2-xls' | 'ole2';

/** How each kind of OLE2 file is named to a person, and what to do about it. */
export const OLE2_KINDS: Readonly<Record<Ole2Kind, { what: string; fix: string }>> = {
  'ole2-encrypted': {
    what: 'a password-protected (encrypted) workbook',
    fix: 'Open it in Excel, remove the password and save it as .xlsx.',
  },
  'ole2-xls': {
    what: 'a legacy Excel 97-2003 workbook (.xls)',
    fix: 'Open it in Excel and save it as .xlsx (Excel Workbook).',
  },
  ole2: {
    what: 'an OLE2 compound file with no workbook in it (an Office 97-2003 document?)',
    fix: 'Ask the vendor for the .xlsx file.',
  },
};

/** The first bytes of a zip (an .xlsx) and of an OLE2 compound file (.xls, encrypted .xlsx). */
export const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
export const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
// An encrypted OOXML workbook is an OLE2 file holding the streams EncryptionInfo and
// EncryptedPackage; a legacy workbook holds the stream Workbook (Excel 97-2003) or Book
// (Excel 5/95). Directory entries store the names in UTF-16LE.
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');
const LEGACY_WORKBOOK = [Buffer.from('Workbook', 'utf16le'), Buffer.from('Book', 'utf16le')];

export async function sniffFileSignature(filePath: string): Promise<FileSignature> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead === 0) return 'empty';
    const start = head.subarray(0, bytesRead);
    if (start.subarray(0, 4).equals(ZIP) || start.subarray(0, 4).equals(ZIP_EMPTY)) return 'zip';
    if (start.subarray(0, 8).equals(OLE2)) return await ole2Kind(handle);
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

/** Scans the whole file once: the directory sector may lie anywhere in it. */
async function ole2Kind(handle: FileHandle): Promise<Ole2Kind> {
  const chunk = Buffer.alloc(1024 * 1024);
  const longest = ENCRYPTED_PACKAGE.length;
  let position = 0;
  let carry = Buffer.alloc(0);
  let legacy = false;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return legacy ? 'ole2-xls' : 'ole2';
    const window = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
    if (window.includes(ENCRYPTED_PACKAGE)) return 'ole2-encrypted';
    legacy ||= LEGACY_WORKBOOK.some((name) => window.includes(name));
    carry = window.subarray(Math.max(0, window.length - longest + 1));
    position += bytesRead;
  }
}
