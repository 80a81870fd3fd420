// Parsing what a person typed on the command line, once for every command. Dates go through the
// one strict parser of the domain; numbers must be whole and in range.
import { parseIsoDate } from '../domain/civil-date.ts';
import { InvalidInputError } from '../domain/errors.ts';

export function optionalIsoDate(name: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : parseIsoDate(name, value);
}

/** A whole number from `min` to `max`, e.g. an id (`min` 1) or a --limit. */
export function wholeNumber(name: string, raw: string, range: { min?: number; max?: number } = {}): number {
  const min = range.min ?? 1;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(
      `${name} must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` of ${min} or more` : ` from ${min} to ${max}`}, got "${raw}"`,
    );
  }
  return value;
}

export function nonNegativeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`${name} "${raw}" is not a number of zero or more`);
  }
  return value;
}
