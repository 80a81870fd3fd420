// Identifiers from a file (account ids) end up in reports and CSV exports that people open in
// spreadsheets: a value starting with a formula character runs as a formula there (CSV
// injection), and a control character or a 200,000-character "id" is no account number.
// The rule is the same for every vendor (vendors/README.md, "Bounds").

/** The longest identifier accepted, in characters. */
export const MAX_IDENTIFIER_LENGTH = 64;

// OWASP's list of characters that make a spreadsheet cell a formula.
const FORMULA_START = /^[=+\-@\t\r]/;
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const shown = (c: string) => (c === '\t' ? '\\t' : c === '\r' ? '\\r' : c);

/**
 * Why `raw` (as read, before trimming: a leading tab counts) is no acceptable identifier for
 * `field`, or undefined when it is one.
 */
export function identifierProblem(field: string, raw: string): string | undefined {
  const value = raw.trim();
  const formula = FORMULA_START.exec(raw) ?? FORMULA_START.exec(value);
  if (formula) {
    return `${field} starts with "${shown(formula[0])}", which a spreadsheet runs as a formula; an identifier may not start with =, +, -, @, a tab or a carriage return`;
  }
  // Code points: never more than UTF-16 units, so a short value needs no counting.
  const length = value.length <= MAX_IDENTIFIER_LENGTH ? value.length : [...value].length;
  if (length > MAX_IDENTIFIER_LENGTH) {
    return `${field} is ${length} characters long; an identifier has at most ${MAX_IDENTIFIER_LENGTH}`;
  }
  const control = NOT_PRINTABLE.exec(value);
  if (control) {
    const code = (control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    return `${field} holds the control character U+${code} at character ${control.index + 1}; an identifier is printable text`;
  }
  return undefined;
}

/** An over-long value as shown in a problem: its start, not 200,000 characters. */
export function shortened(value: string): string {
  return value.length > MAX_IDENTIFIER_LENGTH ? `${value.slice(0, MAX_IDENTIFIER_LENGTH)}…` : value;
}
