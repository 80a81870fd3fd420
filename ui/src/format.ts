// How figures read on screen. Returns arrive as fractions (numbers) or exact decimals (strings);
// both are shown as percentages with the precision an analyst compares at.
export function percent(value: number | string | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  return `${(Number(value) * 100).toFixed(digits)}%`;
}

export function bps(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${Number(value).toFixed(2)} bp`;
}

export function dateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** The browser's local day, as an ISO date: "today" is the day the person at the screen sees. */
export function localIsoDate(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}
