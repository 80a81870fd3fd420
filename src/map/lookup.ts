// Where a field mapping's value is in one raw record: the first present alias (a header or a
// JSON path), else the document value (a title cell or title row), else the default; or, for a
// sum, every present term added up exactly. Pure: no I/O.
import { add } from '../domain/decimal.ts';
import { normalizeHeader, type ReadRecord } from '../domain/read-row.ts';
import {
  documentLabel,
  type FieldMapping,
  type SummedSource,
  type VendorSource,
} from '../domain/vendor-config.ts';
import { concretePath } from './json-path.ts';
import { negateDecimal, parseDecimal } from './number.ts';

export type RawValue = string | number | boolean | null | undefined;

export interface Found {
  value: RawValue;
  /** The source column or concrete JSON path, or `(constant)` / `(default)`. */
  column: string | undefined;
  usedDefault: boolean;
}

export const NOTHING: Found = { value: undefined, column: undefined, usedDefault: false };

export const isEmpty = (v: RawValue): boolean =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** Per header: for each alias list, the record keys it names, in alias order. */
type Resolution = Map<readonly string[], string[]>;

/** Resolved once per header (by the reader's header array, else by the key list), not per row. */
const byHeader = new WeakMap<readonly string[], Resolution>();
const bySignature = new WeakMap<VendorSource, Map<string, Resolution>>();

function resolutionFor(raw: ReadRecord, source: VendorSource): Resolution {
  if (raw.header) {
    let r = byHeader.get(raw.header);
    if (!r) {
      r = new Map();
      byHeader.set(raw.header, r);
    }
    return r;
  }
  const signature = Object.keys(raw.values).join('\u0000');
  let cache = bySignature.get(source);
  if (!cache) {
    cache = new Map();
    bySignature.set(source, cache);
  }
  let r = cache.get(signature);
  if (!r) {
    if (cache.size > 100) cache.clear();
    r = new Map();
    cache.set(signature, r);
  }
  return r;
}

function keysFor(raw: ReadRecord, source: VendorSource, aliases: readonly string[]): string[] {
  const resolution = resolutionFor(raw, source);
  let keys = resolution.get(aliases);
  if (!keys) {
    const index = new Map<string, string>();
    for (const k of raw.header ?? Object.keys(raw.values)) {
      const norm = normalizeHeader(k);
      if (!index.has(norm)) index.set(norm, k);
    }
    keys = [];
    for (const alias of aliases) {
      const key = index.get(normalizeHeader(alias));
      if (key !== undefined && !keys.includes(key)) keys.push(key);
    }
    resolution.set(aliases, keys);
  }
  return keys;
}

/** The first non-empty value among the aliases (else the first present one). */
function firstOf(raw: ReadRecord, source: VendorSource, aliases: readonly string[]): Found {
  let column: string | undefined;
  let value: RawValue;
  if (source.format === 'json') {
    let chosen: string | undefined;
    for (const path of aliases) {
      if (Object.hasOwn(raw.values, path)) {
        chosen ??= path;
        value = raw.values[path];
        if (!isEmpty(value)) {
          chosen = path;
          break;
        }
      }
    }
    chosen ??= aliases[0];
    column = chosen === undefined ? undefined : concretePath(chosen, raw.location.jsonPath ?? '');
  } else {
    for (const key of keysFor(raw, source, aliases)) {
      column ??= key;
      value = raw.values[key];
      if (!isEmpty(value)) {
        column = key;
        break;
      }
    }
    column ??= aliases[0];
  }
  return { value, column, usedDefault: false };
}

/** One stable alias list per summed term: the header resolution is cached by that array. */
const termAliases = new WeakMap<SummedSource, string[]>();
const aliasesOf = (term: SummedSource): string[] => {
  let aliases = termAliases.get(term);
  if (!aliases) {
    aliases = [term.source];
    termAliases.set(term, aliases);
  }
  return aliases;
};

/**
 * The terms of a sum added up. A term that is not an amount is returned as found, so the
 * caller's number check reports it with its own column; all terms empty gives an empty value.
 */
function sumOf(raw: ReadRecord, source: VendorSource, mapping: FieldMapping): Found {
  let total: string | undefined;
  const columns: string[] = [];
  for (const term of mapping.sum ?? []) {
    const found = firstOf(raw, source, aliasesOf(term));
    if (isEmpty(found.value)) continue;
    if (typeof found.value !== 'string' && typeof found.value !== 'number') return found;
    const parsed = parseDecimal(found.value, source.numberFormat);
    if (!parsed.ok || parsed.percent) return found;
    const value = term.negate ? negateDecimal(parsed.value) : parsed.value;
    total = total === undefined ? value : add(total, value);
    columns.push(`${term.negate ? '-' : ''}${found.column ?? term.source}`);
  }
  return {
    value: total,
    column: columns.length > 0 ? columns.join(' + ') : mapping.sum?.[0]?.source,
    usedDefault: false,
  };
}

export function lookup(raw: ReadRecord, source: VendorSource, mapping: FieldMapping | undefined): Found {
  if (!mapping) return NOTHING;
  if (mapping.value !== undefined) return { value: mapping.value, column: '(constant)', usedDefault: false };
  let found = mapping.sum !== undefined ? sumOf(raw, source, mapping) : firstOf(raw, source, mapping.sources);
  if (isEmpty(found.value) && mapping.document !== undefined) {
    const label = documentLabel(mapping.document);
    const value = raw.document?.[label];
    if (!isEmpty(value) || found.column === undefined) found = { value, column: label, usedDefault: false };
  }
  if (isEmpty(found.value) && mapping.default !== undefined)
    return { value: mapping.default, column: found.column, usedDefault: true };
  return found;
}
