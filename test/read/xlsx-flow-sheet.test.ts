import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import type { VendorConfig } from '../../src/domain/vendor-config.ts';
import { readAll } from './helpers.ts';

const [vendor] = parseVendorYaml(
  `code: fund-admin
name: Fund administrator (test)
flow_timing: end_of_day
format: xlsx
file_patterns: ["*.xlsx"]
date_format: [EXCEL_SERIAL, DD.MM.YYYY]
xlsx:
  sheet_pattern: "Perf*"
  flow_sheet: Flows
  flow_fields:
    account_id: Fund
    flow_date: Value Date
    flow_amount: Amount
fields:
  account_id: Fund
  period_start: Start
  period_end: End
  currency: CCY
  begin_market_value: Opening NAV
  end_market_value: Closing NAV
`,
  'test.yaml',
  false,
) as [VendorConfig];

async function workbook(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfrecon-xlsx-'));
  const file = path.join(dir, 'admin-2024-01.xlsx');
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Cover').addRow(['Monthly report, January 2024']);
  const perf = wb.addWorksheet('Performance');
  perf.addRow(['Fund Administrator Ltd - NAV report']);
  perf.addRow([]);
  perf.addRow(['Fund', 'Start', 'End', 'CCY', 'Opening NAV', 'Closing NAV']);
  perf.addRow(['F1', 45291, 45322, 'USD', 1000000, 1030000.5]);
  perf.addRow(['F2', '31.12.2023', '31.01.2024', 'EUR', 500000, 490000]);
  perf.addRow(['Total', null, null, null, 1500000, 1520000.5]);
  const flows = wb.addWorksheet('Flows');
  flows.addRow(['Fund', 'Value Date', 'Amount']);
  flows.addRow(['F1', 45306, 20000]);
  flows.addRow(['F1', 45322, -5000]);
  flows.addRow(['F2', 45300, 'abc']);
  flows.addRow(['F3', 45300, 100]);
  await wb.xlsx.writeFile(file);
  return file;
}

describe('Excel with a flow sheet', () => {
  it('joins dated flows to their period by account and date, quarantining flows that fit nowhere', async () => {
    const { rows, skipped } = await readAll(await workbook(), vendor);
    const ok = rows.filter((r) => r.ok);
    expect(ok.map((r) => r.ok && r.record)).toEqual([
      expect.objectContaining({
        accountId: 'F1',
        periodStart: '2023-12-31',
        periodEnd: '2024-01-31',
        beginMarketValue: '1000000',
        endMarketValue: '1030000.5',
        flows: [
          { date: '2024-01-15', amount: '20000', timing: 'end_of_day' },
          { date: '2024-01-31', amount: '-5000', timing: 'end_of_day' },
        ],
      }),
      expect.objectContaining({ accountId: 'F2', periodStart: '2023-12-31', flows: [] }),
    ]);
    const bad = rows.filter((r) => !r.ok);
    expect(bad.map((r) => !r.ok && [r.location, r.problems.map((p) => p.reason)])).toEqual([
      [
        { file: 'admin-2024-01.xlsx', sheet: 'Flows', row: 4 },
        ['"abc" is not a number (unexpected "a"); expected decimal ".", thousands none'],
      ],
      [
        { file: 'admin-2024-01.xlsx', sheet: 'Flows', row: 5 },
        ['flow of account F3 on 2024-01-09 falls in no period of this file'],
      ],
    ]);
    expect(skipped.some((s) => s.location.sheet === 'Performance' && s.location.row === 6)).toBe(true);
  });
});
