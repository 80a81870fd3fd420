// The spacing of a time series' points: the usual step between two dates of an account, and
// whether weekends occur (days) or not (business days).
import { dayNumber } from '../../domain/civil-date.ts';
import type { PointSpacing } from '../../domain/vendor-config.ts';

/** Spacing of the points: the usual step between two dates of an account. */
export function spacingOf(
  dates: string[],
  accounts: (string | null)[],
): { spacing: PointSpacing; evidence: string } {
  const last = new Map<string, number>();
  const steps = new Map<number, number>();
  let weekend = false;
  dates.forEach((date, i) => {
    const day = dayNumber(date);
    if (Number.isNaN(day)) return;
    const weekday = (day + 4) % 7;
    if (weekday === 0 || weekday === 6) weekend = true;
    const account = accounts[i] ?? '';
    const before = last.get(account);
    if (before !== undefined && day > before) steps.set(day - before, (steps.get(day - before) ?? 0) + 1);
    last.set(account, day);
  });
  const usual = [...steps].sort((a, b) => b[1] - a[1])[0]?.[0];
  const described = [...steps].map(([d, n]) => `${n} × ${d} day${d === 1 ? '' : 's'}`).join(', ');
  if (usual === undefined) return { spacing: 'any', evidence: 'one point per account: no spacing to see' };
  if (usual <= 3)
    return weekend
      ? { spacing: 'days', evidence: `steps between points: ${described}; weekend dates present` }
      : { spacing: 'business_days', evidence: `steps between points: ${described}; no weekend dates` };
  if (usual >= 28 && usual <= 31)
    return { spacing: 'months', evidence: `steps between points: ${described}` };
  return { spacing: 'any', evidence: `steps between points: ${described}` };
}
