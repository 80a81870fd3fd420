// How an alert reads in a channel: plain text (e-mail, logs) and a Slack-compatible JSON body.
import type { AlertEvent } from '../domain/alert.ts';

const ICONS = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' } as const;

function value(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The details as lines; a list of records (e.g. a digest's breaks) as one line per record. */
export function detailLines(details: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, v] of Object.entries(details)) {
    if (Array.isArray(v) && v.every((item) => item !== null && typeof item === 'object')) {
      lines.push(`${key}:`);
      for (const item of v as Record<string, unknown>[]) {
        lines.push(
          `  - ${Object.entries(item)
            .map(([k, x]) => `${k}=${value(x)}`)
            .join(' ')}`,
        );
      }
    } else {
      lines.push(`${key}: ${value(v)}`);
    }
  }
  return lines;
}

export function subject(event: AlertEvent): string {
  return `[perfrecon ${event.severity.toUpperCase()}] ${event.title}`;
}

export function plainText(event: AlertEvent): string {
  return [subject(event), '', ...detailLines(event.details), '', `kind: ${event.kind}`].join('\n');
}

const SLACK_SECTION_LIMIT = 2900;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/**
 * Text from outside (file names, cell values, messages quoting them) made inert for Slack:
 * control characters dropped, and `&`, `<` and `>` escaped as Slack requires, so it cannot mention
 * @channel or forge a link. Titles go out as plain text (no formatting at all), details inside a
 * code block, where only a backtick could end the block: it becomes a look-alike there. Names
 * such as CROSS_VENDOR_RETURN therefore reach Slack exactly as they are.
 */
export function slackText(text: string): string {
  return text.replace(CONTROL, '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function slackCode(text: string): string {
  return slackText(text).replaceAll('`', 'ˋ');
}

/** Slack incoming-webhook JSON (text + blocks), with the event itself for other receivers. */
export function slackPayload(event: AlertEvent): Record<string, unknown> {
  const body = slackCode(detailLines(event.details).join('\n'));
  const title = slackText(event.title);
  const clipped = body.length > SLACK_SECTION_LIMIT ? `${body.slice(0, SLACK_SECTION_LIMIT)}\n…` : body;
  return {
    text: `${ICONS[event.severity]} [${event.severity.toUpperCase()}] ${title}`,
    // The fallback text is not formatted either.
    mrkdwn: false,
    blocks: [
      { type: 'section', text: { type: 'plain_text', text: `${ICONS[event.severity]} ${title}` } },
      ...(clipped === ''
        ? []
        : [{ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${clipped}\`\`\`` } }]),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `perfrecon · ${event.kind} · ${event.severity}` }],
      },
    ],
    event: { kind: event.kind, severity: event.severity, title: event.title, details: event.details },
  };
}
