// The lines of a drafted YAML configuration. A value that needs a person's look carries
// `# TODO <id>: why`; a field that could not be placed is a comment `# TODO <id>: why`, so
// `vendors check-config` names it until it is filled. The ids are unique within a draft.
import type { Guess } from './guess.ts';

/** Comment text on one line: a header with a line break ("Bemerkung\n(intern)") must not end it. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ');

export class DraftLines {
  readonly lines: string[] = [];
  readonly todos: string[] = [];

  comment(indent: number, text: string): void {
    this.lines.push(`${' '.repeat(indent)}# ${oneLine(text)}`);
  }

  plain(indent: number, text: string): void {
    this.lines.push(`${' '.repeat(indent)}${text}`);
  }

  /** `key: value` with its note or TODO. `prefix` is `- ` for the first key of a list item. */
  value(indent: number, key: string, guess: Guess, id: string, prefix = ''): void {
    const head = `${' '.repeat(indent)}${prefix}${key}: ${guess.yaml}`;
    if (guess.todo !== undefined) {
      this.todos.push(`${id}: ${oneLine(guess.todo)}`);
      this.lines.push(`${head}  # TODO ${id}: ${oneLine(guess.todo)}`);
    } else this.lines.push(guess.note === undefined ? head : `${head}  # ${oneLine(guess.note)}`);
  }

  /** A field left for the person: a comment the configuration check reports as missing. */
  missing(indent: number, id: string, why: string): void {
    this.todos.push(`${id}: ${oneLine(why)}`);
    this.lines.push(`${' '.repeat(indent)}# TODO ${id}: ${oneLine(why)}`);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
