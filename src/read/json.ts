// JSON -> raw records. The document is validated against the vendor's JSON Schema (each error
// with its JSON path: an error inside a record quarantines that record, an error in the
// envelope rejects the file), then the records at the record path (`accounts[].periods[]`)
// are flattened into values keyed by mapping paths (`accounts[].periods[].values.begin`),
// with their parents' scalar values (the account's id) and their own arrays indexed
// (`...flows[0].amount`, `...flows.length`).
//
// A file up to STREAM_ABOVE_BYTES is read whole (JSON.parse: memory a few times the file size,
// V8's string limit ~512 MB). A larger one is streamed: the elements of the record path's first
// array are cut out one at a time (json-stream.ts) and validated against that array's `items`
// schema, so memory stays at one element; the rest of the document (the envelope) is checked
// at the end, so an envelope error rejects the file after its records were read (the ingest is
// atomic per file, so nothing of it is stored). Streaming needs every mapped path to lie inside
// the array or at the document itself (`$.summary.currency`: read by a first pass over the
// file that drops the array's elements), and the schema to reach the array through
// `properties`/`items`; otherwise the file is read whole. Number literals keep their exact source text (JSON.parse source access), so
// `1234.50` stays `1234.50` and 0.1 + 0.2 never enters an amount.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { FileRejectedError } from '../domain/errors.ts';
import type { RawRecord, ReadRecord } from '../domain/read-row.ts';
import { mappedSources, type VendorSource } from '../domain/vendor-config.ts';
import { childPath } from '../map/json-path.ts';
import { createDecoder, decodeBuffer, detectEncoding, type Encoding, readSample } from './decode.ts';
import type { ReaderHooks } from './hooks.ts';
import { firstTooDeep, JsonTooDeepError, pathOfNextValue, tooDeep } from './json-depth.ts';
import { ArrayElementScanner } from './json-stream.ts';
import { syntaxErrorOffset } from './json-syntax.ts';
import { InvalidUtf8Finder, notUtf8Error } from './not-utf8.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Scalar = RawRecord['values'][string];

const NUMBER_SOURCE = Symbol('numberSource');
const INDEXED = /\[\d+\]/;

interface Holder {
  [NUMBER_SOURCE]?: Record<string, string>;
}

/**
 * A number literal whose digits a double might not give back as written: 16+ digits, a zero
 * at the end of a fraction (`1.50`), tiny values (`0.0000001` prints as `1e-7`), exponents.
 * Anything else round-trips exactly through String(number), so the text is parsed without the
 * (about 8x slower) source-keeping reviver. Digits inside strings may match too; that only
 * costs the slower parse.
 */
