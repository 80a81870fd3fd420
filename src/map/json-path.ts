// Mapping paths for JSON: `accounts[].periods[].values.begin`. A `[]` marks an array whose
// elements are iterated; a record path such as `accounts[].periods[]` names the records, and a
// field path names a value in the record or in one of its parents (the account's id).

/** The record path's levels: '' (the document), `accounts[]`, `accounts[].periods[]`. */
export function recordLevels(recordPath: string): string[] {
  const levels = [''];
  let at = recordPath.indexOf('[]');
  while (at >= 0) {
    levels.push(recordPath.slice(0, at + 2));
    at = recordPath.indexOf('[]', at + 2);
  }
  return levels;
}

/** True when `fieldPath` names a value of a record at `recordPath` or of one of its parents. */
export function isPathUnder(fieldPath: string, recordPath: string): boolean {
  for (const level of recordLevels(recordPath)) {
    const prefix = level === '' ? '' : `${level}.`;
    if (!fieldPath.startsWith(prefix)) continue;
    const rest = fieldPath.slice(prefix.length);
    if (rest.length > 0 && !rest.includes('[]')) return true;
  }
  return false;
}

/** `base` followed by a dotted key path: `$.records`, or `$` for a document that is the array. */
export function childPath(base: string, keys: string): string {
  return keys === '' ? base : `${base}.${keys}`;
}

/**
 * The concrete JSON path of a template path for one record: the `[]`s are filled with the
 * record's indices, read from its location (`$.accounts[0].periods[3]`). Called for every
 * field of every record, so the indices of the last record and the split templates are kept.
 */
let lastRecordPath = '';
let lastIndices: string[] = [];
const templateParts = new Map<string, string[]>();

export function concretePath(template: string, recordJsonPath: string): string {
  if (recordJsonPath !== lastRecordPath) {
    lastIndices = [];
    let at = recordJsonPath.indexOf('[');
    while (at >= 0) {
      const end = recordJsonPath.indexOf(']', at);
      if (end < 0) break;
      lastIndices.push(recordJsonPath.slice(at + 1, end));
      at = recordJsonPath.indexOf('[', end);
    }
    lastRecordPath = recordJsonPath;
  }
  let parts = templateParts.get(template);
  if (!parts) {
    parts = template.split('[]');
    if (templateParts.size > 1000) templateParts.clear();
    templateParts.set(template, parts);
  }
  let out = childPath('$', parts[0] ?? '');
  for (let i = 1; i < parts.length; i++) out += `[${lastIndices[i - 1] ?? ''}]${parts[i]}`;
  return out;
}
