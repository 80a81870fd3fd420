import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInVendor, readAll } from './helpers.ts';

async function record(bmv: string, emv: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfrecon-json-'));
  const file = path.join(dir, 'canonical-numbers.json');
  await writeFile(
    file,
    `{"records":[{"account_id":"A","period_start":"2024-01-31","period_end":"2024-02-29","currency":"USD",` +
      `"begin_market_value":${bmv},"end_market_value":${emv}}]}`,
  );
  const { rows } = await readAll(file, await builtInVendor('canonical'));
  return rows[0]?.ok ? [rows[0].record.beginMarketValue, rows[0].record.endMarketValue] : rows[0];
}

describe('JSON number literals keep their digits', () => {
  it('numbers a double gives back as written (the fast parse)', async () => {
    expect(await record('1234.5', '0.000001')).toEqual(['1234.5', '0.000001']);
    expect(await record('-987654321012345', '3')).toEqual(['-987654321012345', '3']);
  });

  it('numbers a double would change: trailing zeros, 17+ digits, tiny values, exponents', async () => {
    expect(await record('1000000.00', '12345678901234567.891')).toEqual([
      '1000000.00',
      '12345678901234567.891',
    ]);
    expect(await record('1e-7', '2.50E+3')).toEqual(['0.0000001', '2500']);
  });
});
