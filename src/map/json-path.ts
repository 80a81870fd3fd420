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

/**
 * The concrete JSON path of a template path for one record: the `[]`s are filled with the
 * record's indices, read from its location (`$.accounts[0].periods[3]`).
 */
export function concretePath(template: string, recordJsonPath: string): string {
  const indices = [...recordJsonPath.matchAll(/\[(\d+)\]/g)].map((m) => m[1]);
  let i = 0;
  return `$.${template.replace(/\[\]/g, () => `[${indices[i++] ?? ''}]`)}`;
}
