// Streaming a large JSON document: a scanner that cuts the elements of one array (the first
// level of the record path, e.g. `accounts` of `accounts[].periods[]`) out of the text as it
// arrives, so each element is parsed on its own and memory stays at one element, not the file.
// Everything outside that array is kept as the "envelope" (with the array left empty), parsed
// and validated at the end. The scanner only tracks strings, nesting and the keys leading to
// the array; JSON.parse of each element and of the envelope does the real syntax checking.

import { JsonTooDeepError, MAX_JSON_DEPTH, pathOfNextValue } from './json-depth.ts';

interface Frame {
  array: boolean;
  /** Current key of an object frame. */
  key: string | null;
  expectKey: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export class ArrayElementScanner {
  private readonly target: string[];
  private readonly stack: Frame[] = [];
  private inString = false;
  private escape = false;
  /** Collecting an object key (only on the way to the target array). */
  private keyBuffer: string | null = null;
  private mode: 'envelope' | 'between' | 'element' | 'after' = 'envelope';
  private targetDepth = -1;
  private envelope = '';
  private element = '';
  /** Whether the target array was found. */
  found = false;

  /** @param target the object keys from the document root to the array, e.g. ['accounts']. */
  constructor(target: string[]) {
    this.target = target;
  }

  private opensTarget(): boolean {
    if (this.found || this.stack.length !== this.target.length) return false;
    return this.stack.every((f, i) => !f.array && f.key === this.target[i]);
  }

  /** Throws JsonTooDeepError when a container opening at chunk[at] would nest too deeply. */
  private checkDepth(chunk: string, segStart: number, at: number, completed: number): void {
    if (this.stack.length < MAX_JSON_DEPTH) return;
    const inElement = this.mode === 'element';
    const before = (inElement ? this.element : this.envelope) + chunk.slice(segStart, at);
    throw new JsonTooDeepError(pathOfNextValue(before), inElement, completed);
  }

  /**
   * Feed the next decoded chunk; returns the texts of the array elements completed in it.
   * Throws JsonTooDeepError when the document nests deeper than MAX_JSON_DEPTH.
   */
  feed(chunk: string): string[] {
    const out: string[] = [];
    let segStart = 0;
    let keyFrom = this.keyBuffer !== null ? 0 : -1;
    const flush = (end: number) => {
      if (this.mode === 'envelope' || this.mode === 'after') this.envelope += chunk.slice(segStart, end);
      else if (this.mode === 'element') this.element += chunk.slice(segStart, end);
      segStart = end;
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBuffer !== null) {
            const raw = this.keyBuffer + chunk.slice(keyFrom, i);
            const top = this.stack[this.stack.length - 1];
            if (top) top.key = JSON.parse(`"${raw}"`) as string;
            this.keyBuffer = null;
            keyFrom = -1;
          }
        }
        continue;
      }
      if (this.mode === 'between' && this.stack.length === this.targetDepth) {
        if (isSpace(c) || c === COMMA) {
          segStart = i + 1;
          continue;
        }
        if (c !== CLOSE_BRACKET) {
          this.mode = 'element';
          segStart = i;
        }
      }
      const top = this.stack[this.stack.length - 1];
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (
            this.mode === 'envelope' &&
            top &&
            !top.array &&
            top.expectKey &&
            this.stack.length <= this.target.length
          ) {
            this.keyBuffer = '';
            keyFrom = i + 1;
          }
          break;
        case OPEN_BRACE:
          this.checkDepth(chunk, segStart, i, out.length);
          this.stack.push({ array: false, key: null, expectKey: true });
          break;
        case OPEN_BRACKET:
          this.checkDepth(chunk, segStart, i, out.length);
          if (this.mode === 'envelope' && this.opensTarget()) {
            this.stack.push({ array: true, key: null, expectKey: false });
            this.found = true;
            this.targetDepth = this.stack.length;
            flush(i + 1);
            this.mode = 'between';
          } else {
            this.stack.push({ array: true, key: null, expectKey: false });
          }
          break;
        case CLOSE_BRACE:
          this.stack.pop();
          break;
        case CLOSE_BRACKET:
          if (
            (this.mode === 'element' || this.mode === 'between') &&
            this.stack.length === this.targetDepth
          ) {
            if (this.mode === 'element') {
              flush(i);
              out.push(this.element.trimEnd());
              this.element = '';
            }
            segStart = i;
            this.mode = 'after';
          }
          this.stack.pop();
          break;
        case COMMA:
          if (this.mode === 'element' && this.stack.length === this.targetDepth) {
            flush(i);
            out.push(this.element.trimEnd());
            this.element = '';
            segStart = i + 1;
            this.mode = 'between';
          } else if (top && !top.array) top.expectKey = true;
          break;
        case COLON:
          if (top && !top.array) top.expectKey = false;
          break;
      }
    }
    if (this.mode !== 'between') flush(chunk.length);
    if (this.keyBuffer !== null && keyFrom >= 0) this.keyBuffer += chunk.slice(keyFrom);
    return out;
  }

  /** The document without the target array's elements (`"accounts":[]`), once all is fed. */
  envelopeText(): string {
    return this.envelope;
  }

  /** An element cut off by the end of the file (a truncated document). */
  unfinishedElement(): string {
    return this.element;
  }
}
