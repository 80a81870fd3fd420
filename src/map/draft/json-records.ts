// A JSON sample as records: the record path is the array of objects with the most dated and
// numeric values (`accounts[].periods[]`, `accounts[].timeSeries[]`); its values are named by
// mapping paths, with the parents' values (`accounts[].accountId`) and the document's
// (`$.summary.currency`); arrays of objects inside a record are candidate flow arrays.
import type { SampleCell, SampleColumn } from './sample.ts';

type Json = unknown;

export interface JsonRecords {
  recordPath: string;
  records: number;
  columns: SampleColumn[];
  /** Arrays of objects inside the records: path (`...cashFlows[]`) and their elements' keys. */
  arrays: { array: string; columns: SampleColumn[] }[];
}

const isObject = (v: Json): v is Record<string, Json> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: Json): v is SampleCell =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const DATE = /^\d{4}-?\d{2}-?\d{2}/;

/** Scalars of an object through nested objects (not arrays), keyed `prefix.key`. */
function scalars(node: Record<string, Json>, prefix: string, out: Map<string, SampleCell>): void {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isObject(value)) scalars(value, path, out);
    else if (isScalar(value)) out.set(path, value);
  }
}

/** Every array of objects in the document, by template path, with its elements. */
function arraysOf(node: Json, template: string, out: Map<string, Record<string, Json>[]>): void {
  if (Array.isArray(node)) {
    const objects = node.filter(isObject);
    if (objects.length > 0) out.set(`${template}[]`, [...(out.get(`${template}[]`) ?? []), ...objects]);
    for (const element of node) arraysOf(element, `${template}[]`, out);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node))
      arraysOf(value, template === '' ? key : `${template}.${key}`, out);
  }
}

function score(elements: Record<string, Json>[]): number {
  const leaves = new Map<string, SampleCell>();
  for (const e of elements.slice(0, 50)) scalars(e, '', leaves);
  const values = [...leaves.values()];
  const dated = values.some((v) => typeof v === 'string' && DATE.test(v));
  const numeric = values.some(
    (v) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)),
  );
  return dated && numeric ? leaves.size : 0;
}

/** Records at `recordPath` with every value they can map, parents' and document's included. */
function* records(
  node: Json,
  steps: readonly string[],
  template: string,
  inherited: Map<string, SampleCell>,
): Generator<{ values: Map<string, SampleCell>; element: Record<string, Json>; template: string }> {
  const [step, ...rest] = steps;
  if (step === undefined) return;
  let child: Json = node;
  for (const key of step.split('.').filter(Boolean)) child = isObject(child) ? child[key] : undefined;
  if (!Array.isArray(child)) return;
  const t = `${template}${template && step ? '.' : ''}${step}[]`;
  for (const element of child.filter(isObject)) {
    const values = new Map(inherited);
    const own = new Map<string, SampleCell>();
    scalars(element, '', own);
    for (const [k, v] of own) values.set(`${t}.${k}`, v);
    if (rest.length === 0) yield { values, element, template: t };
    else yield* records(element, rest, t, values);
  }
}

function columnsOf(rows: Iterable<Map<string, SampleCell>>): SampleColumn[] {
  const columns = new Map<string, SampleCell[]>();
  let n = 0;
  for (const row of rows) {
    for (const [k, v] of row) {
      const list = columns.get(k) ?? Array<SampleCell>(n).fill(null);
      list.push(v);
      columns.set(k, list);
    }
    n++;
    for (const list of columns.values()) if (list.length < n) list.push(null);
  }
  return [...columns].map(([name, values]) => ({ name, values }));
}

export function jsonRecords(document: Json): JsonRecords | undefined {
  const arrays = new Map<string, Record<string, Json>[]>();
  arraysOf(document, '', arrays);
  let best: { path: string; score: number } | undefined;
  for (const [path, elements] of arrays) {
    const s = score(elements);
    const deeper =
      best !== undefined && s === best.score && path.split('[]').length > best.path.split('[]').length;
    if (s > 0 && (best === undefined || s > best.score || deeper)) best = { path, score: s };
  }
  if (!best) return undefined;
  const recordPath = best.path;
  const steps = recordPath
    .split('[]')
    .slice(0, -1)
    .map((s) => s.replace(/^\./, ''));
  const root = new Map<string, SampleCell>();
  if (isObject(document)) {
    const top = new Map<string, SampleCell>();
    scalars(document, '', top);
    for (const [k, v] of top) root.set(`$.${k}`, v);
  }
  const found = [...records(document, steps, '', root)].slice(0, 1000);
  const inner = [...arrays.keys()].filter(
    (p) => p.startsWith(`${recordPath}.`) && p.slice(recordPath.length + 1).split('[]').length === 2,
  );
  return {
    recordPath,
    records: found.length,
    columns: columnsOf(found.map((r) => r.values)),
    arrays: inner.map((array) => {
      const rows = (arrays.get(array) ?? []).slice(0, 1000).map((e) => {
        const m = new Map<string, SampleCell>();
        scalars(e, '', m);
        return m;
      });
      return { array, columns: columnsOf(rows) };
    }),
  };
}
