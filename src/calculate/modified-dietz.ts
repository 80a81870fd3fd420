// The one formula (SPEC §3): Modified Dietz with a weight per flow,
//
//   r = (EMV - BMV - ΣF_i) / (BMV + Σ w_i F_i),   w_i = (CD - D_i) / CD  (end of day)
//                                                  w_i = (CD - D_i + 1) / CD  (start of day)
//
// CD = calendar days from period start to period end, D_i = days from period start to the
// flow's date. A flow counts from the end of its day, so a flow on period end weighs 0 and a
// start-of-day flow on the first day weighs 1. On a one-day period this *is* the true daily
// return: end of day (EMV - F)/BMV - 1, start of day EMV/(BMV + F) - 1, and mixed
// (EMV - F_out)/(BMV + F_in) - 1.
//
// Both sides are multiplied by CD so that every coefficient is an exact integer, and both are
// evaluated as compensated sums (see numeric.ts):
//
//   r = CD·(EMV - BMV - ΣF_i) / (CD·BMV + Σ (CD - D'_i)·F_i),  D'_i = D_i, or D_i - 1 at start of day.
import { AVERAGE_CAPITAL_NOISE_FLOOR, addProduct, addTerm, compensatedSum, sumValue } from './numeric.ts';
import type { UndefinedReason } from './reasons.ts';

/** A flow with its date as a day number. Flows are kept sorted by day. */
export interface DatedFlow {
  day: number;
  amount: number;
  startOfDay: boolean;
}

export interface DietzOutcome {
  value: number | null;
  reason: UndefinedReason | null;
  /** BMV + Σ w_i F_i: the capital the return is measured on (for messages). */
  averageCapital: number;
}

/**
 * Modified Dietz over `startDay`..`endDay` with the flows `flows[first..last)`, all of which
 * must lie in (startDay, endDay]. `endOutflow` is an amount withdrawn at the end of the last
 * day on top of the flows (the fees added back for a gross return); it weighs 0.
 */
export function modifiedDietz(
  startDay: number,
  endDay: number,
  beginMarketValue: number,
  endMarketValue: number,
  flows: readonly DatedFlow[],
  first: number,
  last: number,
  endOutflow = 0,
): DietzOutcome {
  const calendarDays = endDay - startDay;
  const gain = compensatedSum();
  const capital = compensatedSum();
  addTerm(gain, endMarketValue);
  addTerm(gain, -beginMarketValue);
  addProduct(capital, calendarDays, beginMarketValue);
  let anyFlow = false;
  let anyInvestedFlow = false;
  for (let index = first; index < last; index++) {
    const flow = flows[index] as DatedFlow;
    const daysNotInvested = flow.day - startDay - (flow.startOfDay ? 1 : 0);
    const daysInvested = calendarDays - daysNotInvested;
    addTerm(gain, -flow.amount);
    if (flow.amount !== 0) anyFlow = true;
    if (daysInvested !== 0 && flow.amount !== 0) {
      addProduct(capital, daysInvested, flow.amount);
      anyInvestedFlow = true;
    }
  }
  if (endOutflow !== 0) addTerm(gain, endOutflow);
  const scaledCapital = sumValue(capital);
  const averageCapital = scaledCapital / calendarDays;
  // The capital must stand out from the rounding noise of every amount in the period, those
  // of the gain included; this also bounds |r| below 1/(64·2^-53) ≈ 1.4e14, so it is finite.
  const noise = AVERAGE_CAPITAL_NOISE_FLOOR * (capital.magnitude + calendarDays * gain.magnitude);
  if (!(scaledCapital > noise)) {
    let reason: UndefinedReason = 'ZERO_OR_NEGATIVE_DENOMINATOR';
    if (beginMarketValue === 0 && !anyFlow) reason = 'NO_INVESTED_CAPITAL';
    else if (beginMarketValue === 0 && !anyInvestedFlow) reason = 'FLOW_ONLY_INCEPTION_END_OF_DAY';
    return { value: null, reason, averageCapital };
  }
  const value = (sumValue(gain) * calendarDays) / scaledCapital + 0;
  return { value, reason: null, averageCapital };
}
