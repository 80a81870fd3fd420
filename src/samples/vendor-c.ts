// Vendor C, a data vendor's performance API (vendors/vendor-c.yaml), written as the nested
// JSON document it delivers: accounts[] with their periods[] (calendar months by default),
// every number a decimal STRING, the time-weighted return as a fraction string with six
// decimals, net of fees, dated cash flows in an array per period, and a null opening value in
// the first period of an account funded during it. Flows are counted the Portfolio Performance
// way (contributions at start of day, withdrawals at end of day). Some accounts come from the
// API's older endpoint, which writes dates as YYYYMMDD.
//
// The document is produced in chunks (one account's periods at a time), one period per line.
import type { CanonicalPeriod } from '../domain/canonical.ts';
import { flowTimingFor } from '../domain/canonical.ts';
import { expectedPeriod, fixed, monthlyPeriods, type SamplePeriod, vendorPeriodReturn } from './periods.ts';
import { type ProblemPlanner, shiftReturn } from './problems.ts';
import type { SampleRecorder } from './sample-file.ts';
import type { SampleAccount } from './truth.ts';

export const VENDOR_C = 'vendor-c';
const DECIMALS = 6;
const mixed = (amount: number) => flowTimingFor('mixed', amount);

export interface VendorCOptions {
  generatedAt: string;
  planner: ProblemPlanner;
  recorder: SampleRecorder;
  /** How an account is cut into periods: calendar months unless told otherwise. */
  periodsOf?: (account: SampleAccount) => Iterable<SamplePeriod>;
}

interface JsonPeriod {
  startDate: string;
  endDate: string;
  values: { begin: string | null; end?: string };
  cashFlows: { date: string; amount: string }[];
  fees: string;
  twr: string | null;
  basis: 'net';
}

export function* vendorCJsonChunks(
  accounts: Iterable<SampleAccount>,
  options: VendorCOptions,
): Generator<string> {
  const periodsOf = options.periodsOf ?? monthlyPeriods;
  yield `{\n  "provider": "Data Vendor C",\n  "generatedAt": ${JSON.stringify(options.generatedAt)},\n  "accounts": [`;
  let accountIndex = 0;
  for (const account of accounts) {
    const compactDates = accountIndex % 4 === 3;
    const lines: string[] = [];
    for (const period of periodsOf(account)) {
      const json = vendorCPeriod(account, period, accountIndex, lines.length, compactDates, options);
      if (json !== null) lines.push(`      ${JSON.stringify(json)}`);
    }
    const head = `${accountIndex === 0 ? '' : ','}\n    {\n      "accountId": ${JSON.stringify(account.accountId)},\n      "name": ${JSON.stringify(account.name)},\n      "baseCurrency": ${JSON.stringify(account.currency)},\n      "periods": [`;
    yield `${head}${lines.length === 0 ? '' : `\n${lines.join(',\n')}\n    `}]\n    }`;
    accountIndex++;
  }
  yield '\n  ]\n}\n';
}

function vendorCPeriod(
  account: SampleAccount,
  period: SamplePeriod,
  accountIndex: number,
  periodIndex: number,
  compactDates: boolean,
  options: VendorCOptions,
): JsonPeriod | null {
  const { recorder } = options;
  const date = (iso: string) => (compactDates ? iso.replaceAll('-', '') : iso);
  const jsonPath = `$.accounts[${accountIndex}].periods[${periodIndex}]`;
  const location = { file: recorder.file, jsonPath };
  const correct = vendorPeriodReturn(period, mixed, 'net');
  const correctText = correct === null ? null : fixed(correct, DECIMALS);
  const json: JsonPeriod = {
    startDate: date(period.periodStart),
    endDate: date(period.periodEnd),
    values: {
      begin: period.beginMarketValue === 0 && periodIndex === 0 ? null : fixed(period.beginMarketValue, 2),
      end: fixed(period.endMarketValue, 2),
    },
    cashFlows: period.flows.map((flow) => ({ date: date(flow.date), amount: fixed(flow.amount, 2) })),
    fees: fixed(period.fees, 2),
    twr: correctText,
    basis: 'net',
  };
  const choice = options.planner.next(period.flows.some((flow) => flow.amount < 0));
  switch (choice?.kind) {
    case 'missing_period':
      recorder.problem(
        choice,
        period,
        { file: recorder.file, jsonPath: `$.accounts[${accountIndex}].periods` },
        {
          description: `${period.accountId} ${period.periodStart}..${period.periodEnd} left out of the periods`,
        },
      );
      return null;
    case 'unparseable_number':
    case 'missing_account_id': {
      // An account id sits above the records: its absence rejects the whole document, so a
      // record-level bad value stands in for it.
      // "N/A", or a decimal comma from a European system in front of the API.
      const value = choice.variant < 0.5 ? 'N/A' : (json.values.end ?? '').replace('.', ',');
      json.values.end = value;
      recorder.problem({ kind: 'unparseable_number' }, period, location, {
        column: `${jsonPath}.values.end`,
        value,
        quarantined: [location],
        description: `values.end is "${value}", not a number`,
      });
      recorder.quarantinedRow();
      return json;
    }
    case 'missing_value':
      delete json.values.end;
      recorder.problem(choice, period, location, {
        column: `${jsonPath}.values.end`,
        quarantined: [location],
        description: 'values.end left out (the schema requires it)',
      });
      recorder.quarantinedRow();
      return json;
    case 'end_before_start':
      [json.startDate, json.endDate] = [json.endDate, json.startDate];
      recorder.problem(choice, period, location, {
        column: `${jsonPath}.endDate`,
        value: json.endDate,
        quarantined: [location],
        description: 'startDate and endDate swapped: the period ends before it starts',
      });
      recorder.quarantinedRow();
      return json;
    case 'return_off':
      if (correctText !== null) {
        json.twr = shiftReturn(correctText, choice.offsetBps, 'fraction', DECIMALS);
        recorder.problem(choice, period, location, {
          column: `${jsonPath}.twr`,
          reportedReturn: json.twr,
          correctReturn: correctText,
          offsetBps: choice.offsetBps,
          description: `twr ${json.twr} instead of ${correctText} (${choice.offsetBps} bp)`,
        });
      }
      break;
    case 'flow_timing':
      if (correctText !== null) {
        const startOfDay = vendorPeriodReturn(period, () => 'start_of_day', 'net');
        json.twr = startOfDay === null ? null : fixed(startOfDay, DECIMALS);
        recorder.problem(choice, period, location, {
          column: `${jsonPath}.twr`,
          reportedReturn: json.twr,
          correctReturn: correctText,
          description: `twr computed with every flow at start of day (withdrawals too): ${json.twr} instead of ${correctText}`,
        });
      }
      break;
  }
  recorder.stored(expectedRecord(account, period, json.twr));
  return json;
}

function expectedRecord(account: SampleAccount, period: SamplePeriod, twr: string | null): CanonicalPeriod {
  return expectedPeriod(account, period, {
    timing: mixed,
    income: null,
    vendorReturn: twr,
    returnBasis: 'net',
  });
}
