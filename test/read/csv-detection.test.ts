import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVendorConfigs } from '../../src/config/vendor-config.ts';
import { detectDelimiter } from '../../src/read/csv.ts';
import { detectEncoding } from '../../src/read/decode.ts';
import { readVendorFile } from '../../src/read/index.ts';
import { fixture, readAll } from './helpers.ts';

const required = [
  { field: 'account_id', aliases: ['Account'] },
  { field: 'end_market_value', aliases: ['EMV'] },
];

describe('CSV detection', () => {
  it('detects the delimiter under which the header is found: , ; tab |', () => {
    expect(detectDelimiter('Title\nAccount,EMV\nA,1\n', '"', required, 10).delimiter).toBe(',');
    expect(detectDelimiter('Account;EMV;X\nA;1,5;2,5\n', '"', required, 10).delimiter).toBe(';');
    expect(detectDelimiter('Account\tEMV\nA\t1,234.50\n', '"', required, 10).delimiter).toBe('\t');
    expect(detectDelimiter('Account|EMV\nA|1\n', '"', required, 10).delimiter).toBe('|');
  });

  it('falls back to the most regular delimiter when no header matches', () => {
    expect(detectDelimiter('a;b;c\n1;2;3\n4;5;6\n', '"', required, 10)).toEqual({
      delimiter: ';',
      header: undefined,
    });
  });

  it('detects encodings: BOMs, UTF-16 without BOM, UTF-8, Windows-1252', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ name: 'utf8', how: 'bom' });
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]))).toEqual({ name: 'utf16le', how: 'bom' });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x41]))).toEqual({ name: 'utf16be', how: 'bom' });
    expect(detectEncoding(Buffer.from('Account,EMV\n', 'utf16le'))).toEqual({
      name: 'utf16le',
      how: 'detected',
    });
    expect(detectEncoding(Buffer.from('Société', 'utf8'))).toEqual({ name: 'utf8', how: 'detected' });
    expect(detectEncoding(Buffer.from('Soci\xe9t\xe9', 'latin1'))).toEqual({
      name: 'windows-1252',
      how: 'detected',
    });
    expect(detectEncoding(Buffer.from('x'), 'latin1')).toEqual({ name: 'latin1', how: 'configured' });
  });

  it('reads a European export: decimal comma, thousands dot, DD.MM.YYYY, a Gesamtsumme row above the data', async () => {
    const vendors = await loadVendorConfigs(fixture('config', 'european.yaml'));
    const vendor = vendors.find((v) => v.code === 'depot-de');
    if (!vendor) throw new Error('no vendor');
    const { rows, skipped } = await readAll(fixture('csv', 'ok', 'european-depot.csv'), vendor);
    expect(skipped).toEqual([
      {
        location: { file: 'european-depot.csv', row: 2 },
        reason: 'total or footer row',
        text: 'Gesamtsumme;;;;2.234.567,89;2.250.000,00;-500,00;;',
      },
    ]);
    expect(rows.map((r) => r.ok && r.record)).toEqual([
      {
        accountId: 'DE-01',
        periodStart: '2023-12-31',
        periodEnd: '2024-01-31',
        currency: 'EUR',
        beginMarketValue: '1234567.89',
        endMarketValue: '1250000.00',
        flows: [{ date: '2024-01-15', amount: '1000.00', timing: 'start_of_day' }],
        income: null,
        fees: null,
        vendorReturn: '0.0117',
        returnBasis: 'gross',
      },
      {
        accountId: 'DE-02',
        periodStart: '2023-12-31',
        periodEnd: '2024-01-31',
        currency: 'EUR',
        beginMarketValue: '1000000.00',
        endMarketValue: '1000000.00',
        flows: [{ date: '2024-01-20', amount: '-1500.00', timing: 'end_of_day' }],
        income: null,
        fees: null,
        vendorReturn: '0.0015',
        returnBasis: 'gross',
      },
    ]);
  });

  it('streams a large file row by row, reporting progress up to its size', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfrecon-csv-'));
    const file = path.join(dir, 'canonical-large.csv');
    const lines = ['account_id,period_start,period_end,currency,begin_market_value,end_market_value'];
    for (let i = 0; i < 50_000; i++)
      lines.push(`ACC-${i % 500},2024-01-01,2024-01-02,USD,${1000 + i}.00,${1001 + i}.25`);
    const text = `${lines.join('\n')}\n`;
    await writeFile(file, text);
    const vendors = await loadVendorConfigs(fixture('config', 'european.yaml'));
    const canonical = vendors.find((v) => v.code === 'canonical');
    if (!canonical) throw new Error('no canonical');
    let count = 0;
    let last: unknown;
    let progress = 0;
    for await (const row of readVendorFile(file, canonical, { onProgress: (read) => (progress = read) })) {
      count++;
      last = row;
    }
    expect(count).toBe(50_000);
    expect(last).toMatchObject({
      ok: true,
      location: { row: 50_001 },
      record: { endMarketValue: '51000.25' },
    });
    expect(progress).toBe(Buffer.byteLength(text));
  });

  it('carries rows and quoted multi-line fields over chunk boundaries, in UTF-8 and UTF-16', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfrecon-csv-'));
    const vendors = await loadVendorConfigs(fixture('config', 'european.yaml'));
    const canonical = vendors.find((v) => v.code === 'canonical');
    const vendorA = vendors.find((v) => v.code === 'vendor-a');
    if (!canonical || !vendorA) throw new Error('no vendor');
    const note = `"a note, with a comma\nand a second line ${'x'.repeat(80)}"`;
    const lines = ['account_id,comment,period_start,period_end,currency,begin_market_value,end_market_value'];
    for (let i = 0; i < 20_000; i++)
      lines.push(`ACCÉ-${i},${note},2024-01-01,2024-01-02,EUR,${i}.50,${i + 1}.25`);
    const utf8 = path.join(dir, 'canonical-notes.csv');
    await writeFile(utf8, `${lines.join('\r\n')}\r\n`);
    let n = 0;
    for await (const row of readVendorFile(utf8, canonical)) {
      expect(row).toMatchObject({
        ok: true,
        location: { row: n + 2 },
        record: { accountId: `ACCÉ-${n}`, endMarketValue: `${n + 1}.25` },
      });
      n++;
    }
    expect(n).toBe(20_000);

    const header =
      'Account Number\tNote\tFrom Date\tTo Date\tCurrency\tBeginning Market Value\tEnding Market Value';
    const rows16 = [header];
    for (let i = 0; i < 5_000; i++)
      rows16.push(`Ä-${i}\t${note}\t01/01/2024\t01/02/2024\tUSD\t1,000.00\t${i}.00`);
    const utf16 = path.join(dir, 'vendor-a-unicode.csv');
    await writeFile(
      utf16,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${rows16.join('\r\n')}\r\n`, 'utf16le')]),
    );
    let m = 0;
    for await (const row of readVendorFile(utf16, vendorA)) {
      expect(row).toMatchObject({ ok: true, record: { accountId: `Ä-${m}`, endMarketValue: `${m}.00` } });
      m++;
    }
    expect(m).toBe(5_000);
  });
});
