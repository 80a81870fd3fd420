// Building blocks of the public outputs. Timestamps are ISO 8601 strings in UTC; decimals that
// carry money or returns are strings, so no digit is lost to binary floating point.
import { type TSchema, Type } from 'typebox';

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 timestamp, UTC' });
export const IsoDate = Type.String({ format: 'date', description: 'calendar date YYYY-MM-DD' });
export const Decimal = Type.String({
  pattern: '^-?\\d+(\\.\\d+)?$',
  description: 'exact decimal as a string',
});

/** One of a fixed list of strings, as a JSON Schema `enum`. */
export function StringEnum<T extends string>(
  values: readonly T[],
  options: { description?: string; default?: T } = {},
) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Where a value came from in a vendor file: any of sheet, row, column, JSON path. */
export const SourceLocation = Type.Object(
  {
    file: Type.String(),
    sheet: Type.Optional(Type.String()),
    row: Type.Optional(Type.Integer({ description: 'line (CSV) or row (sheet), 1-based' })),
    column: Type.Optional(Type.String()),
    jsonPath: Type.Optional(Type.String()),
  },
  { description: 'a location in a source file' },
);

export function timestamp(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function optionalTimestamp(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : timestamp(value);
}