const RISKY_NUMBER = /[:[,]\s*-?(?:\d[\d.]{15,}|\d+\.\d*0(?!\d)|0\.0{5}|\d+(?:\.\d+)?[eE])/;

function parseWithNumberSources(text: string): Json {
  if (!RISKY_NUMBER.test(text)) return JSON.parse(text) as Json;
  return JSON.parse(text, function (
    this: Holder,
    key: string,
    value: unknown,
    context?: { source?: string },
  ) {
    if (typeof value === 'number' && context?.source !== undefined && context.source !== String(value)) {
      // No prototype: a key named `constructor` must not find Object's.
      this[NUMBER_SOURCE] ??= Object.create(null) as Record<string, string>;
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

/** Files above this size are streamed (see the top of this file). */
export const STREAM_ABOVE_BYTES = 64 * 1024 * 1024;

type Problems = NonNullable<ReadRecord['problems']>;

function compile(schema: object): ValidateFunction {
  let validate = schemaCache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    schemaCache.set(schema, validate);
  }
  return validate;
}

/**
 * Sort schema errors: inside a record they become that record's problems (keyed by the record's
 * JSON path); outside, they are returned as envelope errors. `prefix` turns a pointer relative to
 * a streamed element into one from the document root.
 */
function sortSchemaErrors(
  validate: ValidateFunction,
  doc: Json,
  steps: string[][],
  recordProblems: Map<string, Problems>,
  prefix = '',
): string[] {
  const envelope: string[] = [];
  for (const e of validate.errors ?? []) {
    const relative =
      e.keyword === 'required' ? `${e.instancePath}/${String(e.params.missingProperty)}` : e.instancePath;
    const pointer = prefix + relative;
    const jsonPath = pointerToPath(pointer);
    const reason = e.keyword === 'required' ? 'is missing' : (e.message ?? 'is invalid');
    const record = recordOfPointer(prefix + e.instancePath, steps);
    if (record === undefined) {
      envelope.push(`${jsonPath} ${reason}`);
      continue;
    }
    const list = recordProblems.get(record) ?? [];
    list.push({ column: jsonPath, value: describe(valueAt(doc, relative)), reason: `${jsonPath} ${reason}` });
    recordProblems.set(record, list);
  }
  return envelope;
}

function rejectEnvelope(file: string, envelope: string[]): never {
  throw new FileRejectedError(
    `does not match the vendor's JSON schema: ${envelope.slice(0, 10).join('; ')}`,
    { file, jsonPath: envelope[0]?.split(' ')[0] },
    'Check that the file comes from this vendor and is complete.',
  );
}

function parseOrReject(text: string, file: string, where?: string): Json {
  try {
    return parseWithNumberSources(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : syntaxErrorOffset(text);
    const at = where ? ` in ${where}` : offset >= 0 ? ` at ${lineColumn(text, offset)}` : '';
    // V8's own position and its quote of the text around it say again what `at` says.
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, (?:\.\.\.)?".*$/s, '');
    throw new FileRejectedError(
      `not valid JSON${at}: ${reason}`,
      { file, ...(where ? { jsonPath: where } : {}) },
      'Check that the file is a complete JSON document (not CSV, not cut off).',
    );
  }
}

/** The schema of one element of the first array, when `properties`/`items` lead to it. */
function elementSchema(schema: Record<string, unknown>, keys: string[]): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const key of keys) {
    node = (node as { properties?: Record<string, unknown> }).properties?.[key];
    if (node === undefined || typeof node !== 'object') return undefined;
  }
  const items = (node as { items?: unknown }).items;
  return items !== undefined && typeof items === 'object' && !Array.isArray(items)
    ? (items as Record<string, unknown>)
    : undefined;
}

/** The schema with the first array's items left out, to check the envelope alone. */
function envelopeSchema(schema: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const copy = structuredClone(schema);
  let node: Record<string, unknown> = copy;
  for (const key of keys)
    node = (node.properties as Record<string, Record<string, unknown>>)[key] as Record<string, unknown>;
  delete node.items;
  delete node.minItems;
  delete node.contains;
  return copy;
}

function canStream(source: VendorSource, steps: string[][]): boolean {
  const first = `${(steps[0] ?? []).join('.')}[]`;
  const paths = [...mappedSources(source), ...source.flowArrays.map((f) => f.array)];
  // Values of the document itself (`$.summary.currency`) come from a first pass (envelopeValues).
  if (!paths.every((p) => p.startsWith(first) || !p.includes('[]'))) return false;
  const schema = source.json?.schema;
  return schema === undefined || elementSchema(schema, steps[0] ?? []) !== undefined;
}

export async function* readJsonRecords(
  filePath: string,
  source: VendorSource,
  hooks: ReaderHooks = {},
  tuning: { streamAboveBytes?: number } = {},
): AsyncGenerator<ReadRecord> {
  // onHeader is called after the last record (with every path seen), not before the first.
  const options = source.json;
  if (!options) throw new Error('readJsonRecords needs a json source');
  const recordPath = options.recordPath;
  const file = hooks.fileName ?? path.basename(filePath);
  const size = (await stat(filePath)).size;
  const encoding = detectEncoding(await readSample(filePath), options.encoding);
  const steps = recordSteps(recordPath);
  const recordProblems = new Map<string, Problems>();
  // The "header" of a JSON file: every field path seen in any record (optional fields are
  // absent from some records), sorted, since key order carries no meaning in JSON.
  const fieldPaths = new Set<string>();
  let yielded = 0;

  /** The records in one element of the array at `steps[level]`. */
  function* elementRecords(
    element: Json,
    here: string,
    level: number,
    t: string,
    inherited: Record<string, Scalar>,
  ): Generator<ReadRecord> {
    const isObject = element !== null && typeof element === 'object' && !Array.isArray(element);
    if (level < steps.length - 1) {
      if (!isObject) return;
      const values = { ...inherited };
      flattenScalars(element, t, values);
      yield* walk(element, level + 1, t, here, values);
      return;
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

  function* walk(
    container: Json,
    level: number,
    template: string,
    concrete: string,
    inherited: Record<string, Scalar>,
  ): Generator<ReadRecord> {
    const step = steps[level] as string[];
    let node: Json | undefined = container;
    for (const key of step) {
      node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[key] : undefined;
    }
    const t = `${template}${template ? '.' : ''}${step.join('.')}[]`;
    const c = childPath(concrete, step.join('.'));
    if (!Array.isArray(node)) {
      if (level === 0 || (node !== undefined && node !== null)) {
        throw new FileRejectedError(
          `expected an array at ${c} (record path "${recordPath}"), found ${node === undefined ? 'nothing' : typeof node}`,
          { file, jsonPath: c },
          'Check json.record_path in the vendor configuration.',
        );
      }
      return;
    }
    for (let i = 0; i < node.length; i++)
      yield* elementRecords(node[i] as Json, `${c}[${i}]`, level, t, inherited);
  }

  if (size === 0)
    throw new FileRejectedError('the file is empty', { file }, 'Ask the vendor to resend the file.');
  // Document-level values join the records only when a field maps one (e.g. `currency`).
  const usesRoot = mappedSources(source).some((p) => !p.includes('[]'));
  if (size > (tuning.streamAboveBytes ?? STREAM_ABOVE_BYTES) && canStream(source, steps)) {
    const rootValues = usesRoot ? await envelopeValues(filePath, encoding, steps[0] ?? []) : {};
    yield* streamRecords(
      filePath,
      encoding,
      size,
      file,
      source,
      steps,
      recordProblems,
      (element, here, level, t) => elementRecords(element, here, level, t, rootValues),
      hooks,
    );
  } else {
    const bytes = await readFile(filePath);
    hooks.onProgress?.(bytes.length, bytes.length);
    const text = decodeBuffer(bytes, encoding);
    if (text.trim() === '')
      throw new FileRejectedError('the file is empty', { file }, 'Ask the vendor to resend the file.');
    const bad = encoding.name === 'utf8' ? new InvalidUtf8Finder().find(text) : undefined;
    if (bad !== undefined) throw notUtf8Error(file, encoding, bad, 'json.encoding');
    const deep = firstTooDeep(text);
    if (deep >= 0) throw tooDeep(file, `$${pathOfNextValue(text.slice(0, deep))}`);
    const doc = parseOrReject(text, file);
    if (options.schema) {
      const validate = compile(options.schema);
      if (!validate(doc)) {
        const envelope = sortSchemaErrors(validate, doc, steps, recordProblems);
        if (envelope.length > 0) rejectEnvelope(file, envelope);
      }
    }
    const rootValues: Record<string, Scalar> = {};
    if (usesRoot && doc !== null && typeof doc === 'object' && !Array.isArray(doc))
      flattenScalars(doc, '', rootValues);
    yield* walk(doc, 0, '', '$', rootValues);
  }
  if (fieldPaths.size > 0) hooks.onHeader?.([...fieldPaths].sort());
  if (yielded === 0) {
    throw new FileRejectedError(
      `no records at ${recordPath}`,
      { file, jsonPath: childPath('$', steps.map((s) => s.join('.')).join('[].')) },
      'An empty delivery needs no ingest; ask the vendor whether the file was cut off.',
    );
  }
}

/**
 * The document's own scalar values (`summary.currency`) of a file too large to read whole: a
 * first pass cuts the streamed array's elements out and drops them, so memory stays at one
 * element. A document this pass cannot read gives none: the main pass then reports why.
 */
async function envelopeValues(
  filePath: string,
  encoding: Encoding,
  keys: string[],
): Promise<Record<string, Scalar>> {
  const scanner = new ArrayElementScanner(keys);
  const input = createReadStream(filePath, { highWaterMark: 1024 * 1024 });
  const decoder = createDecoder(encoding);
  input.on('error', (e) => decoder.destroy(e));
  input.pipe(decoder);
  const values: Record<string, Scalar> = {};
  try {
    for await (const chunk of decoder) scanner.feed(chunk as string);
    const envelope = parseWithNumberSources(scanner.envelopeText());
    if (envelope !== null && typeof envelope === 'object' && !Array.isArray(envelope))
      flattenScalars(envelope, '', values);
  } catch {
    return {};
  } finally {
    input.destroy();
    decoder.destroy();
  }
  return values;
}

async function* streamRecords(
  filePath: string,
  encoding: Encoding,
  size: number,
  file: string,
  source: VendorSource,
  steps: string[][],
  recordProblems: Map<string, Problems>,
  elementRecords: (element: Json, here: string, level: number, t: string) => Generator<ReadRecord>,
  hooks: ReaderHooks,
): AsyncGenerator<ReadRecord> {
  const keys = steps[0] ?? [];
  const template = `${keys.join('.')}[]`;
  const concrete = childPath('$', keys.join('.'));
  const schema = source.json?.schema;
  const validateElement = schema ? compile(elementSchema(schema, keys) as object) : undefined;
  const scanner = new ArrayElementScanner(keys);
  const input = createReadStream(filePath, { highWaterMark: 1024 * 1024 });
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
    hooks.onProgress?.(bytesRead, size);
  });
  const decoder = createDecoder(encoding);
  input.on('error', (e) => decoder.destroy(e));
  input.pipe(decoder);
  const invalidUtf8 = encoding.name === 'utf8' ? new InvalidUtf8Finder() : undefined;
  let index = 0;
  try {
    for await (const chunk of decoder) {
      const text = chunk as string;
      const bad = invalidUtf8?.find(text);
      if (bad !== undefined) throw notUtf8Error(file, encoding, bad, 'json.encoding');
      let elements: string[];
      try {
        elements = scanner.feed(text);
      } catch (error) {
        if (!(error instanceof JsonTooDeepError)) throw error;
        const where = error.inElement ? `${concrete}[${index + error.completedBefore}]` : '$';
        throw tooDeep(file, `${where}${error.relativePath}`);
      }
      for (const elementText of elements) {
        const here = `${concrete}[${index}]`;
        const element = parseOrReject(elementText, file, here);
        if (validateElement && !validateElement(element)) {
          const envelope = sortSchemaErrors(
            validateElement,
            element,
            steps,
            recordProblems,
            `/${keys.join('/')}/${index}`,
          );
          if (envelope.length > 0) rejectEnvelope(file, envelope);
        }
        yield* elementRecords(element, here, 0, template);
        recordProblems.clear();
        index++;
      }
    }
  } finally {
    input.destroy();
    decoder.destroy();
  }
  const envelopeText = scanner.envelopeText();
  if (envelopeText.trim() === '')
    throw new FileRejectedError('the file is empty', { file }, 'Ask the vendor to resend the file.');
  const envelope = parseOrReject(envelopeText, file);
  if (schema) {
    const validate = compile(envelopeSchema(schema, keys));
    if (!validate(envelope)) rejectEnvelope(file, sortSchemaErrors(validate, envelope, steps, new Map()));
  }
  if (!scanner.found) {
    // No array where the record path says: the whole document is the envelope; say what is there.
    let node: Json | undefined = envelope;
    for (const key of keys) {
      node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[key] : undefined;
    }
    throw new FileRejectedError(
      `expected an array at ${concrete} (record path "${source.json?.recordPath}"), found ${node === undefined ? 'nothing' : typeof node}`,
      { file, jsonPath: concrete },
      'Check json.record_path in the vendor configuration.',
    );
  }
}
