// One unclosed quote turns the rest of a CSV file into one field; the reader used to re-parse
// that field with every 256 KB read (quadratic) until a RangeError. A record is capped and the
// file rejected, naming the line where the quote opened.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../src/domain/errors.ts';
import type { VendorSource } from '../../src/domain/vendor-config.ts';
import { readCsvRecords } from '../../src/read/csv.ts';
import { builtInVendor, fixture, readError } from './helpers.ts';

const HEADER =
  'account_id,period_start,period_end,currency,begin_market_value,end_market_value,flow_date,flow_amount,flow_timing,income,fees,vendor_return,return_basis\n';
const row = (i: number) => `ACC-${i},2024-01-31,2024-02-29,USD,1000000.00,1025000.50,,,,,,,gross\n`;

async function csvSource(): Promise<VendorSource> {
  const [source] = (await builtInVendor('canonical')).sources;
  if (source?.format !== 'csv') throw new Error('canonical has no csv source first');
  return source;
}

describe('a record longer than the cap', () => {
  const folder = mkdtempSync(join(tmpdir(), 'perfrecon-csv-limit-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('rejects a file whose quote never closes, naming the line and column where it opened', async () => {
    const file = fixture('csv', 'not-ok', 'canonical-unclosed-quote.csv');
    let error: unknown;
    try {
      for await (const _ of readCsvRecords(file, await csvSource(), {}, { maxRecordChars: 1000 })) {
        // read to the end
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileRejectedError);
    const rejected = error as FileRejectedError;
    expect(rejected.message).toBe(
      'canonical-unclosed-quote.csv: the quoted field opened at line 3, column 60 is not closed within 1000 characters; an unclosed quote (") makes the rest of the file one field',
    );
    expect(rejected.location).toEqual({ file: 'canonical-unclosed-quote.csv' });
    expect(rejected.hint).toBe(
      'Ask the vendor to fix the quoting at line 3 (a " inside a quoted value is written ""), or to send the file again.',
    );
  });

  it('stops at 1 MiB by default instead of re-parsing the rest of a large file', async () => {
    const path = join(folder, 'canonical-unclosed-large.csv');
    const rows = Array.from({ length: 40_000 }, (_, i) => row(i + 3)).join('');
    writeFileSync(path, `${HEADER}${row(1)}ACC-2,2024-01-31,"2024-02-29,USD,1,1,,,,,,,gross\n${rows}`);
    const e = await readError(path, await builtInVendor('canonical'));
    expect(e.message).toBe(
      'canonical-unclosed-large.csv: the quoted field opened at line 3, column 18 is not closed within 1048576 characters; an unclosed quote (") makes the rest of the file one field',
    );
  });

  it('names the line of a record that is too long without any quote', async () => {
    const path = join(folder, 'canonical-no-line-breaks.csv');
    writeFileSync(path, `${HEADER}${'x,'.repeat(700_000)}\n`);
    const e = await readError(path, await builtInVendor('canonical'));
    expect(e.message).toBe(
      'canonical-no-line-breaks.csv: the record starting at line 2 is longer than 1048576 characters',
    );
  });
});
