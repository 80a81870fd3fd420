// Benchmark (not a test): rows per second and peak RSS of readExcelRecords on a 200k-row
// workbook, beside exceljs's streaming reader alone on the same file. The workbook is written
// with exceljs's streaming WorkbookWriter into the OS temp folder; each read runs in its own
// child process, so its peak RSS is that read's alone.
//   node bench/xlsx.bench.ts [--rows N]
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { readExcelRecords } from '../src/read/excel.ts';

const DEFAULT_ROWS = 200_000;
const ACCOUNTS = 2_000;
const HEADER = ['Account', 'Period start', 'Period end', 'BMV', 'EMV', 'Net flows', 'Fees', 'Return %'];

type Reader = 'readExcelRecords' | 'exceljs';

interface ReadFigures {
  records: number;
  seconds: number;
  cpuSeconds: number;
  firstRecordSeconds: number;
  startRssMb: number;
  peakRssMb: number;
}

async function writeWorkbook(filePath: string, rows: number): Promise<void> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: filePath, useSharedStrings: true });
  const cover = writer.addWorksheet('Cover');
  cover.addRow(['Vendor B Fund Services S.A.']).commit();
  cover.commit();
  const sheet = writer.addWorksheet('Performance');
  sheet.addRow(['Vendor B Fund Services S.A. - Monthly performance']).commit();
  sheet.addRow(['Report date:', '31.12.2024']).commit();
  sheet.addRow([]).commit();
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) {
    const account = i % ACCOUNTS;
    const month = Math.floor(i / ACCOUNTS);
    const start = 45291 + month * 30; // Excel serial dates
    const begin = 1_000_000 + account * 1_000 + month * 500;
    const row = i + 5;
    sheet
      .addRow([
        `FUND-${String(account).padStart(5, '0')}`,
        start,
        start + 30,
        begin,
        begin * 1.01,
        1_000,
        -25.5,
        { formula: `ROUND((E${row}-D${row}-F${row})/D${row}*100,2)`, result: 0.9 },
      ])
      .commit();
  }
  sheet.addRow(['Total', null, null, null, null, rows * 1_000, rows * -25.5]).commit();
  sheet.commit();
  await writer.commit();
}

/** One read of the workbook, in this process; run as a child (`--measure`). */
async function measure(reader: Reader, filePath: string): Promise<ReadFigures> {
  const startRssMb = process.memoryUsage().rss / 2 ** 20;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let records = 0;
  let firstRecordSeconds = 0;
  const count = () => {
    if (records++ === 0) firstRecordSeconds = elapsed();
  };
  if (reader === 'readExcelRecords') {
    for await (const _record of readExcelRecords(filePath, {
      requiredHeaders: HEADER.map((name) => [name]),
    })) {
      count();
    }
  } else {
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(filePath, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      entries: 'emit',
    });
    for await (const worksheet of workbook) {
      for await (const row of worksheet as unknown as AsyncIterable<{ values: unknown }>) {
        if (row.values !== undefined) count();
      }
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  return {
    records,
    seconds: elapsed(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    firstRecordSeconds,
    startRssMb,
    // maxRSS is in KiB: the peak over the whole child process.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function measureInChild(reader: Reader, filePath: string): ReadFigures {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', reader, filePath], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`the ${reader} read failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as ReadFigures;
}

function row(label: string, figures: ReadFigures): string {
  const rate = Math.round(figures.records / figures.seconds).toLocaleString('en-US');
  return `| ${label} | ${figures.records.toLocaleString('en-US')} | ${figures.seconds.toFixed(2)} s | ${figures.cpuSeconds.toFixed(2)} s | ${rate} | ${figures.firstRecordSeconds.toFixed(2)} s | ${figures.peakRssMb.toFixed(0)} MB | ${figures.startRssMb.toFixed(0)} MB |`;
}

export async function run(rows = DEFAULT_ROWS): Promise<string> {
  const filePath = join(tmpdir(), `perfrecon-bench-${process.pid}.xlsx`);
  try {
    await writeWorkbook(filePath, rows);
    const sizeMb = statSync(filePath).size / 2 ** 20;
    const reader = measureInChild('readExcelRecords', filePath);
    const baseline = measureInChild('exceljs', filePath);
    if (reader.records !== rows)
      throw new Error(`readExcelRecords gave ${reader.records} records, expected ${rows}`);
    return [
      `## Excel (.xlsx): ${rows.toLocaleString('en-US')}-row workbook`,
      '',
      '| reader | records | wall time | CPU time | records/s | first record after | peak RSS | RSS at start |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      row('`readExcelRecords`', reader),
      row('exceljs streaming reader alone (rows)', baseline),
      '',
      `Method: \`node bench/xlsx.bench.ts\` writes a ${sizeMb.toFixed(1)} MB workbook with exceljs's streaming WorkbookWriter (shared strings) into the OS temp folder: a cover sheet, then a performance sheet with title rows and a blank row above the header, ${rows.toLocaleString('en-US')} data rows of 8 columns (${ACCOUNTS.toLocaleString('en-US')} account ids as shared strings, serial dates, numbers, a ROUND formula with its cached result) and a totals row. Each read runs in a fresh child process (\`--measure\`) and consumes every record: \`readExcelRecords\` with sheet detection by header (it checks the file signature and the CRC of every zip part, collects merged ranges, then streams), and, as the floor, exceljs's \`WorkbookReader\` with the same options iterating rows only. Peak RSS is the child's \`process.resourceUsage().maxRSS\` (the Node.js process with its modules loaded is the "RSS at start"). The reader holds no rows: memory does not grow with the row count, it follows V8's heap sizing, which varies by tens of MB from run to run.`,
      '',
    ].join('\n');
  } finally {
    rmSync(filePath, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const measureAt = process.argv.indexOf('--measure');
  if (measureAt >= 0) {
    const reader = process.argv[measureAt + 1] as Reader;
    console.log(JSON.stringify(await measure(reader, process.argv[measureAt + 2] ?? '')));
  } else {
    const rowsAt = process.argv.indexOf('--rows');
    console.log(await run(rowsAt >= 0 ? Number(process.argv[rowsAt + 1]) : DEFAULT_ROWS));
  }
}
