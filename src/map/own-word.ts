// A vendor's word table (`values: { G: gross }`) is a plain object loaded from YAML; a cell
// saying `constructor` or `__proto__` must not find Object.prototype's members in it.

/** The table's own entry for `word`, never an inherited property. */
export function ownWord(
  table: Readonly<Record<string, string>> | undefined,
  word: string,
): string | undefined {
  return table !== undefined && Object.hasOwn(table, word) ? table[word] : undefined;
}
