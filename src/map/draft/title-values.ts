// Guesses for values stated once in the title rows above a table: the account after a label
// ("Account: ACC-77"), a currency code or a date alone in a cell. Always marked for a look.
import { isIsoCurrency } from '../currency.ts';
import { parseDate } from '../date.ts';
import type { Guess } from './guess.ts';
import type { SampleCell, SampleSheet } from './sample.ts';

const LABEL = /^(account|acct|portfolio|konto|depot|fund)\b[^:]*:\s*(\S+)/i;

const letters = (column: number): string => {
  let out = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26))
    out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
};

const cellsOf = (rows: SampleSheet['rows']): { ref: string; text: string; raw: SampleCell }[] =>
  rows.flatMap((row) =>
    row.cells.flatMap((cell, c) =>
      cell === null || String(cell).trim() === ''
        ? []
        : [{ ref: `${letters(c)}${row.number}`, text: String(cell).trim(), raw: cell }],
    ),
  );

export function titleAccount(rows: SampleSheet['rows']): Guess | undefined {
  const hit = cellsOf(rows).find((c) => LABEL.test(c.text));
  if (!hit) return undefined;
  const label = (LABEL.exec(hit.text)?.[1] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    yaml: `{ title: ${JSON.stringify(`^${label}[^:]*:\\s*(\\S+)`)} }`,
    todo: `check: the title cell ${hit.ref} says "${hit.text}"`,
  };
}

export function titleCurrency(rows: SampleSheet['rows']): Guess | undefined {
  const hit = cellsOf(rows).find((c) => /^[A-Z]{3}$/.test(c.text) && isIsoCurrency(c.text));
  return hit && { yaml: `{ cell: ${hit.ref} }`, todo: `check: the title cell ${hit.ref} says "${hit.text}"` };
}

export function titleDate(
  rows: SampleSheet['rows'],
  formats: Parameters<typeof parseDate>[1],
): Guess | undefined {
  const hit = cellsOf(rows).find(
    (c) =>
      (typeof c.raw === 'string' || typeof c.raw === 'number') &&
      /\d/.test(c.text) &&
      parseDate(c.raw, formats).ok,
  );
  return (
    hit && {
      yaml: `{ cell: ${hit.ref} }`,
      todo: `check: the title cell ${hit.ref} says "${hit.text}" (the as-of date of every row?)`,
    }
  );
}

export function titleText(rows: SampleSheet['rows']): string {
  const cells = cellsOf(rows).map((c) => `${c.ref} "${c.text}"`);
  return cells.length === 0 ? 'no title rows' : `title cells: ${cells.slice(0, 8).join(', ')}`;
}
