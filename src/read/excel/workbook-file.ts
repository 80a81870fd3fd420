// Opening an .xlsx file for reading, with a clear rejection for each way it can fail before
// any row is read: empty, legacy .xls, password-protected, HTML named .xls, not a zip,
// truncated or damaged zip, a zip bomb, a part declaring a DOCTYPE, a zip that is no workbook.
import { FileRejectedError } from '../../domain/errors.ts';
import { OLE2_KINDS, sniffFileSignature } from './file-signature.ts';
import { type CellRange, MergeRangeScanner } from './merged-cells.ts';
import { parseWorkbookStructure, type WorkbookStructure } from './workbook-structure.ts';
import { DoctypeScanner, isXmlPart, XmlDoctypeError } from './xml-doctype.ts';
import {
  openZipArchive,
  readEntryText,
  verifyEntry,
  type ZipArchive,
  ZipFormatError,
  ZipLimitError,
} from './zip-archive.ts';

export interface WorkbookFile {
  zip: ZipArchive;
  structure: WorkbookStructure;
}

const SAVE_AS_XLSX = 'Open it in Excel and save it as .xlsx without a password.';
const SEND_AGAIN = 'Ask the vendor to send the file again; if it opens in Excel, save it again as .xlsx.';

function damaged(error: unknown, file: string, sheets?: ReadonlyMap<string, string>): never {
  if (error instanceof XmlDoctypeError) {
    throw new FileRejectedError(
      `the workbook is refused unread: ${error.message}`,
      { file, sheet: sheets?.get(error.part) },
      'Do not open the file in other tools; ask the vendor to export the workbook again from Excel.',
    );
  }
  if (error instanceof ZipLimitError) {
    throw new FileRejectedError(
      `the workbook is refused: ${error.message}`,
      { file },
      'Do not open the file; if the vendor confirms it is genuine, ask them to send the data in smaller workbooks.',
    );
  }
  if (error instanceof ZipFormatError) {
    throw new FileRejectedError(`the workbook is damaged: ${error.message}`, { file }, SEND_AGAIN);
  }
  throw error;
}

export async function openWorkbookFile(filePath: string, file: string): Promise<WorkbookFile> {
  const signature = await sniffFileSignature(filePath);
  switch (signature) {
    case 'empty':
      throw new FileRejectedError(
        'the file is empty (0 bytes)',
        { file },
        'Ask the vendor to send the file again.',
      );
    case 'ole2-encrypted':
      throw new FileRejectedError(
        'the workbook is password-protected (encrypted), so it cannot be read',
        { file },
        SAVE_AS_XLSX,
      );
    case 'ole2-xls':
      throw new FileRejectedError(
        'this is a legacy Excel 97-2003 workbook (.xls), not an .xlsx workbook',
        { file },
        SAVE_AS_XLSX,
      );
    case 'ole2':
      throw new FileRejectedError(
        `this is ${OLE2_KINDS.ole2.what}, not an .xlsx workbook`,
        { file },
        OLE2_KINDS.ole2.fix,
      );
    case 'markup':
      throw new FileRejectedError(
        'this is an HTML or XML file, not an .xlsx workbook',
        { file },
        'Some systems save HTML tables or XML spreadsheets under an .xls name: open it in Excel and save it as .xlsx.',
      );
    case 'other':
      throw new FileRejectedError(
        'this is not an .xlsx workbook (it is not a zip archive)',
        { file },
        "Ask the vendor for an Excel workbook (.xlsx); if the file is a CSV export, set the vendor's format to csv.",
      );
    case 'zip':
      break;
  }
  let zip: ZipArchive;
  try {
    zip = await openZipArchive(filePath);
  } catch (error) {
    damaged(error, file);
  }
  const workbookEntry = zip.entries.get('xl/workbook.xml');
  const relsEntry = zip.entries.get('xl/_rels/workbook.xml.rels');
  if (workbookEntry === undefined || relsEntry === undefined) {
    throw new FileRejectedError(
      'this zip archive is not an Excel workbook (it has no xl/workbook.xml)',
      { file },
      'Ask the vendor for an Excel workbook (.xlsx).',
    );
  }
  let structure: WorkbookStructure;
  try {
    structure = parseWorkbookStructure(
      await readEntryText(zip, workbookEntry, scanForDoctype(workbookEntry.name)),
      await readEntryText(zip, relsEntry, scanForDoctype(relsEntry.name)),
    );
  } catch (error) {
    damaged(error, file);
  }
  if (structure.prefixedElements) {
    throw new FileRejectedError(
      'the workbook is written with namespace-prefixed XML (<x:sheet>), which the streaming reader cannot read',
      { file },
      'Open it in Excel and save it again as .xlsx.',
    );
  }
  return { zip, structure };
}

/**
 * Decompresses every part once and checks its CRC-32, so a damaged workbook is rejected with
 * a message before a row is read. Collects the merged ranges of the given sheet parts.
 */
export async function checkWorkbookParts(
  workbook: WorkbookFile,
  sheets: ReadonlyMap<string, string>,
  file: string,
): Promise<Map<string, CellRange[]>> {
  const merges = new Map<string, CellRange[]>();
  const unnumbered: string[] = [];
  try {
    for (const entry of workbook.zip.entries.values()) {
      if (entry.name.endsWith('/')) continue;
      const doctype = isXmlPart(entry.name) ? scanForDoctype(entry.name) : undefined;
      if (sheets.has(entry.name)) {
        const scanner = new MergeRangeScanner();
        let head = '';
        await verifyEntry(workbook.zip, entry, (chunk) => {
          doctype?.(chunk);
          scanner.push(chunk);
          if (head.length < 65536) head += chunk.toString('latin1');
        });
        merges.set(entry.name, scanner.ranges);
        if (!cellsAreNumbered(head)) unnumbered.push(entry.name);
      } else {
        await verifyEntry(workbook.zip, entry, doctype);
      }
    }
  } catch (error) {
    damaged(error, file, sheets);
  }
  const [part] = unnumbered;
  if (part !== undefined) {
    throw new FileRejectedError(
      'the sheet\'s rows or cells carry no references (r="A1"), which the streaming reader needs',
      { file, sheet: sheets.get(part) },
      'The file was written by a minimal exporter: open it in Excel and save it again as .xlsx.',
    );
  }
  return merges;
}

function scanForDoctype(part: string): (chunk: Buffer) => void {
  const scanner = new DoctypeScanner(part);
  return (chunk) => scanner.push(chunk);
}

/**
 * exceljs's streaming reader needs the optional `r` attribute on <row> and <c> (it computes
 * addresses from it and fails with "Invalid Address: ANaN" without). Checks the first of each.
 */
function cellsAreNumbered(head: string): boolean {
  const row = /<(?:[\w.-]+:)?row\b([^>]*)>/.exec(head);
  const cell = /<(?:[\w.-]+:)?c\b([^>]*)>/.exec(head);
  const numbered = (attributes: string | undefined) => attributes === undefined || /\br\s*=/.test(attributes);
  return numbered(row?.[1]) && numbered(cell?.[1]);
}
