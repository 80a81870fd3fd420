// Log lines for a person at a terminal: pino's JSON line as `12:00:01 WARN  message key="value"`.
// Values are JSON-encoded, so a control character in one (a cell of a vendor file) is shown as an
// escape, never acted on by the terminal.

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** pino's own fields: the time, level and message lead the line, the rest a person does not need. */
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

export function humanLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json);
  } catch {
    return json;
  }
  const time = new Date(Number(record.time)).toISOString().slice(11, 19);
  const level = (LEVELS[Number(record.level)] ?? String(record.level)).padEnd(5);
  const message = JSON.stringify(String(record.msg ?? '')).slice(1, -1);
  const fields = Object.entries(record)
    .filter(([key]) => !OWN_FIELDS.has(key))
    // An error's message says it; its stack is in the JSON logs (no terminal).
    .map(
      ([key, value]) =>
        `${key}=${JSON.stringify(key === 'err' ? (value as { message?: unknown }).message : value)}`,
    );
  return `${time} ${level} ${message}${fields.length === 0 ? '' : `  ${fields.join(' ')}`}\n`;
}
