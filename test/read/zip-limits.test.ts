// Zip bombs and entries that lie about their size: the archive is refused from the sizes its
// directory declares, and an entry is stopped the moment it yields more than it declared.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ZIP_LIMITS,
  openZipArchive,
  verifyEntry,
  ZipFormatError,
  ZipLimitError,
} from '../../src/read/excel/zip-archive.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'xlsx');

describe('zip limits', () => {
  it('refuses a zip bomb from its declared sizes, before inflating anything', async () => {
    await expect(openZipArchive(join(fixtures, 'not-ok', 'zip-bomb.xlsx'))).rejects.toThrow(
      new ZipLimitError(
        '"xl/worksheets/sheet1.xml" would expand 1011 times (from 20731 to 20972102 bytes), more than the 200 times a workbook part needs: it has the shape of a zip bomb',
        'xl/worksheets/sheet1.xml',
      ),
    );
  });

  it('stops inflating an entry at the size it declares', async () => {
    const archive = await openZipArchive(join(fixtures, 'not-ok', 'size-lie.xlsx'));
    const sheet = archive.entries.get('xl/worksheets/sheet1.xml');
    if (sheet === undefined) throw new Error('no sheet');
    let delivered = 0;
    const verified = verifyEntry(archive, sheet, (chunk) => {
      delivered += chunk.length;
    });
    await expect(verified).rejects.toThrow(
      new ZipFormatError(
        '"xl/worksheets/sheet1.xml" decompresses to more than the 2000 bytes its zip directory declares',
        'xl/worksheets/sheet1.xml',
      ),
    );
    expect(delivered).toBeLessThanOrEqual(2000);
  });

  it('caps one entry and the whole archive', async () => {
    const workbook = join(fixtures, 'ok', 'vendor-b-2024-02.xlsx');
    await expect(openZipArchive(workbook, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 1024 })).rejects.toThrow(
      /^"[^"]+" would expand to \d+ bytes, more than the 1024 bytes allowed for one part$/,
    );
    await expect(
      openZipArchive(workbook, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 4 * 1024 }),
    ).rejects.toThrow(
      /^its parts would expand to \d+ bytes in all, more than the 4096 bytes allowed for a workbook$/,
    );
  });
});
