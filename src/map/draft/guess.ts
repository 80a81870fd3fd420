// Columns -> a guess for each canonical field: by the column's name (field-names.ts) and the
// shape of its values (shapes.ts). What cannot be placed is left for the person, with a reason.
import type { CanonicalField, DateFormat, NumberFormat, PointSpacing } from '../../domain/vendor-config.ts';
import { parseDate } from '../date.ts';
import { basisOfWord } from '../map-record.ts';
import { timingOfWord } from '../record-flows.ts';
import { accountPreference, type Role, roleOf, type Shape, words } from './field-names.ts';
import type { SampleColumn } from './sample.ts';
import { spacingOf } from './series.ts';
import {
  amountShare,
  type DateFinding,
  dateFinding,
  filled,
  hasPercentSign,
  isAmountColumn,
  isCurrencyColumn,
  largestMagnitude,
  numberFinding,
} from './shapes.ts';

/** One YAML value with what a person should know about it. */
export interface Guess {
  /** The mapping as YAML text: `Account Number`, `{ from: Fees, negate: true }`. */
  yaml: string;
  note?: string;
  /** Set when the guess needs a look: the reason. */
  todo?: string;
}

export interface FlowGuess {
  amount: Guess;
  date?: Guess;
  timing: Guess;
}

export interface FieldGuesses {
  numberFormat: NumberFormat;
  numberEvidence: string;
  dateFormats: DateFormat[];
  dateEvidence: string[];
  dateTodo?: string;
  fields: Partial<Record<CanonicalField, Guess>>;
  flows: FlowGuess[];
  points?: { spacing: PointSpacing; evidence: string };
  /** Columns no field took, for the person to look at. */
  unplaced: string[];
}

export interface GuessOptions {
  /** Excel: whole numbers under a date-like header may be serial dates. */
  serialDates: boolean;
  /** Values stated once for the file (JSON `$.` paths) may only fill these. */
  documentPrefix?: string;
}

const DATE_NAME = /\b(date|datum|from|to|start|end|as ?of|period|von|bis|beginn|ende|day|tag)\b/;
const DOCUMENT_FIELDS = new Set<Role>([
  'account_id',
  'currency',
  'period_end',
  'flow_timing',
  'return_basis',
]);
const DOCUMENT_DATE = /\b(as ?of|report date|valuation date|stichtag)\b/;

