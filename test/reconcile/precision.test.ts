// Reported precision up to 18 decimals, per vendor, overridden per file layout's return field
// and per account (account first, then field, then vendor).
import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import { precisionFor, roundingAllowance } from '../../src/reconcile/precision.ts';
import { checkReturn } from '../../src/reconcile/return-check.ts';
import { vendorSettingsLookup } from '../../src/services/reconciliation/vendor-settings.ts';
import { period } from './builders.ts';

const YAML = `
code: precise
name: Precise vendor
reported_precision:
  decimals: 2
  unit: percent
  accounts:
    SHARE-18: { decimals: 18, unit: fraction }
sources:
  - format: csv
    file_patterns: ["precise_*.csv"]
    fields: &fields
      account_id: A
      period_start: S
      period_end: E
      currency: C
      begin_market_value: B
      end_market_value: V
      vendor_return: { from: R, precision: { decimals: 6, unit: fraction } }
  - format: json
    file_patterns: ["precise_*.json"]
    json: { record_path: "r[]" }
    fields:
      account_id: r[].a
      period_start: r[].s
      period_end: r[].e
      currency: r[].c
      begin_market_value: r[].b
      end_market_value: r[].v
`;

describe('reported precision', () => {
  const [vendor] = parseVendorYaml(YAML, 'precise.yaml', false);
  if (!vendor) throw new Error('no vendor');
  const settings = vendorSettingsLookup([vendor])('precise');
  const at = (accountId: string, file: string) =>
    period({
      accountId,
      periodStart: '2024-01-31',
      periodEnd: '2024-02-29',
      lineage: { fileId: 1, configVersion: 'v', calculationVersion: null, sourceLocation: { file, row: 2 } },
    });

  it("takes the account, then the file layout's return field, then the vendor", () => {
    expect(precisionFor(settings, at('SHARE-18', 'precise_1.csv'))).toEqual({
      decimals: 18,
      unit: 'fraction',
    });
    expect(precisionFor(settings, at('ACC-1', 'precise_1.csv'))).toEqual({ decimals: 6, unit: 'fraction' });
    expect(precisionFor(settings, at('ACC-1', 'precise_1.json'))).toEqual({ decimals: 2, unit: 'percent' });
    // A file no layout takes any more: the vendor's.
    expect(precisionFor(settings, at('ACC-1', 'other.xml'))).toEqual({ decimals: 2, unit: 'percent' });
  });

  it('an 18-decimal vendor return leaves no rounding allowance to speak of, and still passes when equal', () => {
    const allowance = roundingAllowance('0.009523809523809524', { decimals: 18, unit: 'fraction' });
    expect(allowance).toEqual({ halfUnit: 5e-19, fractionDecimals: 18, source: 'configured' });
    const p = {
      ...at('SHARE-18', 'precise_1.csv'),
      vendorReturn: '0.009523809523809524',
      calculatedReturn: '0.009523809523809524',
    };
    const tolerance = { returnBps: 0, returnSource: 'default' } as Parameters<typeof checkReturn>[1];
    expect(checkReturn(p, tolerance, precisionFor(settings, p))?.result.status).toBe('PASSED');
  });

  it('accepts 18 decimals and refuses 19 with the key and line', () => {
    expect(() =>
      parseVendorYaml(YAML.replace('decimals: 18', 'decimals: 19'), 'precise.yaml', false),
    ).toThrow('precise.yaml:8:27: reported_precision.accounts.SHARE-18.decimals: must be <= 18');
    expect(() =>
      parseVendorYaml(
        YAML.replace('account_id: A', 'account_id: { from: A, precision: { decimals: 2, unit: percent } }'),
        'precise.yaml',
        false,
      ),
    ).toThrow('"precision" applies to vendor_return only');
  });
});
