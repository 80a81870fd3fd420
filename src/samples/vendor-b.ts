// Vendor B, a fund administrator's monthly performance pack (vendors/vendor-b.yaml), as an
// .xlsx workbook: a cover sheet first; a performance sheet with merged title rows, a report
// date and a blank row above the header, one row per account and calendar month (dates as
// Excel serials, the account cell merged over an account's months, net flows as SUMIFS
// formulas with their cached results, the return in percent with two decimals, Modified Dietz
// with the dated flows at end of day, net of fees), a Total row and footnotes; then a Flows
// sheet of dated flows (subscriptions +, redemptions -), some dates typed by hand as text.
import type ExcelJS from 'exceljs';
import type { CanonicalPeriod } from '../domain/canonical.ts';
import type { SourceLocation } from '../domain/errors.ts';
import { fixZipDates } from './fixed-zip-dates.ts';
import {
  expectedPeriod,
  fixed,
  monthlyPeriods,
  percentText,
  type SamplePeriod,
  vendorPeriodReturn,
} from './periods.ts';
import { type InjectedProblem, type ProblemPlanner, shiftReturn } from './problems.ts';
import { type SampleRecorder, shiftPointLeft } from './sample-file.ts';
import type { SampleAccount } from './truth.ts';

export const VENDOR_B = 'vendor-b';
const DECIMALS = 2;
const PERFORMANCE = 'Performance';
const FLOWS = 'Flows';
const HEADER_ROW = 5;
const FLOW_HEADER_ROW = 3;
const HEADER = [
  'Account',
  'Account name',
  'Currency',
  'Period start',
  'Period end',
  'BMV',
  'EMV',
  'Net flows',
  'Fees',
  'Return %',
];
const COLUMN = { account: 1, start: 4, end: 5, begin: 6, emv: 7, netFlows: 8, fees: 9, return: 10 } as const;

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
export const excelSerial = (iso: string) =>
  Math.round((Date.parse(`${iso}T00:00:00Z`) - EXCEL_EPOCH) / 86_400_000);
/** 2024-02-29 -> 29.02.2024 (a date typed by hand in a German-locale Excel). */
const typedDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

export interface VendorBOptions {
  reportDate: string;
  planner: ProblemPlanner;
  recorder: SampleRecorder;
}

interface PerformanceRow {
  values: (ExcelJS.CellValue | undefined)[];
  accountId: string;
  /** The account cell was left empty (a bad row): its block is not merged. */
  accountMissing: boolean;
}

interface PendingFlow {
  accountId: string;
  date: string;
  amount: number;
  /** The bad period this flow belonged to: its row on the flow sheet is quarantined too. */
  orphanOf: InjectedProblem | null;
}

export async function vendorBWorkbook(
  accounts: Iterable<SampleAccount>,
  options: VendorBOptions,
): Promise<Buffer> {
  const { recorder, planner } = options;
  const rows: PerformanceRow[] = [];
  const flows: PendingFlow[] = [];
  for (const account of accounts) {
    for (const period of monthlyPeriods(account)) {
      const row = HEADER_ROW + 1 + rows.length;
      const location: SourceLocation = { file: recorder.file, sheet: PERFORMANCE, row };
      const correct = vendorPeriodReturn(period, () => 'end_of_day', 'net');
      const correctText = correct === null ? null : percentText(correct, DECIMALS);
      let printed = correctText;
      const values: (ExcelJS.CellValue | undefined)[] = [];
      values[COLUMN.account] = account.accountId;
      values[2] = account.name;
      values[3] = account.currency;
      values[COLUMN.start] = excelSerial(period.periodStart);
      values[COLUMN.end] = excelSerial(period.periodEnd);
      values[COLUMN.begin] = period.beginMarketValue;
      values[COLUMN.emv] = period.endMarketValue;
      values[COLUMN.fees] = period.fees;
      let orphanOf: InjectedProblem | null = null;
      const choice = planner.next(period.flows.length > 0);
      const kind = choice?.kind;
      if (kind === 'missing_period') {
        recorder.problem(
          { kind },
          period,
          { file: recorder.file, sheet: PERFORMANCE },
          {
            description: `${period.accountId} ${period.periodStart}..${period.periodEnd} left out, with its flows`,
          },
        );
        continue;
      }
      if (kind === 'unparseable_number' || kind === 'missing_account_id' || kind === 'end_before_start') {
        orphanOf = recorder.problem({ kind }, period, location, {
          ...badRow(kind, values, choice?.variant ?? 0),
          quarantined: [location],
        });
        recorder.quarantinedRow();
      } else if (kind === 'return_off' && correctText !== null) {
        printed = shiftReturn(correctText, choice?.offsetBps ?? 3, 'percent', DECIMALS);
        recorder.problem({ kind }, period, location, {
          column: 'Return %',
          reportedReturn: printed,
          correctReturn: correctText,
          offsetBps: choice?.offsetBps,
          description: `return ${printed}% instead of ${correctText}% (${choice?.offsetBps} bp)`,
        });
      } else if (kind === 'flow_timing' && correctText !== null) {
        const startOfDay = vendorPeriodReturn(period, () => 'start_of_day', 'net');
        printed = startOfDay === null ? null : percentText(startOfDay, DECIMALS);
        recorder.problem({ kind }, period, location, {
          column: 'Return %',
          reportedReturn: printed,
          correctReturn: correctText,
          description: `return computed with flows at start of day: ${printed}% instead of ${correctText}%`,
        });
      }
      values[COLUMN.return] = printed === null ? null : Number(printed);
      const netFlows = period.flows.reduce((sum, f) => sum + f.amount, 0);
      values[COLUMN.netFlows] = {
        formula: `SUMIFS(${FLOWS}!$C:$C,${FLOWS}!$A:$A,A${row},${FLOWS}!$B:$B,">"&D${row},${FLOWS}!$B:$B,"<="&E${row})`,
        result: Math.round(netFlows * 100) / 100,
      } as ExcelJS.CellFormulaValue;
      if (orphanOf === null) recorder.stored(expectedRecord(account, period, printed));
      for (const flow of period.flows) flows.push({ accountId: account.accountId, ...flow, orphanOf });
      rows.push({ values, accountId: account.accountId, accountMissing: kind === 'missing_account_id' });
    }
  }

  // Loaded here, not at start-up: exceljs takes about half a second to load.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  workbook.creator = 'Vendor B Fund Services S.A.';
  workbook.lastModifiedBy = 'NAV department';
  workbook.created = new Date(`${options.reportDate}T06:00:00Z`);
  workbook.modified = workbook.created;
  addCover(workbook, options.reportDate);
  addPerformanceSheet(workbook, rows, options.reportDate);
  addFlowSheet(workbook, flows, recorder);
  const zip = Buffer.from(await workbook.xlsx.writeBuffer());
  return fixZipDates(zip, options.reportDate);
}

