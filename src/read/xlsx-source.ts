// Excel sources: the workbook reader (excel.ts) driven by the vendor's xlsx options.

import type { RawRecord, ReadRecord } from '../domain/read-row.ts';
import type { DocumentRef, VendorSource } from '../domain/vendor-config.ts';
import { documentRefs } from './document-values.ts';
import { readExcelRecords } from './excel.ts';
import { requiredHeaders } from './header.ts';
import type { ReaderHooks } from './hooks.ts';

export interface XlsxSheetRequest {
  sheet?: string | undefined;
  sheetPattern?: string | undefined;
  required: string[][];
  documentRefs?: DocumentRef[];
}

export async function* readXlsxSheet(
  filePath: string,
  source: VendorSource,
  request: XlsxSheetRequest,
  hooks: ReaderHooks,
): AsyncGenerator<ReadRecord> {
  const options = source.xlsx;
  let date1904 = false;
  const records: AsyncGenerator<RawRecord> = readExcelRecords(filePath, {
    ...(request.sheet !== undefined ? { sheet: request.sheet } : {}),
    ...(request.sheetPattern !== undefined ? { sheetPattern: request.sheetPattern } : {}),
    requiredHeaders: request.required,
    ...(request.documentRefs ? { documentRefs: request.documentRefs } : {}),
    ...(hooks.fileName !== undefined ? { fileName: hooks.fileName } : {}),
    ...(options ? { footerPatterns: options.footerPatterns, maxHeaderRow: options.headerScanRows } : {}),
    onSkipped: (location, reason, text) => hooks.onSkippedRow?.({ location, reason, text: text ?? '' }),
    onHeader: (header) => {
      date1904 = header.date1904;
      hooks.onHeader?.(header.columns);
    },
    onWarning: (location, message) => hooks.onWarning?.(location, message),
  });
  for await (const raw of records) {
    yield date1904 ? { ...raw, date1904 } : raw;
  }
}

/** The periods sheet of a vendor's workbook. */
export function readXlsxRecords(
  filePath: string,
  source: VendorSource,
  hooks: ReaderHooks,
): AsyncGenerator<ReadRecord> {
  return readXlsxSheet(
    filePath,
    source,
    {
      sheet: source.xlsx?.sheet,
      sheetPattern: source.xlsx?.sheetPattern,
      required: requiredHeaders(source).map((r) => r.aliases),
      documentRefs: documentRefs(source),
    },
    hooks,
  );
}
