// Tolerance resolution (SPEC §4): most specific first — the account (for this vendor, then for
// any vendor) → the vendor (a stored rule, then its configuration file) → a global rule → the
// default of 1 bp. Rules are effective-dated on the valuation date being checked: a rule
// applies to periods ending on or after its `effectiveFrom` (and up to its `effectiveTo`), and
// within one level the latest applicable rule wins. The return and the market-value parts are
// resolved separately; the market-value part (absolute and/or relative) is one unit, so a rule
// that sets only an absolute tolerance does not inherit a relative one from a wider level.
import type { DecimalString, IsoDate } from '../domain/canonical.ts';
import { addDays, isIsoDate } from '../domain/civil-date.ts';
import { abs, compare, isZero } from '../domain/decimal.ts';
import type {
  AppliedTolerance,
  ToleranceRule,
  ToleranceSource,
  VendorToleranceDefaults,
} from '../domain/reconciliation.ts';

/** Any account / any vendor in a stored rule. */
export const ANY = '*';

export const DEFAULT_RETURN_BPS = 1;
/** One cent: a market value that differs by less is the same value. */
export const DEFAULT_MARKET_VALUE_ABS: DecimalString = '0.01';

const FIRST_DATE = '0001-01-01';
const LAST_DATE = '9999-12-31';

/** A return tolerance in force over a range of valuation dates (both ends included). */
export interface ReturnToleranceSpan {
  from: IsoDate;
  to: IsoDate;
  returnBps: number;
}

interface Level {
  source: ToleranceSource;
  rule: LevelRule | undefined;
}

function applies(rule: ToleranceRule, asOf: IsoDate): boolean {
  return rule.effectiveFrom <= asOf && (rule.effectiveTo === null || asOf <= rule.effectiveTo);
}

/** The latest rule for exactly this account and vendor pattern in force on `asOf`. */
function latest(rules: readonly ToleranceRule[], accountId: string, vendorCode: string, asOf: IsoDate) {
  let found: ToleranceRule | undefined;
  for (const rule of rules) {
    if (rule.accountId !== accountId || rule.vendorCode !== vendorCode || !applies(rule, asOf)) continue;
    if (found === undefined || rule.effectiveFrom > found.effectiveFrom) found = rule;
  }
  return found;
}

type LevelRule = Pick<ToleranceRule, 'returnBps' | 'marketValueAbs' | 'marketValueRel'>;

/**
 * Rules indexed once per run, so resolving a tolerance for each of a million periods looks at
 * the few rules of its account and vendor only; the resolved tolerances are shared objects
 * (there are only as many distinct ones as combinations of rules), so a run does not create
 * one per check.
 */
export class ToleranceBook {
  private readonly byAccount = new Map<string, ToleranceRule[]>();
  private readonly vendorConfig: (vendorCode: string) => VendorToleranceDefaults;
  private readonly configRules = new Map<string, LevelRule>();
  private readonly resolved = new Map<string, AppliedTolerance>();
  private readonly ruleIds = new Map<LevelRule, number>();

  constructor(
    rules: readonly ToleranceRule[],
    vendorConfig: (vendorCode: string) => VendorToleranceDefaults,
  ) {
    for (const rule of rules) {
      const list = this.byAccount.get(rule.accountId);
      if (list === undefined) this.byAccount.set(rule.accountId, [rule]);
      else list.push(rule);
    }
    this.vendorConfig = vendorConfig;
  }

  private configRule(vendorCode: string): LevelRule {
    let rule = this.configRules.get(vendorCode);
    if (rule === undefined) {
      const config = this.vendorConfig(vendorCode);
      rule = {
        returnBps: config.returnBps ?? null,
        marketValueAbs: config.marketValueAbs ?? null,
        marketValueRel: config.marketValueRel ?? null,
      };
      this.configRules.set(vendorCode, rule);
    }
    return rule;
  }

  private idOf(rule: LevelRule | undefined): number {
    if (rule === undefined) return 0;
    let id = this.ruleIds.get(rule);
    if (id === undefined) {
      id = this.ruleIds.size + 1;
      this.ruleIds.set(rule, id);
    }
    return id;
  }

  /** The accounts with rules of their own; every other account resolves like `ANY`. */
  accountsWithRules(): string[] {
    return [...this.byAccount.keys()].filter((account) => account !== ANY);
  }

  /**
   * The return tolerance `resolve` gives an account (`ANY`: an account without rules of its own)
   * and vendor, as date ranges covering every date: it can only change where a rule that may
   * apply starts or ends, so resolving it at each such date is exact. For checks run as SQL.
   */
  returnSpans(accountId: string, vendorCode: string): ReturnToleranceSpan[] {
    const starts = new Set<IsoDate>([FIRST_DATE]);
    const own = accountId === ANY ? [] : (this.byAccount.get(accountId) ?? []);
    for (const rule of [...own, ...(this.byAccount.get(ANY) ?? [])]) {
      if (rule.vendorCode !== vendorCode && rule.vendorCode !== ANY) continue;
      starts.add(rule.effectiveFrom);
      if (rule.effectiveTo !== null && rule.effectiveTo < LAST_DATE) starts.add(addDays(rule.effectiveTo, 1));
    }
    const sorted = [...starts].sort();
    return sorted.map((from, index) => {
      const next = sorted[index + 1];
      return {
        from,
        to: next === undefined ? LAST_DATE : addDays(next, -1),
        returnBps: this.resolve(accountId, vendorCode, from).returnBps,
      };
    });
  }

