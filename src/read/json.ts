// JSON -> raw records. The document is validated against the vendor's JSON Schema (each error
// with its JSON path: an error inside a record quarantines that record, an error in the
// envelope rejects the file), then the records at the record path (`accounts[].periods[]`)
// are flattened into values keyed by mapping paths (`accounts[].periods[].values.begin`),
// with their parents' scalar values (the account's id) and their own arrays indexed
// (`...flows[0].amount`, `...flows.length`).
//
// Limit: the file is read whole (JSON.parse), so memory is a few times the file size and
// V8's string limit (~512 MB) caps it; stream large arrays in a later version. Number
// literals keep their exact source text (JSON.parse source access), so `1234.50` stays
// `1234.50` and 0.1 + 0.2 never enters an amount.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { VendorSource } from '../config/vendor-types.ts';
import { FileRejectedError } from '../domain/errors.ts';
import type { ReadRecord } from '../map/map-record.ts';
import { decodeBuffer, detectEncoding, REPLACEMENT_CHAR } from './decode.ts';
import type { ReaderHooks } from './hooks.ts';
import type { RawRecord } from './types.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Scalar = RawRecord['values'][string];

const NUMBER_SOURCE = Symbol('numberSource');
const INDEXED = /\[\d+\]/;

interface Holder {
  [NUMBER_SOURCE]?: Record<string, string>;
}

function parseWithNumberSources(text: string): Json {
  return JSON.parse(text, function (
    this: Holder,
    key: string,
    value: unknown,
    context?: { source?: string },
  ) {
    if (typeof value === 'number' && context?.source !== undefined && context.source !== String(value)) {
      this[NUMBER_SOURCE] ??= {};
      this[NUMBER_SOURCE][key] = context.source;
    }
    return value;
  } as (key: string, value: unknown) => unknown) as Json;
}

function scalarOf(holder: object, key: string, value: Json): Scalar {
  if (typeof value === 'number') return (holder as Holder)[NUMBER_SOURCE]?.[key] ?? value;
  return value as Scalar;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** `accounts[].periods[]` -> [['accounts'], ['periods']]: the key path to each array. */
export function recordSteps(recordPath: string): string[][] {
  return recordPath
    .split('[]')
    .slice(0, -1)
    .map((s) => s.replace(/^\./, '').split('.').filter(Boolean));
}

const ajv = new Ajv({ allErrors: true, strict: false });
const schemaCache = new WeakMap<object, ValidateFunction>();

function pointerToPath(pointer: string): string {
  let out = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg)
      ? `[${seg}]`
      : /^[A-Za-z_$][\w$]*$/.test(seg)
        ? `.${seg}`
        : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The record a JSON pointer falls in (`$.accounts[0].periods[3]`), or undefined for the envelope. */
function recordOfPointer(pointer: string, steps: string[][]): string | undefined {
  const segs = pointer.split('/').slice(1);
  let i = 0;
  let out = '$';
  for (const step of steps) {
    for (const key of step) {
      if (segs[i] !== key) return undefined;
      out += `.${key}`;
      i++;
    }
    const index = segs[i];
    if (index === undefined || !/^\d+$/.test(index)) return undefined;
    out += `[${index}]`;
    i++;
  }
  return out;
}

function valueAt(doc: Json, pointer: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const raw of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = Array.isArray(node) ? node[Number(seg)] : node[seg];
  }
  return node;
}

function describe(value: Json | undefined): string | null {
  if (value === undefined) return null;
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Scalars of an object (through nested objects, not arrays): a parent's values. */
function flattenScalars(node: { [key: string]: Json }, prefix: string, out: Record<string, Scalar>): void {
  for (const [key, value] of Object.entries(node)) {
    const p = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') {
      if (!Array.isArray(value)) flattenScalars(value, p, out);
    } else out[p] = scalarOf(node, key, value);
  }
}

/** Everything in a record: scalars, nested objects, arrays by index with their length. */
function flattenAll(node: Json, holder: object, key: string, p: string, out: Record<string, Scalar>): void {
  if (Array.isArray(node)) {
    out[`${p}.length`] = node.length;
    node.forEach((v, i) => {
      flattenAll(v, node, String(i), `${p}[${i}]`, out);
    });
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) flattenAll(v, node, k, `${p}.${k}`, out);
  } else out[p] = scalarOf(holder, key, node);
}

