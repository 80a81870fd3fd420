// Which canonical field a column's name suggests, in English and German as vendors write them
// ("Beginning Market Value", "startingValue", "Anfangswert"). The first rule that matches the
// name and the column's shape wins, so the specific rules come before the general ones.

/** What a column looks like, for a rule to check its name against. */
export type Shape = 'date' | 'amount' | 'currency' | 'text';

export type Role =
  | 'account_id'
  | 'period_start'
  | 'period_end'
  | 'flow_date'
  | 'currency'
  | 'begin_market_value'
  | 'end_market_value'
  | 'flow_amount'
  | 'deposit'
  | 'withdrawal'
  | 'transfer'
  | 'income'
  | 'fees'
  | 'vendor_return'
  | 'return_basis'
  | 'flow_timing';

interface Rule {
  role: Role;
  name: RegExp;
  shapes: readonly Shape[];
}

const DATE: readonly Shape[] = ['date'];
const AMOUNT: readonly Shape[] = ['amount'];
const WORDS: readonly Shape[] = ['text', 'currency'];

const RULES: readonly Rule[] = [
  {
    role: 'flow_date',
    name: /\b(flow|value|payment|zahlung|trade|transfer|settle(ment)?|cash ?flow)\b.*\b(date|datum)\b|\b(date|datum)\b.*\b(flow|zahlung|payment)\b/,
    shapes: DATE,
  },
  {
    role: 'period_start',
    name: /\b(from|start|begin|beginning|von|beginn|period start|inception)\b/,
    shapes: DATE,
  },
  {
    role: 'period_end',
    name: /\b(to|end|ending|as ?of|bis|ende|period end|date|datum|valuation date|stichtag)\b/,
    shapes: DATE,
  },
  {
    role: 'currency',
    name: /\b(currency|ccy|curr|w(ä|ae)hrung|buchungsw(ä|ae)hrung)\b/,
    shapes: ['currency'],
  },
  { role: 'flow_timing', name: /\btiming\b/, shapes: WORDS },
  { role: 'return_basis', name: /\bbasis\b/, shapes: WORDS },
  {
    role: 'flow_amount',
    name: /\bnet\b.*\b(flows?|cash ?flows?|contributions?|withdrawals?)\b|\beinlagen ?entnahmen\b|^(flows?|flow amount|net flows?)$/,
    shapes: AMOUNT,
  },
  {
    role: 'deposit',
    name: /\b(deposits?|contributions?|subscriptions?|inflows?|einlagen|einzahlungen)\b/,
    shapes: AMOUNT,
  },
  {
    role: 'withdrawal',
    name: /\b(withdrawals?|redemptions?|outflows?|entnahmen|auszahlungen)\b/,
    shapes: AMOUNT,
  },
  { role: 'transfer', name: /\btransfers?\b/, shapes: AMOUNT },
  {
    role: 'begin_market_value',
    name: /\b(beg|begin|beginning|opening|starting|start|bmv|anfangswert|open)\b/,
    shapes: AMOUNT,
  },
  { role: 'income', name: /\b(income|dividends?|interest|ertr(ä|ae)ge?|zinsen|coupons?)\b/, shapes: AMOUNT },
  { role: 'fees', name: /\b(fees?|commissions?|geb(ü|ue)hren|kosten|charges?)\b/, shapes: AMOUNT },
  {
    role: 'vendor_return',
    name: /\b(returns?|twr|rendite|ror|rate of return|performance)\b/,
    shapes: AMOUNT,
  },
  {
    role: 'end_market_value',
    name: /\b(end|ending|closing|emv|endwert|close|market ?value|value|nav|wert)\b/,
    shapes: AMOUNT,
  },
  { role: 'account_id', name: /\b(account|acct|portfolio|depot|konto|fund code|fund|id)\b/, shapes: WORDS },
];

/** `startingValue`, `Beg MV`, `accounts[].periods[].values.begin` -> `starting value`, `beg mv`, `values begin`. */
export function words(name: string): string {
  return name
    .replace(/^.*\[\]\./, '')
    .replace(/^\$\./, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}%]+/gu, ' ')
    .trim();
}

export function roleOf(name: string, shape: Shape): Role | undefined {
  const w = words(name);
  if (/\bname\b/.test(w)) return undefined;
  return RULES.find((r) => r.shapes.includes(shape) && r.name.test(w))?.role;
}

/** Account columns that name the account (`Account Number`, `accountId`) win over others. */
export function accountPreference(name: string): number {
  return /\b(number|no|id|code|nr)\b/.test(words(name)) ? 1 : 0;
}
