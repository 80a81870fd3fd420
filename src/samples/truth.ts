// The "truth" behind sample files: per account, a daily series of valuations, external flows
// and fees, generated from a seeded random source so a run is repeatable. Writers turn it into
// vendor files (daily or monthly, each vendor with its own conventions and quirks), so every
// vendor reports the same money and their figures can be compared.
//
// The model of one day d > 0 (all amounts in cents, flows at end of day):
//   MV_d = MV_{d-1} · (1 + r_d) + flow_d - fee_d
// so the true daily return, net of fees, is (MV_d - flow_d) / MV_{d-1} - 1 (up to the cent).
// Fees are a management fee charged on the last day of each month.
import { addDays } from '../domain/civil-date.ts';

export interface DailyValuation {
  date: string;
  marketValue: number;
  /** Net external flow booked on this date (end of day), 0 when none. */
  flow: number;
  /** Fee taken out of the portfolio on this date (positive), 0 when none. */
  fee: number;
}

export interface SampleAccount {
  accountId: string;
  /** The name vendors print beside the identifier (some carry quotes, semicolons, accents). */
  name: string;
  currency: string;
  /**
   * Day 0 is the inception valuation (no flow); day i > 0 closes the period (day i-1, day i].
   * An account funded at inception has 0 on day 0 and its first money as a flow on day 1.
   */
  days: DailyValuation[];
}

/** mulberry32: a small, fast, seeded PRNG; good enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function isMonthEnd(isoDate: string): boolean {
  return addDays(isoDate, 1).endsWith('-01');
}

const cents = (value: number) => Math.round(value * 100) / 100;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF'];
const NAMES = [
  'Pension Fund; Equity',
  'Endowment Bonds',
  'Global Equity Fund',
  'Balanced Mandate',
  'Müller Family Trust',
  "O'Brien Foundation",
  'Retirement Plan "Growth"',
  'Euro Credit Sleeve',
];

export interface TruthOptions {
  accounts: number;
  days: number;
  /** Inception valuation date. */
  start: string;
  seed: number;
}

/** Accounts that open at inception with their first money as a flow (BMV 0, "null" for some vendors). */
export function isFundedAtInception(accountIndex: number): boolean {
  return accountIndex % 4 === 2;
}

/** The accounts one by one, so a very large sample can be written without holding it whole. */
export function* truthAccounts(options: TruthOptions): Generator<SampleAccount> {
  const random = seededRandom(options.seed);
  for (let a = 0; a < options.accounts; a++) {
    const funded = isFundedAtInception(a);
    let marketValue = cents(100_000 + random() * 9_900_000);
    const days: DailyValuation[] = [
      { date: options.start, marketValue: funded ? 0 : marketValue, flow: 0, fee: 0 },
    ];
    if (funded) {
      // The first money arrives at the end of day 1: no return is earned on it that day.
      days.push({ date: addDays(options.start, 1), marketValue, flow: marketValue, fee: 0 });
    }
    for (let d = days.length; d <= options.days; d++) {
      const date = addDays(options.start, d);
      const dailyReturn = (random() - 0.48) * 0.02;
      let flow = 0;
      if (random() < 0.06) {
        const share = 0.005 + random() * 0.08;
        flow = cents(marketValue * share * (random() < 0.65 ? 1 : -1));
      }
      const fee = isMonthEnd(date) ? cents(marketValue * (0.0003 + random() * 0.0002)) : 0;
      marketValue = cents(marketValue * (1 + dailyReturn) + flow - fee);
      days.push({ date, marketValue, flow, fee });
    }
    yield {
      accountId: `ACC-${String(a + 1).padStart(4, '0')}`,
      name: NAMES[a % NAMES.length] ?? 'Account',
      currency: CURRENCIES[a % CURRENCIES.length] ?? 'USD',
      days,
    };
  }
}

export function generateTruth(options: TruthOptions): SampleAccount[] {
  return [...truthAccounts(options)];
}
