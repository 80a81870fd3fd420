// A file read as UTF-8 (configured, by its byte-order mark, or because its first 64 KB are)
// that holds bytes which are not UTF-8 is in another encoding as a whole: loading the rows
// that happen to decode would store a part of the file and garble names in the rest. The first
// bad byte rejects the file, with its line and column.
import { FileRejectedError } from '../domain/errors.ts';
import { type Encoding, REPLACEMENT_CHAR } from './decode.ts';

const HOW: Record<Encoding['how'], string> = {
  configured: 'as configured',
  bom: 'as its byte-order mark says',
  detected: 'its first 64 KB are',
};

/** Finds the first undecodable byte (U+FFFD) in decoded text fed chunk by chunk, in order. */
export class InvalidUtf8Finder {
  private line = 1;
  /** Characters of the current line before this chunk. */
  private column = 0;

  /** The line and column (1-based) of the first U+FFFD in this chunk, or undefined. */
  find(text: string): { line: number; column: number } | undefined {
    const bad = text.indexOf(REPLACEMENT_CHAR);
    const end = bad < 0 ? text.length : bad;
    let lastNewline = -1;
    for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) {
      this.line++;
      lastNewline = at;
    }
    this.column = lastNewline < 0 ? this.column + end : end - lastNewline - 1;
    return bad < 0 ? undefined : { line: this.line, column: this.column + 1 };
  }
}

export function notUtf8Error(
  file: string,
  encoding: Encoding,
  at: { line: number; column: number },
  setting: 'csv.encoding' | 'json.encoding',
): FileRejectedError {
  return new FileRejectedError(
    `bytes that are not valid UTF-8 at line ${at.line}, column ${at.column}; the file is read as UTF-8 (${HOW[encoding.how]}) but is written in another encoding, probably windows-1252`,
    { file },
    `Ask the vendor to send UTF-8, or set ${setting} for this vendor (e.g. windows-1252); nothing of the file was stored.`,
  );
}