function badRow(
  kind: 'unparseable_number' | 'missing_account_id' | 'end_before_start',
  values: (ExcelJS.CellValue | undefined)[],
  variant: number,
): { column: string; value: string; description: string } {
  switch (kind) {
    case 'missing_account_id':
      values[COLUMN.account] = null;
      return { column: 'Account', value: '', description: 'account cell left empty' };
    case 'end_before_start': {
      const start = values[COLUMN.start];
      values[COLUMN.start] = values[COLUMN.end];
      values[COLUMN.end] = start;
      return {
        column: 'Period end',
        value: String(start),
        description: 'Period start and Period end swapped: the period ends before it starts',
      };
    }
    case 'unparseable_number': {
      const column = variant < 0.5 ? COLUMN.begin : COLUMN.emv;
      const amount = Number(values[column]);
      // Typed as text: "n/a", or a number in German format that Excel did not convert.
      const value = variant < 0.25 || variant >= 0.75 ? 'n/a' : fixed(amount, 2).replace('.', ',');
      values[column] = value;
      const header = HEADER[column - 1] ?? '';
      return { column: header, value, description: `${header} is the text "${value}", not a number` };
    }
  }
}

function expectedRecord(
  account: SampleAccount,
  period: SamplePeriod,
  printed: string | null,
): CanonicalPeriod {
  return expectedPeriod(account, period, {
    timing: () => 'end_of_day',
    income: null,
    vendorReturn: printed === null ? null : shiftPointLeft(printed, 2),
    returnBasis: 'net',
  });
}

function addCover(workbook: ExcelJS.Workbook, reportDate: string): void {
  const cover = workbook.addWorksheet('Cover');
  cover.getCell('A2').value = 'VENDOR B FUND SERVICES S.A.';
  cover.getCell('A2').font = { bold: true, size: 16 };
  cover.getCell('A4').value = 'Monthly performance pack';
  cover.getCell('A6').value = 'Client:';
  cover.getCell('B6').value = 'Example Asset Management';
  cover.getCell('A7').value = 'Report date:';
  cover.getCell('B7').value = typedDate(reportDate);
  cover.getCell('A9').value = 'Sheets:';
  cover.getCell('B9').value = `${PERFORMANCE}, ${FLOWS}`;
  cover.getCell('A11').value = 'Confidential. For the addressee only.';
  cover.getColumn(1).width = 16;
  cover.getColumn(2).width = 32;
}

