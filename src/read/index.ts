// The entry the pipeline calls: a vendor file in, mapped rows out (canonical periods or
// quarantined rows with their reasons), dispatching on the format of the vendor's source that
// matches the file. Problems with the whole file are thrown as FileRejectedError.
import path from 'node:path';
import { compileGlob } from '../config/glob.ts';
import type { VendorConfig, VendorFormat, VendorSource } from '../config/vendor-types.ts';
import { FileRejectedError } from '../domain/errors.ts';
import { mapRecord, type ReadRecord } from '../map/map-record.ts';
import { readCsvRecords } from './csv.ts';
import type { ReaderHooks } from './hooks.ts';
import { readJsonRecords } from './json.ts';
import type { MappedRow } from './types.ts';
import { readXlsxRecords } from './xlsx-source.ts';

export type { ReaderHooks, SkippedRow } from './hooks.ts';

const FORMAT_OF_EXTENSION: Record<string, VendorFormat> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.tsv': 'csv',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.xls': 'xlsx',
  '.json': 'json',
};

/** Which of a vendor's sources a file is: by file pattern, else by extension, else the only one. */
export function resolveVendorSource(fileName: string, vendor: VendorConfig): VendorSource {
  const base = path.basename(fileName);
  const byPattern = vendor.sources.find((s) => s.filePatterns.some((p) => compileGlob(p).test(base)));
  if (byPattern) return byPattern;
  const format = FORMAT_OF_EXTENSION[path.extname(base).toLowerCase()];
  const byExtension = vendor.sources.find((s) => s.format === format);
  if (byExtension) return byExtension;
  if (vendor.sources.length === 1 && format === undefined) return vendor.sources[0] as VendorSource;
  const formats = vendor.sources.map((s) => s.format).join(' or ');
  throw new FileRejectedError(
    `vendor "${vendor.code}" sends ${formats} files; this file's extension "${path.extname(base)}" is none of these`,
    { file: base },
    `Send the file with the right extension, or pick the vendor that sends ${format ?? 'this'} files.`,
  );
}

export function readRecords(
  filePath: string,
  source: VendorSource,
  hooks: ReaderHooks = {},
): AsyncGenerator<ReadRecord> {
  switch (source.format) {
    case 'csv':
      return readCsvRecords(filePath, source, hooks);
    case 'json':
      return readJsonRecords(filePath, source, hooks);
    case 'xlsx':
      return readXlsxRecords(filePath, source, hooks);
  }
}

/**
 * Read a vendor file into mapped rows. Skipped rows (title rows, blanks, totals, footnotes)
 * are reported through `onSkippedRow`, never dropped silently.
 */
export async function* readVendorFile(
  filePath: string,
  vendor: VendorConfig,
  options: ReaderHooks = {},
): AsyncGenerator<MappedRow> {
  const source = resolveVendorSource(filePath, vendor);
  for await (const raw of readRecords(filePath, source, options)) {
    yield mapRecord(raw, vendor, source);
  }
}
