// The "truth" behind sample files: per account, a daily series of valuations and external
// flows, generated from a seeded random source so a run is repeatable. Writers turn it into
// vendor files (daily or monthly, each vendor with its own conventions and quirks).
export interface DailyValuation {
  date: string;
  marketValue: number;
  /** Net external flow booked on this date (end of day), 0 when none. */
  flow: number;
}

export interface SampleAccount {
  accountId: string;
  currency: string;
  /** Day 0 is the inception valuation (no flow); day i > 0 closes the period (day i-1, day i]. */
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

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const cents = (value: number) => Math.round(value * 100) / 100;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF'];

export interface TruthOptions {
  accounts: number;
  days: number;
  /** Inception valuation date. */
  start: string;
  seed: number;
}

export function generateTruth(options: TruthOptions): SampleAccount[] {
  const random = seededRandom(options.seed);
  const accounts: SampleAccount[] = [];
  for (let a = 0; a < options.accounts; a++) {
    let marketValue = cents(100_000 + random() * 9_900_000);
    const days: DailyValuation[] = [{ date: options.start, marketValue, flow: 0 }];
    for (let d = 1; d <= options.days; d++) {
      const dailyReturn = (random() - 0.48) * 0.02;
      let flow = 0;
      if (random() < 0.06) {
        const share = 0.005 + random() * 0.08;
        flow = cents(marketValue * share * (random() < 0.65 ? 1 : -1));
      }
      marketValue = cents(marketValue * (1 + dailyReturn) + flow);
      days.push({ date: addDays(options.start, d), marketValue, flow });
    }
    accounts.push({
      accountId: `ACC-${String(a + 1).padStart(4, '0')}`,
      currency: CURRENCIES[a % CURRENCIES.length] ?? 'USD',
      days,
    });
  }
  return accounts;
}
