// The conventions a return is computed under. They travel with every figure, so a stored
// return says which basis and which large-flow threshold produced it.
import type { ReturnBasis } from '../domain/canonical.ts';
import { InvalidInputError } from '../domain/errors.ts';

export interface ReturnConventions {
  /**
   * `net`: market values as reported, which are net of fees taken out of the portfolio.
   * `gross`: the period's fees are added back as if they had not been deducted (see
   * period-return.ts for the exact treatment).
   */
  basis: ReturnBasis;
  /**
   * A day's net external flow (per timing) larger than this share of the begin market value
   * is a large external cash flow (GIPS). Default 0.10.
   */
  largeFlowThreshold: number;
}

export const DEFAULT_CONVENTIONS: Readonly<ReturnConventions> = Object.freeze({
  basis: 'net',
  largeFlowThreshold: 0.1,
});

/** Fill in defaults and reject a convention that cannot be meant (a configuration error). */
export function resolveConventions(conventions?: Partial<ReturnConventions>): ReturnConventions {
  const basis = conventions?.basis ?? DEFAULT_CONVENTIONS.basis;
  const largeFlowThreshold = conventions?.largeFlowThreshold ?? DEFAULT_CONVENTIONS.largeFlowThreshold;
  if (basis !== 'gross' && basis !== 'net') {
    throw new InvalidInputError(`return basis "${String(basis)}" is not known`, 'use "gross" or "net"');
  }
  if (typeof largeFlowThreshold !== 'number' || Number.isNaN(largeFlowThreshold) || largeFlowThreshold < 0) {
    throw new InvalidInputError(
      `large-flow threshold ${String(largeFlowThreshold)} is not a share of the begin market value`,
      'give a number such as 0.10 for 10%, or Infinity to never split',
    );
  }
  return { basis, largeFlowThreshold };
}
