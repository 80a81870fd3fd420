// One record being mapped: its lookups, and every problem and warning found in it, so a row
// is quarantined with all its problems (not only the first), each with field, column and value.
import type { ReadRecord, RowProblem } from '../domain/read-row.ts';
import type { CanonicalField, FieldMapping, VendorConfig, VendorSource } from '../domain/vendor-config.ts';
import { isReturnWithinBound, MAX_ABSOLUTE_RETURN } from './bounds.ts';
import { parseDate } from './date.ts';
import { type Found, isEmpty, lookup, type RawValue } from './lookup.ts';
import { negateDecimal, parseDecimal, returnToFraction } from './number.ts';

const display = (v: RawValue): string | null => (v === undefined || v === null ? null : String(v));

export class RowContext {
  readonly raw: ReadRecord;
  readonly vendor: VendorConfig;
  readonly source: VendorSource;
  readonly problems: RowProblem[];
  readonly warnings: string[] = [];
  readonly fieldSources: Record<string, string> = {};

  constructor(raw: ReadRecord, vendor: VendorConfig, source: VendorSource) {
    this.raw = raw;
    this.vendor = vendor;
    this.source = source;
    this.problems = raw.problems === undefined ? [] : [...raw.problems];
  }

  /** A canonical field's value; records its column (lineage) and a default's warning. */
  get(field: CanonicalField): Found {
    return this.find(field, this.source.fields[field]);
  }

  /** `lineage: false` for a part of a flow, whose lineage is recorded only when the flow is taken. */
  find(field: string, mapping: FieldMapping | undefined, lineage = true): Found {
    const found = lookup(this.raw, this.source, mapping);
    if (lineage && found.column !== undefined && !isEmpty(found.value))
      this.fieldSources[field] = found.column;
    if (found.usedDefault)
      this.warnings.push(
        `${field} is empty in ${found.column ?? 'the file'}; the vendor default ${String(found.value)} was used`,
      );
    return found;
  }

  problem(field: string, found: Found, reason: string): void {
    // A reader's problem for the same column (a JSON Schema error) already says it.
    if (found.column !== undefined && this.raw.problems?.some((p) => p.column === found.column)) return;
    this.problems.push({ field, column: found.column, value: display(found.value), reason });
  }

  required(field: CanonicalField): Found | undefined {
    const found = this.get(field);
    if (isEmpty(found.value)) {
      this.problem(
        field,
        found,
        found.column === undefined ? `no column is mapped to ${field}` : `${field} is missing`,
      );
      return undefined;
    }
    return found;
  }

  date(field: string, mapping: FieldMapping | undefined, found: Found | undefined): string | undefined {
    if (!found) return undefined;
    const v = found.value;
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.problem(field, found, `${field} is not a date`);
      return undefined;
    }
    const parsed = parseDate(v, mapping?.dateFormats ?? this.source.dateFormats, {
      date1904: this.raw.date1904 === true,
    });
    if (!parsed.ok) {
      this.problem(field, found, parsed.reason);
      return undefined;
    }
    return parsed.value;
  }

  /** An amount or return as a decimal string, in the mapping's unit and sign. */
  decimal(field: string, mapping: FieldMapping | undefined, found: Found | undefined): string | undefined {
    if (!found || isEmpty(found.value)) return undefined;
    const v = found.value;
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.problem(field, found, `${field} is not a number`);
      return undefined;
    }
    const parsed = parseDecimal(v, this.source.numberFormat);
    if (!parsed.ok) {
      this.problem(field, found, parsed.reason);
      return undefined;
    }
    let value = parsed.value;
    if (parsed.percent) {
      if (field !== 'vendor_return') {
        this.problem(field, found, `"${String(v)}" is a percentage where an amount is expected`);
        return undefined;
      }
      value = returnToFraction(value, 'percent');
    } else if (mapping?.unit !== undefined) {
      value = returnToFraction(value, mapping.unit);
    }
    if (field === 'vendor_return' && !isReturnWithinBound(value)) {
      this.problem(
        field,
        found,
        `vendor_return ${value} is outside -${MAX_ABSOLUTE_RETURN} to ${MAX_ABSOLUTE_RETURN} (as a fraction, ±10,000 %); check the unit configured for it (fraction, percent or bps)`,
      );
      return undefined;
    }
    return mapping?.negate ? negateDecimal(value) : value;
  }
}
