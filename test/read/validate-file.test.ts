import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import { FileRejectedError } from '../../src/domain/errors.ts';
import type { VendorConfig } from '../../src/domain/vendor-config.ts';
import { validateFile } from '../../src/read/validate-file.ts';
import { builtInVendor, fixture } from './helpers.ts';

const bad = (name: string) => fixture('files', 'not-ok', name);
const LIMIT = { maxBytes: 10 * 1024 * 1024 };

const [workbookVendor] = parseVendorYaml(
  `code: wb
name: Workbook vendor
format: xlsx
file_patterns: ["*.xlsx", "*.xls"]
date_format: EXCEL_SERIAL
fields:
  account_id: Account
  period_start: From
  period_end: To
  currency: Currency
  begin_market_value: BMV
  end_market_value: EMV
`,
  'test.yaml',
  false,
) as [VendorConfig];

async function rejection(file: string, vendor: VendorConfig, limit = LIMIT): Promise<FileRejectedError> {
  try {
    await validateFile(file, vendor, limit);
  } catch (e) {
    expect(e).toBeInstanceOf(FileRejectedError);
    return e as FileRejectedError;
  }
  throw new Error(`${file} was accepted`);
}

describe('validateFile', () => {
  it('accepts a good CSV and JSON file and names the source', async () => {
    const canonical = await builtInVendor('canonical');
    expect(
      (await validateFile(fixture('csv', 'ok', 'canonical-basic.csv'), canonical, LIMIT)).source.format,
    ).toBe('csv');
    expect(
      (await validateFile(fixture('json', 'ok', 'canonical-basic.json'), canonical, LIMIT)).source.format,
    ).toBe('json');
    expect(
      (await validateFile(fixture('csv', 'ok', 'vendor-a-utf16.csv'), await builtInVendor('vendor-a'), LIMIT))
        .sizeBytes,
    ).toBe(364);
  });

  it('rejects a legacy .xls workbook, naming the fix', async () => {
    const e = await rejection(bad('legacy-workbook.xls'), workbookVendor);
    expect(e.message).toBe(
      'legacy-workbook.xls: is a legacy Excel 97-2003 workbook (.xls), which perfrecon cannot read',
    );
    expect(e.location).toEqual({ file: 'legacy-workbook.xls' });
    expect(e.hint).toBe('Open it in Excel and save it as .xlsx (Excel Workbook).');
  });

  it('rejects a password-protected workbook (an OLE2 file named .xlsx)', async () => {
    const e = await rejection(bad('password-protected.xlsx'), workbookVendor);
    expect(e.message).toBe(
      'password-protected.xlsx: is a password-protected (encrypted) workbook, which perfrecon cannot read',
    );
    expect(e.location).toEqual({ file: 'password-protected.xlsx' });
    expect(e.hint).toBe('Open it in Excel, remove the password and save it as .xlsx.');
  });

  it('names which OLE2 file a workbook named .csv is', async () => {
    const e = await rejection(bad('legacy-workbook-named.csv'), await builtInVendor('canonical'));
    expect(e.message).toBe(
      'legacy-workbook-named.csv: is a legacy Excel 97-2003 workbook (.xls), not a CSV file',
    );
    expect(e.hint).toBe('Open it in Excel and save it as .xlsx (Excel Workbook), or as CSV.');
  });

  it('rejects an OLE2 file that holds no workbook', async () => {
    const e = await rejection(fixture('xlsx', 'not-ok', 'word-97-2003.xls'), workbookVendor);
    expect(e.message).toBe(
      'word-97-2003.xls: is an OLE2 compound file with no workbook in it (an Office 97-2003 document?), which perfrecon cannot read',
    );
    expect(e.hint).toBe('Ask the vendor for the .xlsx file.');
  });

  it('rejects an .xlsx that is not a ZIP', async () => {
    const e = await rejection(bad('not-a-workbook.xlsx'), workbookVendor);
    expect(e.message).toBe(
      'not-a-workbook.xlsx: is not an .xlsx workbook (it does not start with the ZIP signature of .xlsx files)',
    );
  });

  it('rejects a workbook named .csv', async () => {
    const e = await rejection(bad('workbook-named.csv'), await builtInVendor('canonical'));
    expect(e.message).toBe('workbook-named.csv: is a ZIP archive (an .xlsx workbook?), not a CSV file');
  });

  it('rejects a PDF named .json', async () => {
    const e = await rejection(bad('report.json'), await builtInVendor('canonical'));
    expect(e.message).toBe('report.json: is a PDF document, not a JSON file');
  });

  it('rejects CSV text named .json', async () => {
    const e = await rejection(bad('csv-named.json'), await builtInVendor('canonical'));
    expect(e.message).toBe('csv-named.json: is not JSON (it starts with "account_id,period_st")');
  });

  it('rejects binary bytes named .csv', async () => {
    const e = await rejection(bad('binary.csv'), await builtInVendor('canonical'));
    expect(e.message).toBe('binary.csv: is a binary file, not CSV text (a NUL byte at line 1, column 1)');
  });

  it('names the line and column of a NUL byte in text', async () => {
    const e = await rejection(bad('nul-on-line-3.csv'), await builtInVendor('canonical'));
    expect(e.message).toBe(
      'nul-on-line-3.csv: is a binary file, not CSV text (a NUL byte at line 3, column 9)',
    );
    expect(e.location).toEqual({ file: 'nul-on-line-3.csv' });
  });

  it('rejects an extension the vendor does not send', async () => {
    const e = await rejection(bad('legacy-workbook.xls'), await builtInVendor('canonical'));
    expect(e.message).toBe(
      'legacy-workbook.xls: vendor "canonical" sends csv or json files; this file\'s extension ".xls" is none of these',
    );
  });

  it('rejects an empty file', async () => {
    const e = await rejection(bad('empty.json'), await builtInVendor('canonical'));
    expect(e.message).toBe('empty.json: the file is empty (0 bytes)');
  });

  it('rejects a file above the size limit', async () => {
    const e = await rejection(fixture('csv', 'ok', 'canonical-basic.csv'), await builtInVendor('canonical'), {
      maxBytes: 100,
    });
    expect(e.message).toBe('canonical-basic.csv: the file is 419 bytes, above the limit of 100 bytes');
    expect(e.hint).toBe('Raise PERFRECON_MAX_FILE_MB, or ask the vendor to split the file.');
  });
});
