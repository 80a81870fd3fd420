// Vendor A, a custodian's daily performance extract (vendors/vendor-a.yaml): one row per
// account and day, written the way the custodian writes it -- UTF-8 with a BOM, CRLF,
// semicolons between fields (so amounts can carry "," thousands separators), two title rows
// and a blank row above the header, US dates (MM/DD/YYYY), negatives in parentheses, fees
// printed as deductions, the daily return in percent with two decimals, gross of fees and
// with the day's net flow at end of day, a Total row and footnotes below the data.
//
// Lines are generated one at a time so a file of millions of rows is written in bounded memory.
import type { CanonicalPeriod } from '../domain/canonical.ts';
import {
  dailyPeriods,
  expectedPeriod,
  fixed,
  percentText,
  type SamplePeriod,
  vendorPeriodReturn,
} from './periods.ts';
import { type ProblemChoice, type ProblemPlanner, shiftReturn } from './problems.ts';
import { type SampleRecorder, shiftPointLeft } from './sample-file.ts';
import type { SampleAccount } from './truth.ts';

export const VENDOR_A = 'vendor-a';
const DECIMALS = 2;
const EOL = '\r\n';
const FIRST_DATA_ROW = 5;

const HEADER = [
  'Account Number',
  'Account Name',
  'From Date',
  'To Date',
  'Currency',
  'Beginning Market Value',
  'Ending Market Value',
  'Net Contributions/Withdrawals',
  'Income',
  'Fees',
  'Return (%)',
  'Basis',
];
const COLUMN = {
  account: 0,
  from: 2,
  to: 3,
  begin: 5,
  end: 6,
} as const;

/** 2024-01-31 -> 01/31/2024 */
export const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