export async function* readJsonRecords(
  filePath: string,
  source: VendorSource,
  hooks: ReaderHooks = {},
): AsyncGenerator<ReadRecord> {
  // onHeader is called after the last record (with every path seen), not before the first.
  const options = source.json;
  if (!options) throw new Error('readJsonRecords needs a json source');
  const file = path.basename(filePath);
  const bytes = await readFile(filePath);
  hooks.onProgress?.(bytes.length, bytes.length);
  const encoding = detectEncoding(bytes.subarray(0, 64 * 1024), options.encoding);
  const text = decodeBuffer(bytes, encoding);
  if (text.trim() === '') {
    throw new FileRejectedError('the file is empty', { file }, 'Ask the vendor to resend the file.');
  }
  const bad = text.indexOf(REPLACEMENT_CHAR);
  if (bad >= 0 && encoding.name === 'utf8') {
    throw new FileRejectedError(
      `bytes that are not valid UTF-8 at ${lineColumn(text, bad)}`,
      { file },
      'JSON must be UTF-8: ask the vendor to send UTF-8, or set json.encoding for this vendor.',
    );
  }
  let doc: Json;
  try {
    doc = parseWithNumberSources(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const where = pos ? ` at ${lineColumn(text, Number(pos[1]))}` : '';
    throw new FileRejectedError(
      `not valid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      { file },
      'Check that the file is a complete JSON document (not CSV, not cut off).',
    );
  }

  const steps = recordSteps(options.recordPath);
  const recordProblems = new Map<string, ReadRecord['problems'] & object>();
  if (options.schema) {
    let validate = schemaCache.get(options.schema);
    if (!validate) {
      validate = ajv.compile(options.schema);
      schemaCache.set(options.schema, validate);
    }
    if (!validate(doc)) {
      const envelope: string[] = [];
      for (const e of validate.errors ?? []) {
        const pointer =
          e.keyword === 'required' ? `${e.instancePath}/${String(e.params.missingProperty)}` : e.instancePath;
        const jsonPath = pointerToPath(pointer);
        const reason = e.keyword === 'required' ? 'is missing' : (e.message ?? 'is invalid');
        const record = recordOfPointer(e.instancePath, steps);
        if (record === undefined) {
          envelope.push(`${jsonPath} ${reason}`);
          continue;
        }
        const list = recordProblems.get(record) ?? [];
        list.push({
          column: jsonPath,
          value: describe(valueAt(doc, pointer)),
          reason: `${jsonPath} ${reason}`,
        });
        recordProblems.set(record, list);
      }
      if (envelope.length > 0) {
        throw new FileRejectedError(
          `does not match the vendor's JSON schema: ${envelope.slice(0, 10).join('; ')}`,
          { file, jsonPath: envelope[0]?.split(' ')[0] },
          'Check that the file comes from this vendor and is complete.',
        );
      }
    }
  }

  // The "header" of a JSON file: every field path seen in any record (optional fields are
  // absent from some records), sorted, since key order carries no meaning in JSON.
  const fieldPaths = new Set<string>();
  let yielded = 0;
  async function* walk(
    container: Json,
    level: number,
    template: string,
    concrete: string,
    inherited: Record<string, Scalar>,
  ): AsyncGenerator<ReadRecord> {
    const step = steps[level] as string[];
    let node: Json | undefined = container;
    for (const key of step) {
      node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[key] : undefined;
    }
    const t = `${template}${template ? '.' : ''}${step.join('.')}[]`;
    const c = `${concrete}.${step.join('.')}`;
    if (!Array.isArray(node)) {
      if (level === 0 || (node !== undefined && node !== null)) {
        throw new FileRejectedError(
          `expected an array at ${c} (record path "${options?.recordPath}"), found ${node === undefined ? 'nothing' : typeof node}`,
          { file, jsonPath: c },
          'Check json.record_path in the vendor configuration.',
        );
      }
      return;
    }
    const last = level === steps.length - 1;
    for (let i = 0; i < node.length; i++) {
      const element = node[i] as Json;
      const here = `${c}[${i}]`;
      const isObject = element !== null && typeof element === 'object' && !Array.isArray(element);
      if (!last) {
        if (!isObject) continue;
        const values = { ...inherited };
        flattenScalars(element, t, values);
        yield* walk(element, level + 1, t, here, values);
        continue;
      }
      const values: Record<string, Scalar> = { ...inherited };
      const record: ReadRecord = { location: { file, jsonPath: here }, values };
      if (isObject) {
        for (const [k, v] of Object.entries(element)) flattenAll(v, element, k, `${t}.${k}`, values);
      } else {
        record.problems = [{ column: here, value: describe(element), reason: `${here} is not an object` }];
      }
      const problems = recordProblems.get(here);
      if (problems) record.problems = [...(record.problems ?? []), ...problems];
      for (const k of Object.keys(values)) if (!INDEXED.test(k)) fieldPaths.add(k);
      yielded++;
      yield record;
    }
  }
  const rootValues: Record<string, Scalar> = {};
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) flattenScalars(doc, '', rootValues);
  yield* walk(doc, 0, '', '$', rootValues);
  if (fieldPaths.size > 0) hooks.onHeader?.([...fieldPaths].sort());
  if (yielded === 0) {
    throw new FileRejectedError(
      `no records at ${options.recordPath}`,
      { file, jsonPath: `$.${steps.map((s) => s.join('.')).join('[].')}` },
      'An empty delivery needs no ingest; ask the vendor whether the file was cut off.',
    );
  }
}
