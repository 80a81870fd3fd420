// The engine's input from a canonical period whose amounts are decimal strings (as mapped
// from a file or read from NUMERIC columns). Amounts become numbers here, once, under the
// numeric policy in numeric.ts.
import type { CanonicalPeriod } from '../domain/canonical.ts';
import type { PeriodInput } from './period-return.ts';

export type DecimalPeriod = Pick<
  CanonicalPeriod,
  'periodStart' | 'periodEnd' | 'beginMarketValue' | 'endMarketValue' | 'flows' | 'fees'
>;

export function toPeriodInput(period: DecimalPeriod): PeriodInput {
  return {
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    beginMarketValue: Number(period.beginMarketValue),
    endMarketValue: Number(period.endMarketValue),
    flows: period.flows.map((flow) => ({
      date: flow.date,
      amount: Number(flow.amount),
      timing: flow.timing,
    })),
    fees: period.fees === null ? null : Number(period.fees),
  };
}
