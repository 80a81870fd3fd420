// Small builders for reconciliation tests: a stored period with its figures as text.
import type { CashFlow } from '../../src/domain/canonical.ts';
import {
  DEFAULT_VENDOR_SETTINGS,
  type ReconPeriod,
  type VendorReconSettings,
} from '../../src/reconcile/index.ts';

export function period(
  overrides: Partial<ReconPeriod> & { periodStart: string; periodEnd: string },
): ReconPeriod {
  return {
    accountId: 'ACC-1',
    vendorCode: 'custodian',
    currency: 'EUR',
    beginMarketValue: '100000',
    endMarketValue: '100000',
    flows: [],
    income: null,
    fees: null,
    vendorReturn: null,
    returnBasis: 'net',
    calculatedReturn: null,
    returnUndefinedReason: null,
    lineage: {
      fileId: 1,
      configVersion: 'v1',
      calculationVersion: 'calc-1',
      sourceLocation: { file: 'f.csv', row: 2 },
    },
    ...overrides,
  };
}

export function flow(date: string, amount: string, timing: CashFlow['timing'] = 'end_of_day'): CashFlow {
  return { date, amount, timing };
}

export function settings(overrides: Partial<VendorReconSettings> = {}): VendorReconSettings {
  return { ...DEFAULT_VENDOR_SETTINGS, ...overrides };
}

/** A return as a vendor prints it: rounded to `decimals` places of a fraction, as text. */
export function printed(value: number, decimals: number): string {
  return value.toFixed(decimals);
}
