// Terminal output helpers: aligned tables, JSON, and a progress bar on stderr.
import cliProgress from 'cli-progress';

/**
 * Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts the sequences
 * that move the cursor, clear the screen, retitle the window or forge a hyperlink), DEL, and the
 * bidirectional overrides that make text read differently from what it is.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from outside (cell values, file names, messages quoting them) made safe to print: every
 * control character is shown as an escape (`\x1b`), so a vendor file cannot rewrite the
 * terminal. Line feeds are kept only in multi-line output of our own making.
 */
export function terminalText(text: string, options: { keepLineFeeds?: boolean } = {}): string {
  return text.replace(CONTROL, (c) =>
    options.keepLineFeeds && c === '\n'
      ? c
      : c.charCodeAt(0) <= 0xff
        ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
        : `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/** Lines of text for a person, with any control character from outside escaped. */
export function printText(text: string): void {
  process.stdout.write(`${terminalText(text, { keepLineFeeds: true })}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((row) =>
    row.map((cell) => (cell === null || cell === undefined ? '' : terminalText(String(cell)))),
  );
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) =>
        /^-?[\d.,%]+$/.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** A timestamp as `YYYY-MM-DD HH:MM:SS` (UTC), or nothing. */
export function shortTime(value: string | null | undefined): string {
  return value === null || value === undefined ? '' : value.replace('T', ' ').slice(0, 19);
}

export function percent(value: number | null, decimals = 4): string {
  return value === null ? 'undefined' : `${(value * 100).toFixed(decimals)}%`;
}

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; silent otherwise (CI, pipes, --json). */
export function progressBar(label: string, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
      if (!started) {
        bar.start(mb(total), 0);
        started = true;
      }
      bar.update(mb(done));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