function addPerformanceSheet(workbook: ExcelJS.Workbook, rows: PerformanceRow[], reportDate: string): void {
  const sheet = workbook.addWorksheet(PERFORMANCE, { views: [{ state: 'frozen', ySplit: HEADER_ROW }] });
  sheet.getCell('A1').value = 'Vendor B Fund Services S.A.';
  sheet.getCell('A1').font = { bold: true, size: 14 };
  sheet.mergeCells('A1:J1');
  sheet.getCell('A2').value = 'Monthly performance report - Vendor B UCITS SICAV (since inception)';
  sheet.mergeCells('A2:J2');
  sheet.getCell('A3').value = 'Report date:';
  sheet.getCell('B3').value = typedDate(reportDate);
  const header = sheet.getRow(HEADER_ROW);
  header.values = HEADER;
  header.font = { bold: true };
  rows.forEach((row, i) => {
    sheet.getRow(HEADER_ROW + 1 + i).values = row.values;
  });
  // The account cell merged over an account's months, as a report lays it out.
  for (let first = 0; first < rows.length; ) {
    let last = first;
    while (rows[last + 1]?.accountId === rows[first]?.accountId) last++;
    const block = rows.slice(first, last + 1);
    if (last > first && !block.some((r) => r.accountMissing)) {
      sheet.mergeCells(HEADER_ROW + 1 + first, COLUMN.account, HEADER_ROW + 1 + last, COLUMN.account);
    }
    first = last + 1;
  }
  const firstData = HEADER_ROW + 1;
  const lastData = HEADER_ROW + rows.length;
  const totalRow = sheet.getRow(lastData + 1);
  totalRow.getCell(1).value = 'Total';
  for (const column of [COLUMN.begin, COLUMN.emv, COLUMN.netFlows, COLUMN.fees]) {
    const letter = String.fromCharCode(64 + column);
    const sum = rows.reduce((total, row) => {
      const value = row.values[column];
      const n = typeof value === 'number' ? value : (value as ExcelJS.CellFormulaValue | undefined)?.result;
      return total + (typeof n === 'number' ? n : 0);
    }, 0);
    totalRow.getCell(column).value = {
      formula: `SUM(${letter}${firstData}:${letter}${lastData})`,
      result: Math.round(sum * 100) / 100,
    } as ExcelJS.CellFormulaValue;
  }
  totalRow.font = { bold: true };
  sheet.getCell(`A${lastData + 3}`).value =
    '* Returns in percent, net of fees (Modified Dietz, flows at end of day); dated flows on the Flows sheet.';
  sheet.mergeCells(`A${lastData + 3}:J${lastData + 3}`);
  sheet.getCell(`A${lastData + 4}`).value = 'Source: Vendor B Fund Services S.A., NAV department';
  for (const column of [COLUMN.start, COLUMN.end]) sheet.getColumn(column).numFmt = 'dd.mm.yyyy';
  for (const column of [COLUMN.begin, COLUMN.emv, COLUMN.netFlows, COLUMN.fees]) {
    sheet.getColumn(column).numFmt = '#,##0.00';
    sheet.getColumn(column).width = 16;
  }
  sheet.getColumn(COLUMN.return).numFmt = '0.00';
  sheet.getColumn(2).width = 26;
}

function addFlowSheet(workbook: ExcelJS.Workbook, flows: PendingFlow[], recorder: SampleRecorder): void {
  const sheet = workbook.addWorksheet(FLOWS);
  sheet.getCell('A1').value = 'Dated cash flows (subscriptions +, redemptions -)';
  sheet.mergeCells('A1:D1');
  sheet.getRow(FLOW_HEADER_ROW).values = ['Account', 'Flow date', 'Amount', 'Type'];
  sheet.getRow(FLOW_HEADER_ROW).font = { bold: true };
  // By value date, as the transfer agent books them.
  const ordered = [...flows].sort((a, b) =>
    a.date < b.date
      ? -1
      : a.date > b.date
        ? 1
        : a.accountId < b.accountId
          ? -1
          : a.accountId > b.accountId
            ? 1
            : 0,
  );
  ordered.forEach((flow, i) => {
    const row = FLOW_HEADER_ROW + 1 + i;
    // Every ninth date was typed by hand and stayed text.
    const date = i % 9 === 4 ? typedDate(flow.date) : excelSerial(flow.date);
    sheet.getRow(row).values = [
      flow.accountId,
      date,
      flow.amount,
      flow.amount >= 0 ? 'Subscription' : 'Redemption',
    ];
    if (flow.orphanOf !== null) {
      flow.orphanOf.quarantined?.push({ file: recorder.file, sheet: FLOWS, row });
      recorder.quarantinedRow();
    }
  });
  const last = FLOW_HEADER_ROW + ordered.length;
  const total = ordered.reduce((sum, flow) => sum + flow.amount, 0);
  sheet.getRow(last + 1).values = [
    'Total',
    null,
    {
      formula: `SUM(C${FLOW_HEADER_ROW + 1}:C${last})`,
      result: Math.round(total * 100) / 100,
    } as ExcelJS.CellFormulaValue,
  ];
  sheet.getColumn(2).numFmt = 'dd.mm.yyyy';
  sheet.getColumn(3).numFmt = '#,##0.00';
  sheet.getColumn(1).width = 14;
  sheet.getColumn(3).width = 16;
}