/** Plain where YAML reads it back as the same text, in block and flow context alike; else quoted. */
const quote = (s: string): string =>
  /^[A-Za-z_][\w .()/-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(s) && s.trim() === s
    ? s
    : JSON.stringify(s);

interface Placed {
  column: SampleColumn;
  role: Role;
  shape: Shape;
  dates?: DateFinding;
}

function shapeOf(
  column: SampleColumn,
  format: NumberFormat,
  options: GuessOptions,
): { shape: Shape; dates?: DateFinding } {
  const serials = options.serialDates && DATE_NAME.test(words(column.name));
  const dates = dateFinding(column, serials);
  if (dates) return { shape: 'date', dates };
  if (isCurrencyColumn(column)) return { shape: 'currency' };
  if (isAmountColumn(column, format) || hasPercentSign(column)) return { shape: 'amount' };
  return { shape: 'text' };
}

function place(columns: readonly SampleColumn[], format: NumberFormat, options: GuessOptions): Placed[] {
  const placed: Placed[] = [];
  for (const column of columns) {
    if (filled(column.values).length === 0) continue;
    const { shape, dates } = shapeOf(column, format, options);
    const role = roleOf(column.name, shape);
    if (role === undefined) continue;
    const isDocument = options.documentPrefix !== undefined && column.name.startsWith(options.documentPrefix);
    if (
      isDocument &&
      (!DOCUMENT_FIELDS.has(role) || (shape === 'date' && !DOCUMENT_DATE.test(words(column.name))))
    )
      continue;
    placed.push({ column, role, shape, ...(dates ? { dates } : {}) });
  }
  return placed;
}

function byRole(placed: Placed[], role: Role): Placed[] {
  return placed.filter((p) => p.role === role);
}

/** The first word of a name (`transferDate` -> `transfer`), to tie a date or timing to its flow. */
const stem = (name: string): string => (words(name).split(' ')[0] ?? '').replace(/s$/, '');

/** A column of words (timing, basis): its own words need a `values:` map to ours. */
function wordsGuess(p: Placed, known: (word: string) => unknown, what: string): Guess {
  const foreign = [...new Set(filled(p.column.values).map((v) => String(v).trim()))].filter(
    (w) => known(w) === undefined,
  );
  if (foreign.length === 0) return { yaml: quote(p.column.name) };
  return {
    yaml: `{ from: ${quote(p.column.name)}, values: { ${foreign.map((w) => `${quote(w)}: TODO`).join(', ')} } }`,
    todo: `${foreign.map((w) => `"${w}"`).join(', ')} are not ${what}: say what each means`,
  };
}

function amountGuess(p: Placed, format: NumberFormat, negateWhenPositive: boolean, what: string): Guess {
  const { negative, positive } = amountShare(p.column, format);
  if (negateWhenPositive && positive > negative)
    return {
      yaml: `{ from: ${quote(p.column.name)}, negate: true }`,
      note: `${what} as positive numbers: negated`,
    };
  return { yaml: quote(p.column.name) };
}

export function guessFields(columns: readonly SampleColumn[], options: GuessOptions): FieldGuesses {
  const numbers = numberFinding(columns);
  const format = numbers.format;
  const placed = place(columns, format, options);
  const fields: Partial<Record<CanonicalField, Guess>> = {};
  const used = new Set<SampleColumn>();
  const take = (field: CanonicalField, list: Placed[], guess: (p: Placed[]) => Guess): void => {
    if (list.length === 0) return;
    fields[field] = guess(list);
    for (const p of list) used.add(p.column);
  };
  const names = (list: Placed[]) =>
    list.length === 1
      ? quote(list[0]?.column.name ?? '')
      : `[${list.map((p) => quote(p.column.name)).join(', ')}]`;

  const accounts = byRole(placed, 'account_id').sort(
    (a, b) => accountPreference(b.column.name) - accountPreference(a.column.name),
  );
  take('account_id', accounts.slice(0, 1), (l) => ({ yaml: names(l) }));
  // A currency of the record before its parents' (a period's own currency wins over the account's).
  const currencies = byRole(placed, 'currency').sort(
    (a, b) => b.column.name.split('[]').length - a.column.name.split('[]').length,
  );
  take('currency', currencies, (l) => ({ yaml: names(l) }));
  take('period_start', byRole(placed, 'period_start').slice(0, 1), (l) => ({ yaml: names(l) }));
  take('period_end', byRole(placed, 'period_end').slice(0, 1), (l) => ({ yaml: names(l) }));
  take(
    'flow_date',
    byRole(placed, 'flow_date')
      .filter((p) => stem(p.column.name) !== 'transfer')
      .slice(0, 1),
    (l) => ({ yaml: names(l) }),
  );
  for (const field of ['begin_market_value', 'end_market_value'] as const) {
    take(field, byRole(placed, field).slice(0, 1), (l) => {
      const column = l[0]?.column as SampleColumn;
      const empty = column.values.filter(
        (v) => v === null || (typeof v === 'string' && v.trim() === ''),
      ).length;
      return empty === 0
        ? { yaml: names(l) }
        : {
            yaml: `{ from: ${quote(column.name)}, default: "0" }`,
            note: `empty in ${empty} of ${column.values.length} records: taken as 0, with a warning`,
          };
    });
  }
  take('flow_amount', byRole(placed, 'flow_amount').slice(0, 1), (l) =>
    amountGuess(l[0] as Placed, format, false, 'net flows'),
  );
  take(
    'flow_timing',
    byRole(placed, 'flow_timing')
      .filter((p) => stem(p.column.name) !== 'transfer')
      .slice(0, 1),
    (l) => wordsGuess(l[0] as Placed, timingOfWord, 'flow timing words (end_of_day, start_of_day)'),
  );
  for (const field of ['income', 'fees'] as const) {
    const list = byRole(placed, field);
    take(field, list, (l) => {
      const negative = l.reduce((n, p) => n + amountShare(p.column, format).negative, 0);
      const positive = l.reduce((n, p) => n + amountShare(p.column, format).positive, 0);
      const negate = field === 'fees' && negative > positive;
      const from = l.length === 1 ? `from: ${names(l)}` : `sum: ${names(l)}`;
      const guess: Guess = {
        yaml: l.length === 1 && !negate ? names(l) : `{ ${from}${negate ? ', negate: true' : ''} }`,
      };
      if (negate) guess.note = 'printed as deductions (negative): negated, fees are positive when charged';
      else if (l.length > 1) guess.note = 'several columns: added up';
      return guess;
    });
  }
  take('vendor_return', byRole(placed, 'vendor_return').slice(0, 1), (l) => {
    const column = l[0]?.column as SampleColumn;
    if (hasPercentSign(column))
      return { yaml: quote(column.name), note: 'values carry a % sign: read as percent' };
    const max = largestMagnitude(column, format);
    const named = /%|\b(pct|percent|prozent)\b/i.test(column.name);
    const unit = named || max.value > 1.5 ? 'percent' : 'fraction';
    const guess: Guess = { yaml: `{ from: ${quote(column.name)}, unit: ${unit} }` };
    if (named) guess.note = 'the header says percent';
    else guess.todo = `check the unit (fraction, percent or bps): the largest value is ${max.text}`;
    return guess;
  });
  take('return_basis', byRole(placed, 'return_basis').slice(0, 1), (l) =>
    wordsGuess(l[0] as Placed, basisOfWord, 'return bases (gross, net)'),
  );

  const flows: FlowGuess[] = [];
  const timingTodo = 'check when these flows count: end_of_day, start_of_day or mixed';
  for (const p of placed.filter(
    (x) => x.role === 'deposit' || x.role === 'withdrawal' || x.role === 'transfer',
  )) {
    const flow: FlowGuess = {
      amount: amountGuess(p, format, p.role === 'withdrawal', 'withdrawals'),
      timing: { yaml: '{ value: end_of_day }', todo: timingTodo },
    };
    used.add(p.column);
    const own = (role: Role) =>
      placed.find(
        (x) => x.role === role && !used.has(x.column) && stem(x.column.name) === stem(p.column.name),
      );
    const date = own('flow_date');
    if (date) {
      flow.date = { yaml: quote(date.column.name) };
      used.add(date.column);
    }
    const timing = own('flow_timing');
    if (timing) {
      flow.timing = { yaml: `{ from: ${quote(timing.column.name)} }` };
      used.add(timing.column);
    }
    flows.push(flow);
  }

  const dated = placed.filter((p) => p.dates && used.has(p.column));
  const dateFormats = [...new Set(dated.flatMap((p) => p.dates?.formats ?? []))];
  const result: FieldGuesses = {
    numberFormat: format,
    numberEvidence: numbers.evidence,
    dateFormats: dateFormats.length > 0 ? dateFormats : ['ISO'],
    dateEvidence: dated.map((p) => `${p.column.name}: ${p.dates?.evidence}`),
    fields,
    flows,
    unplaced: columns.filter((c) => !used.has(c)).map((c) => c.name),
  };
  if (dated.some((p) => p.dates?.ambiguous))
    result.dateTodo = 'the dates read as MM/DD/YYYY and as DD/MM/YYYY alike: check';

  // End values and dates without begin values or starts: a time series of valuations.
  if (fields.period_end && fields.end_market_value && !fields.period_start && !fields.begin_market_value) {
    const end = byRole(placed, 'period_end')[0]?.column as SampleColumn;
    const account = accounts[0]?.column;
    const isoDates = end.values.map((v) => {
      const parsed =
        typeof v === 'string' || typeof v === 'number' ? parseDate(v, result.dateFormats) : undefined;
      return parsed?.ok ? parsed.value : '';
    });
    result.points = spacingOf(
      isoDates,
      account ? account.values.map((v) => (v === null ? null : String(v))) : [],
    );
  }
  return result;
}