/** 1234567.5 -> 1,234,567.50; negatives in parentheses: (20,000.00). */
export function usAmount(value: number): string {
  const [whole = '0', cents = '00'] = fixed(Math.abs(value), 2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 && fixed(value, 2) !== '0.00' ? `(${grouped}.${cents})` : `${grouped}.${cents}`;
}

function csvField(text: string): string {
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const BAD_NUMBERS = ['n/a', '#VALUE!', '1.234.567,89'];

export interface VendorAOptions {
  reportDate: string;
  planner: ProblemPlanner;
  recorder: SampleRecorder;
}

export function* vendorACsvLines(
  accounts: Iterable<SampleAccount>,
  options: VendorAOptions,
): Generator<string> {
  const { recorder, planner } = options;
  const file = recorder.file;
  yield `\uFEFFCustodian A - Daily Performance Extract${EOL}`;
  yield `Report date: ${usDate(options.reportDate)};Client: Example Pension Fund${EOL}`;
  yield EOL;
  yield `${HEADER.join(';')}${EOL}`;
  let row = FIRST_DATA_ROW;
  const totals = { begin: 0, end: 0, flows: 0, fees: 0 };
  for (const account of accounts) {
    for (const period of dailyPeriods(account)) {
      const choice = planner.next(period.flows.length > 0);
      const fields = vendorARow(account, period, choice, { recorder, row, file });
      if (fields === null) continue;
      totals.begin += period.beginMarketValue;
      totals.end += period.endMarketValue;
      totals.flows += period.flows.reduce((sum, f) => sum + f.amount, 0);
      totals.fees += period.fees;
      yield `${fields.map(csvField).join(';')}${EOL}`;
      row++;
    }
  }
  yield `Total;;;;;${usAmount(totals.begin)};${usAmount(totals.end)};${usAmount(totals.flows)};0.00;${usAmount(-totals.fees)};;${EOL}`;
  yield `* Returns are time-weighted daily returns in percent, gross of fees; net flows at end of day.${EOL}`;
  yield `End of report${EOL}`;
}

/** The fields of one row, or null when the period is left out (a missing day). */
function vendorARow(
  account: SampleAccount,
  period: SamplePeriod,
  choice: ProblemChoice | null,
  at: { recorder: SampleRecorder; row: number; file: string },
): string[] | null {
  const { recorder } = at;
  const location = { file: at.file, row: at.row };
  const flow = period.flows[0]?.amount ?? 0;
  const correct = vendorPeriodReturn(period, () => 'end_of_day', 'gross');
  const correctText = correct === null ? '' : percentText(correct, DECIMALS);
  let printed = correctText;
  const fields = [
    account.accountId,
    account.name,
    usDate(period.periodStart),
    usDate(period.periodEnd),
    account.currency,
    usAmount(period.beginMarketValue),
    usAmount(period.endMarketValue),
    usAmount(flow),
    '0.00',
    usAmount(-period.fees),
    printed,
    'G',
  ];
  const kind = choice?.kind;
  if (kind === 'missing_period') {
    recorder.problem(
      { kind },
      period,
      { file: at.file },
      {
        description: `${period.accountId} ${period.periodStart}..${period.periodEnd} left out of the file`,
      },
    );
    return null;
  }
  if (
    kind === 'unparseable_number' ||
    kind === 'missing_account_id' ||
    kind === 'end_before_start' ||
    kind === 'missing_value'
  ) {
    const bad = badRow(kind, fields, choice?.variant ?? 0);
    recorder.problem({ kind }, period, location, { ...bad, quarantined: [location] });
    recorder.quarantinedRow();
    return fields;
  }
  if (kind === 'return_off' && correct !== null) {
    printed = shiftReturn(correctText, choice?.offsetBps ?? 3, 'percent', DECIMALS);
    recorder.problem({ kind }, period, location, {
      reportedReturn: printed,
      correctReturn: correctText,
      offsetBps: choice?.offsetBps,
      description: `return printed ${printed}% instead of ${correctText}% (${choice?.offsetBps} bp)`,
    });
  } else if (kind === 'flow_timing' && correct !== null) {
    const startOfDay = vendorPeriodReturn(period, () => 'start_of_day', 'gross');
    printed = startOfDay === null ? '' : percentText(startOfDay, DECIMALS);
    recorder.problem({ kind }, period, location, {
      reportedReturn: printed,
      correctReturn: correctText,
      description: `return computed with the flow at start of day: ${printed}% instead of ${correctText}%`,
    });
  }
  fields[10] = printed;
  recorder.stored(expectedRecord(account, period, printed));
  return fields;
}

function badRow(
  kind: 'unparseable_number' | 'missing_account_id' | 'end_before_start' | 'missing_value',
  fields: string[],
  variant: number,
): { column: string; value: string; description: string } {
  switch (kind) {
    case 'missing_account_id':
      fields[COLUMN.account] = '';
      return { column: 'Account Number', value: '', description: 'account number left empty' };
    case 'end_before_start': {
      const from = fields[COLUMN.from] ?? '';
      fields[COLUMN.from] = fields[COLUMN.to] ?? '';
      fields[COLUMN.to] = from;
      return {
        column: 'To Date',
        value: from,
        description: `From Date and To Date swapped: the period ends on ${from}, before it starts`,
      };
    }
    default: {
      const column = variant < 0.5 ? COLUMN.begin : COLUMN.end;
      const value = BAD_NUMBERS[Math.floor(variant * 6) % BAD_NUMBERS.length] ?? 'n/a';
      fields[column] = value;
      const header = HEADER[column] ?? '';
      return { column: header, value, description: `${header} is "${value}", not a number` };
    }
  }
}

function expectedRecord(
  account: SampleAccount,
  period: SamplePeriod,
  printedReturn: string,
): CanonicalPeriod {
  return expectedPeriod(account, period, {
    timing: () => 'end_of_day',
    income: '0.00',
    vendorReturn: printedReturn === '' ? null : shiftPointLeft(printedReturn, 2),
    returnBasis: 'gross',
  });
}
