// The checks before a file is read: size, emptiness, extension against the vendor's formats,
// and the first bytes against the format (an .xlsx is a ZIP; a legacy .xls or a password-
// protected workbook is an OLE2 compound file; CSV and JSON are text). Each failure says what
// to do about it.
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileRejectedError } from '../domain/errors.ts';
import type { VendorConfig, VendorSource } from '../domain/vendor-config.ts';
import { detectEncoding, SNIFF_BYTES } from './decode.ts';
import { OLE2, OLE2_KINDS, sniffFileSignature, ZIP } from './excel/file-signature.ts';
import { resolveVendorSource } from './index.ts';

export interface ValidatedFile {
  source: VendorSource;
  sizeBytes: number;
}

const KNOWN_BINARIES: { magic: Buffer; what: string }[] = [
  { magic: Buffer.from('%PDF'), what: 'a PDF document' },
  { magic: Buffer.from([0x89, 0x50, 0x4e, 0x47]), what: 'a PNG image' },
  { magic: Buffer.from([0xff, 0xd8, 0xff]), what: 'a JPEG image' },
  { magic: Buffer.from([0x1f, 0x8b]), what: 'a gzip archive' },
  { magic: ZIP, what: 'a ZIP archive (an .xlsx workbook?)' },
];

/** Line and column (1-based, in bytes) of a byte offset in text. */
function lineAndColumn(bytes: Buffer, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let at = bytes.indexOf(10); at >= 0 && at < offset; at = bytes.indexOf(10, at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${n} bytes`;
}

async function head(filePath: string): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function validateFile(
  filePath: string,
  vendor: VendorConfig,
  options: { maxBytes: number; fileName?: string },
): Promise<ValidatedFile> {
  const file = options.fileName ?? path.basename(filePath);
  let sizeBytes: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new FileRejectedError('is not a file', { file }, 'Give the path of a file.');
    sizeBytes = info.size;
  } catch (e) {
    if (e instanceof FileRejectedError) throw e;
    throw new FileRejectedError(
      `cannot be read: ${(e as Error).message}`,
      { file },
      'Check the path and its permissions.',
    );
  }
  if (sizeBytes === 0) {
    throw new FileRejectedError(
      'the file is empty (0 bytes)',
      { file },
      'Ask the vendor to resend the file.',
    );
  }
  if (sizeBytes > options.maxBytes) {
    throw new FileRejectedError(
      `the file is ${formatBytes(sizeBytes)}, above the limit of ${formatBytes(options.maxBytes)}`,
      { file },
      'Raise PERFRECON_MAX_FILE_MB, or ask the vendor to split the file.',
    );
  }
  const source = resolveVendorSource(file, vendor);
  const bytes = await head(filePath);
  const starts = (magic: Buffer) => bytes.subarray(0, magic.length).equals(magic);
  // Both a legacy workbook and a password-protected one are OLE2 files; the directory says which.
  const ole2 = starts(OLE2) ? await sniffFileSignature(filePath) : undefined;
  const kind = ole2 === 'ole2-encrypted' || ole2 === 'ole2-xls' ? ole2 : 'ole2';
  if (source.format === 'xlsx') {
    if (ole2 !== undefined) {
      throw new FileRejectedError(
        `is ${OLE2_KINDS[kind].what}, which perfrecon cannot read`,
        { file },
        OLE2_KINDS[kind].fix,
      );
    }
    if (!starts(ZIP)) {
      const known = KNOWN_BINARIES.find((k) => starts(k.magic));
      throw new FileRejectedError(
        `is not an .xlsx workbook${known ? ` (it is ${known.what})` : ' (it does not start with the ZIP signature of .xlsx files)'}`,
        { file },
        'Ask the vendor for the .xlsx file, or save the file as .xlsx in Excel.',
      );
    }
    return { source, sizeBytes };
  }
  if (ole2 !== undefined) {
    throw new FileRejectedError(
      `is ${OLE2_KINDS[kind].what}, not a ${source.format.toUpperCase()} file`,
      { file },
      kind === 'ole2' ? OLE2_KINDS.ole2.fix : `${OLE2_KINDS[kind].fix.slice(0, -1)}, or as CSV.`,
    );
  }
  const known = KNOWN_BINARIES.find((k) => starts(k.magic));
  if (known) {
    throw new FileRejectedError(
      `is ${known.what}, not a ${source.format.toUpperCase()} file`,
      { file },
      `Ask the vendor for the ${source.format.toUpperCase()} file.`,
    );
  }
  const encoding = detectEncoding(bytes, 'auto');
  const nul = encoding.name.startsWith('utf16') ? -1 : bytes.indexOf(0);
  if (nul >= 0) {
    throw new FileRejectedError(
      `is a binary file, not ${source.format.toUpperCase()} text (a NUL byte at ${lineAndColumn(bytes, nul)})`,
      { file },
      `Ask the vendor for the ${source.format.toUpperCase()} file.`,
    );
  }
  if (source.format === 'json') {
    const text = new TextDecoder(
      encoding.name === 'utf8'
        ? 'utf-8'
        : encoding.name === 'utf16le'
          ? 'utf-16le'
          : encoding.name === 'utf16be'
            ? 'utf-16be'
            : 'windows-1252',
    ).decode(bytes.subarray(0, 1024));
    const first = text.replace(/^\uFEFF/, '').trimStart()[0];
    if (first !== undefined && first !== '{' && first !== '[') {
      throw new FileRejectedError(
        `is not JSON (it starts with "${text.trimStart().slice(0, 20)}")`,
        { file },
        'Check that the vendor sent the JSON file, not CSV or an error page.',
      );
    }
  }
  return { source, sizeBytes };
}
