// A cap on one CSV record. Rows are parsed one decoded chunk at a time and a record cut at a
// chunk's end is carried over to the next; an unclosed quote makes the rest of the file one
// record, re-parsed from its start with every chunk (quadratic) until V8's string limit. The
// carried-over text is therefore capped, and the file rejected with where the record began.
import { FileRejectedError } from '../domain/errors.ts';

/** The longest record (and so the longest field) accepted, in characters: 1 MiB. */
export const MAX_RECORD_CHARS = 1024 * 1024;

/** Counts line breaks in text[from, to): '\n', or '\r' in files that end lines with it alone. */
export function countLines(text: string, newline: string, from = 0, to = text.length): number {
  const mark = newline === '\r' ? '\r' : '\n';
  let lines = 0;
  for (let at = text.indexOf(mark, from); at >= 0 && at < to; at = text.indexOf(mark, at + 1)) lines++;
  return lines;
}

/** Where the quote that is still open at the end of `record` opened, or -1. */
function openQuoteAt(record: string, delimiter: string, quote: string, newline: string): number {
  let fieldStart = true;
  let openedAt = -1;
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (openedAt >= 0) {
      if (c !== quote) continue;
      if (record[i + 1] === quote) i++;
      else openedAt = -1;
      fieldStart = false;
    } else if (c === quote && fieldStart) {
      openedAt = i;
    } else {
      fieldStart = record.startsWith(delimiter, i) || newline.includes(c ?? '');
    }
  }
  return openedAt;
}

/**
 * The rejection of a record longer than `maxChars`; `line` is the line the record starts on.
 */
export function recordTooLong(
  file: string,
  record: string,
  line: number,
  format: { delimiter: string; quote: string; newline: string; maxChars: number },
): FileRejectedError {
  const quoteAt = openQuoteAt(record, format.delimiter, format.quote, format.newline);
  if (quoteAt < 0) {
    return new FileRejectedError(
      `the record starting at line ${line} is longer than ${format.maxChars} characters`,
      { file },
      `Check that this is a delimited text file with line breaks; ask the vendor to send it again.`,
    );
  }
  const quoteLine = line + countLines(record, format.newline, 0, quoteAt);
  const lineStart = Math.max(record.lastIndexOf('\n', quoteAt - 1), record.lastIndexOf('\r', quoteAt - 1));
  return new FileRejectedError(
    `the quoted field opened at line ${quoteLine}, column ${quoteAt - lineStart} is not closed within ${format.maxChars} characters; an unclosed quote (${format.quote}) makes the rest of the file one field`,
    { file },
    `Ask the vendor to fix the quoting at line ${quoteLine} (a ${format.quote} inside a quoted value is written ${format.quote}${format.quote}), or to send the file again.`,
  );
}