  resolve(accountId: string, vendorCode: string, asOf: IsoDate): AppliedTolerance {
    const accountRules = accountId === ANY ? undefined : this.byAccount.get(accountId);
    const anyAccount = this.byAccount.get(ANY);
    const accountVendor = accountRules && latest(accountRules, accountId, vendorCode, asOf);
    const account = accountRules && latest(accountRules, accountId, ANY, asOf);
    const vendor = anyAccount && latest(anyAccount, ANY, vendorCode, asOf);
    const config = this.configRule(vendorCode);
    const global = anyAccount && latest(anyAccount, ANY, ANY, asOf);
    const key = `${this.idOf(accountVendor)},${this.idOf(account)},${this.idOf(vendor)},${this.idOf(config)},${this.idOf(global)}`;
    const known = this.resolved.get(key);
    if (known !== undefined) return known;
    const levels: Level[] = [
      { source: 'account+vendor', rule: accountVendor },
      { source: 'account', rule: account },
      { source: 'vendor', rule: vendor },
      { source: 'vendor-config', rule: config },
      { source: 'global', rule: global },
    ];
    let returnBps = DEFAULT_RETURN_BPS;
    let returnSource: ToleranceSource = 'default';
    for (const level of levels) {
      if (level.rule?.returnBps != null) {
        returnBps = level.rule.returnBps;
        returnSource = level.source;
        break;
      }
    }
    let marketValueAbs: DecimalString | null = DEFAULT_MARKET_VALUE_ABS;
    let marketValueRel: number | null = null;
    let marketValueSource: ToleranceSource = 'default';
    for (const level of levels) {
      const rule = level.rule;
      if (rule !== undefined && (rule.marketValueAbs != null || rule.marketValueRel != null)) {
        marketValueAbs = rule.marketValueAbs;
        marketValueRel = rule.marketValueRel;
        marketValueSource = level.source;
        break;
      }
    }
    const applied = Object.freeze({
      returnBps,
      returnSource,
      marketValueAbs,
      marketValueRel,
      marketValueSource,
    });
    this.resolved.set(key, applied);
    return applied;
  }
}

/**
 * The looser of two tolerances: a comparison of two vendors is only as precise as the less
 * precise of them. The market-value part is the one allowing more at `reference`.
 */
export function looser(a: AppliedTolerance, b: AppliedTolerance, reference: DecimalString): AppliedTolerance {
  const returnPart = a.returnBps >= b.returnBps ? a : b;
  const valuePart = marketValueAllowance(a, reference) >= marketValueAllowance(b, reference) ? a : b;
  return {
    returnBps: returnPart.returnBps,
    returnSource: returnPart.returnSource,
    marketValueAbs: valuePart.marketValueAbs,
    marketValueRel: valuePart.marketValueRel,
    marketValueSource: valuePart.marketValueSource,
  };
}

/** What a market-value tolerance allows at a value: the larger of its absolute and relative parts. */
export function marketValueAllowance(tolerance: AppliedTolerance, reference: DecimalString): number {
  const absolute = tolerance.marketValueAbs === null ? 0 : Number(tolerance.marketValueAbs);
  const relative =
    tolerance.marketValueRel === null ? 0 : tolerance.marketValueRel * Math.abs(Number(reference));
  return Math.max(absolute, relative);
}

/**
 * True when |difference| is within the tolerance at `reference`: within the absolute amount
 * (compared exactly in decimal) or within the relative share.
 */
export function withinMarketValueTolerance(
  difference: DecimalString,
  reference: DecimalString,
  tolerance: AppliedTolerance,
): boolean {
  const magnitude = abs(difference);
  if (tolerance.marketValueAbs !== null && compare(magnitude, tolerance.marketValueAbs) <= 0) return true;
  if (tolerance.marketValueRel !== null) {
    return Number(magnitude) <= tolerance.marketValueRel * Math.abs(Number(reference));
  }
  return isZero(magnitude);
}

/** Validate a rule a person is about to store; returns the problems. */
export function ruleProblems(rule: ToleranceRule): string[] {
  const problems: string[] = [];
  if (rule.returnBps === null && rule.marketValueAbs === null && rule.marketValueRel === null) {
    problems.push(
      'give at least one of a return tolerance (bps), an absolute or a relative market-value tolerance',
    );
  }
  if (rule.returnBps !== null && !(Number.isFinite(rule.returnBps) && rule.returnBps >= 0)) {
    problems.push(`return tolerance ${rule.returnBps} bps must be zero or more`);
  }
  if (rule.marketValueRel !== null && !(Number.isFinite(rule.marketValueRel) && rule.marketValueRel >= 0)) {
    problems.push(`relative market-value tolerance ${rule.marketValueRel} must be a fraction, zero or more`);
  }
  if (rule.marketValueAbs !== null && !/^\d+(\.\d+)?$/.test(rule.marketValueAbs)) {
    problems.push(
      `absolute market-value tolerance "${rule.marketValueAbs}" must be a decimal amount, zero or more`,
    );
  }
  for (const [name, date] of [
    ['effective from', rule.effectiveFrom],
    ['effective to', rule.effectiveTo],
  ] as const) {
    if (date !== null && !isIsoDate(date)) problems.push(`${name} "${date}" is not a date YYYY-MM-DD`);
  }
  if (rule.effectiveTo !== null && rule.effectiveTo < rule.effectiveFrom) {
    problems.push(`effective to ${rule.effectiveTo} is before effective from ${rule.effectiveFrom}`);
  }
  return problems;
}
