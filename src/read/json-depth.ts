// A limit on how deeply a JSON document nests. The reader walks documents recursively (the
// flattening of records, JSON.parse with a reviver, schema validation), so a document nested
// thousands of levels deep overflowed the stack. Performance data needs a handful of levels;
// the limit is checked on the text before anything recursive sees it, whole or streamed.
import { FileRejectedError } from '../domain/errors.ts';

export const MAX_JSON_DEPTH = 64;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/** Where the first container deeper than MAX_JSON_DEPTH opens in `text`, or -1. */
export function firstTooDeep(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return -1;
}

interface Frame {
  array: boolean;
  index: number;
  key: string;
  expectKey: boolean;
}

function segment(frame: Frame): string {
  if (frame.array) return `[${frame.index}]`;
  return /^[A-Za-z_$][\w$]*$/.test(frame.key) ? `.${frame.key}` : `[${JSON.stringify(frame.key)}]`;
}

/**
 * The path, relative to where `before` starts, of the value that follows `before`: `.a[2]`.
 * Only called to word a rejection, so it may rescan.
 */
export function pathOfNextValue(before: string): string {
  const stack: Frame[] = [];
  for (let i = 0; i < before.length; i++) {
    const c = before.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      let end = i + 1;
      while (end < before.length && before.charCodeAt(end) !== QUOTE)
        end += before.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (top !== undefined && !top.array && top.expectKey)
        top.key = JSON.parse(before.slice(i, end + 1)) as string;
      i = end;
    } else if (c === OPEN_BRACE) stack.push({ array: false, index: 0, key: '', expectKey: true });
    else if (c === OPEN_BRACKET) stack.push({ array: true, index: 0, key: '', expectKey: false });
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) stack.pop();
    else if (c === COMMA && top !== undefined) {
      if (top.array) top.index++;
      else top.expectKey = true;
    } else if (c === COLON && top !== undefined) top.expectKey = false;
  }
  return stack.map(segment).join('');
}

/** Thrown by the streaming scanner; the reader turns it into a rejection naming the path. */
export class JsonTooDeepError extends Error {
  /** The path relative to the streamed element, or to the document when `inElement` is false. */
  readonly relativePath: string;
  readonly inElement: boolean;
  /** Elements completed in the same chunk before the one too deep. */
  readonly completedBefore: number;
  constructor(relativePath: string, inElement: boolean, completedBefore: number) {
    super(`the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    this.name = 'JsonTooDeepError';
    this.relativePath = relativePath;
    this.inElement = inElement;
    this.completedBefore = completedBefore;
  }
}

export function tooDeep(file: string, jsonPath: string): FileRejectedError {
  return new FileRejectedError(
    `the JSON nests deeper than ${MAX_JSON_DEPTH} levels here`,
    { file, jsonPath },
    "Performance data needs a few levels of nesting; check that this is the vendor's file and ask them to send it again.",
  );
}
