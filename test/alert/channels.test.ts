// Alert channels against real services: a local SMTP server (smtp-server) and a local HTTP
// receiver (node:http). Routing, de-duplication, retries and "never blocks the pipeline".
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Channel, emailChannel, logChannel, webhookChannel } from '../../src/alert/channels.ts';
import { createAlertDispatcher } from '../../src/alert/dispatcher.ts';
import { slackPayload } from '../../src/alert/format.ts';
import { memoryCache } from '../../src/cache/index.ts';
import { DEFAULT_ALERTS, loadAlertsConfig, parseAlertsSection } from '../../src/config/alerts-config.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import type { AlertEvent } from '../../src/domain/alert.ts';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

let smtp: SMTPServer;
let smtpPort: number;
const mails: Mail[] = [];

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status codes to answer with, in order; 200 once they run out. */
let answers: number[] = [];
/** When set, requests wait for it before being answered. */
let hold: Promise<void> | undefined;

const logLines: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  }),
);

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', async () => {
      if (hold !== undefined) await hold;
      const status = answers.shift() ?? 200;
      if (status === 200)
        received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(body) });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status === 200 ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/perfrecon`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(() => {
  mails.length = 0;
  received.length = 0;
  logLines.length = 0;
  answers = [];
  hold = undefined;
});

const breakAlert: AlertEvent = {
  kind: 'tolerance_violation',
  severity: 'warning',
  title: 'Break 12: RETURN ACC-2 custodian 2024-02-29',
  details: { account: 'ACC-2', varianceBps: 3.2, cause: 'FLOW_TIMING_START_OF_DAY' },
  dedupeKey: 'break:ACC-2|RETURN|custodian||2024-01-31|2024-02-29',
};

const email = () =>
  emailChannel({
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    from: 'perfrecon@example.test',
    to: ['ops@example.test', 'lead@example.test'],
    timeoutMs: 5000,
  });
const webhook = () =>
  webhookChannel({ url: receiverUrl, timeoutMs: 5000, headers: { authorization: 'Bearer t0k3n' } });

describe('the channels', () => {
  it('e-mails an alert through SMTP', async () => {
    const channel = email();
    await channel.send(breakAlert);
    await channel.close?.();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.from).toBe('perfrecon@example.test');
    expect(mails[0]?.to).toEqual(['ops@example.test', 'lead@example.test']);
    expect(mails[0]?.raw).toMatch(
      /^Subject: \[perfrecon WARNING\] Break 12: RETURN ACC-2 custodian 2024-02-29$/m,
    );
    expect(mails[0]?.raw).toMatch(/^cause: FLOW_TIMING_START_OF_DAY$/m);
  });

  it('posts Slack-compatible JSON to a webhook, with its headers', async () => {
    await webhook().send(breakAlert);
    expect(received).toHaveLength(1);
    const [post] = received;
    expect(post?.path).toBe('/hooks/perfrecon');
    expect(post?.headers.authorization).toBe('Bearer t0k3n');
    expect(post?.body.text).toBe(':warning: [WARNING] Break 12: RETURN ACC-2 custodian 2024-02-29');
    expect(((post?.body.blocks ?? []) as { type: string }[]).map((b) => b.type)).toEqual([
      'section',
      'section',
      'context',
    ]);
    expect(post?.body.event).toEqual({
      kind: 'tolerance_violation',
      severity: 'warning',
      title: breakAlert.title,
      details: breakAlert.details,
    });
  });

  it('fails a webhook that answers with an error status', async () => {
    answers = [503];
    await expect(webhook().send(breakAlert)).rejects.toThrow(
      /webhook answered 503 Service Unavailable: try later/,
    );
  });
});

describe('the dispatcher', () => {
  const retry = { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 };
  const dispatcher = (channels: Channel[], dedupeWindowSeconds = 900) =>
    createAlertDispatcher({
      config: { routes: DEFAULT_ALERTS.routes, dedupeWindowSeconds, retry },
      channels,
      logger,
      claims: memoryCache(),
    });

  it('routes by severity: info to the log, warning also to the webhook, critical also by e-mail', async () => {
    const alerts = dispatcher([logChannel(logger), webhook(), email()]);
    await alerts.notify({ kind: 'run_summary', severity: 'info', title: 'run 1: 10 checks', details: {} });
    await alerts.notify(breakAlert);
    await alerts.notify({
      kind: 'dead_lettered',
      severity: 'critical',
      title: 'job dead-lettered',
      details: { file: 'x.csv' },
    });
    await alerts.close();
    expect(received.map((r) => (r.body.event as AlertEvent).severity)).toEqual(['warning', 'critical']);
    expect(mails.map((m) => m.raw.match(/^Subject: (.*)$/m)?.[1])).toEqual([
      '[perfrecon CRITICAL] job dead-lettered',
    ]);
    expect(logLines.filter((l) => l.alert !== undefined).map((l) => l.msg)).toEqual([
      'run 1: 10 checks',
      breakAlert.title,
      'job dead-lettered',
    ]);
  });

  it('sends identical alerts once within the window', async () => {
    const alerts = dispatcher([webhook()]);
    await alerts.notify(breakAlert);
    await alerts.notify(breakAlert);
    await alerts.notify({ ...breakAlert, dedupeKey: 'break:other' });
    await alerts.flush();
    expect(received.map((r) => (r.body.event as AlertEvent).title)).toEqual([
      breakAlert.title,
      breakAlert.title,
    ]);
    expect(logLines.some((l) => l.msg === 'alert suppressed: sent within the window')).toBe(true);
  });

  it('retries a failing channel with backoff and logs each failure', async () => {
    answers = [500, 502];
    const alerts = dispatcher([webhook()]);
    await alerts.notify(breakAlert);
    await alerts.flush();
    expect(received).toHaveLength(1);
    expect(logLines.filter((l) => l.msg === 'alert delivery failed; retrying').map((l) => l.attempt)).toEqual(
      [1, 2],
    );
  });

  it('never blocks the caller: notify returns while the receiver has not answered', async () => {
    let release: () => void = () => {};
    hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const alerts = dispatcher([webhook()]);
    await alerts.notify(breakAlert);
    // notify() has returned and the receiver is still holding the request.
    expect(received).toHaveLength(0);
    release();
    await alerts.flush();
    expect(received).toHaveLength(1);
  });

  it('gives up after the last attempt, logs an error and does not throw', async () => {
    const dead = webhookChannel({ url: 'http://127.0.0.1:9/unreachable', timeoutMs: 2000, headers: {} });
    const alerts = dispatcher([dead, email()]);
    await alerts.notify({ ...breakAlert, severity: 'critical' });
    await alerts.close();
    expect(mails).toHaveLength(1);
    expect(logLines.find((l) => l.msg === `alert not delivered: ${breakAlert.title}`)).toMatchObject({
      channel: 'webhook',
      attempts: 3,
    });
  });
});

describe('alerts configuration', () => {
  it('reads routes, channels, window, retry and digest from the alerts section', () => {
    const config = parseAlertsSection(
      {
        routes: { info: [], warning: ['log', 'email'] },
        email: { smtp_url: 'smtp://mail:25', from: 'a@b.c', to: ['x@y.z'] },
        dedupe_window_seconds: 60,
        retry: { attempts: 5 },
        digest: { interval_minutes: 1440 },
      },
      'perfrecon.yaml',
    );
    expect(config).toMatchObject({
      routes: { info: [], warning: ['log', 'email'], critical: ['log', 'webhook', 'email'] },
      email: { smtpUrl: 'smtp://mail:25', from: 'a@b.c', to: ['x@y.z'] },
      webhook: null,
      dedupeWindowSeconds: 60,
      retry: { attempts: 5, initialDelayMs: 1000 },
      digest: { intervalMinutes: 1440, severity: 'info' },
    });
  });

  it('names the key that is wrong', () => {
    expect(() => parseAlertsSection({ routes: { urgent: ['log'] } }, 'ops.yaml')).toThrow(
      'ops.yaml: alerts.routes.urgent is not a severity (info, warning, critical)',
    );
    expect(() => parseAlertsSection({ webhook: { url: 'ftp://x' } }, 'ops.yaml')).toThrow(
      'ops.yaml: alerts.webhook.url must be an http(s):// URL',
    );
    expect(() => parseAlertsSection({ dedupe: 5 }, 'ops.yaml')).toThrow(/alerts.dedupe is not known/);
  });

  it('takes the channels from the environment', () => {
    const settings = loadAppConfig({
      PERFRECON_ALERT_WEBHOOK_URL: 'https://hooks.example.test/x',
      PERFRECON_ALERT_SMTP_URL: 'smtp://mail.example.test:587',
      PERFRECON_ALERT_EMAIL_TO: 'ops@example.test, lead@example.test',
      PERFRECON_ALERT_DEDUPE_SECONDS: '120',
      PERFRECON_BREAKS_FOUR_EYES: 'true',
    });
    expect(settings.breaks.fourEyes).toBe(true);
    const config = loadAlertsConfig(settings.alerts, '/nonexistent/perfrecon.yaml');
    expect(config).toMatchObject({
      webhook: { url: 'https://hooks.example.test/x' },
      email: {
        smtpUrl: 'smtp://mail.example.test:587',
        to: ['ops@example.test', 'lead@example.test'],
        from: 'perfrecon@localhost',
      },
      dedupeWindowSeconds: 120,
    });
    expect(() => loadAppConfig({ PERFRECON_ALERT_SMTP_URL: 'mail.example.test' })).toThrow(
      /must be an smtp:\/\//,
    );
    expect(() =>
      loadAlertsConfig(loadAppConfig({ PERFRECON_ALERT_EMAIL_TO: 'ops@x' }).alerts, undefined),
    ).toThrow(/need both an SMTP server and recipients/);
  });
});

describe('Slack text', () => {
  it('cannot mention, link, restyle or leave the code block, nor carry control characters', () => {
    const payload = slackPayload({
      kind: 'validation_failed',
      severity: 'warning',
      title: 'File <!channel> *urgent*.csv rejected',
      details: { reason: 'bad value "```\n<!here> <https://evil.example|log in> & \u001b[31m red"' },
    });
    const rendered = JSON.stringify([payload.text, payload.blocks]);
    expect(rendered).not.toMatch(/<!channel>|<!here>|<https/);
    expect(rendered).not.toContain('\\u001b');
    expect(rendered).toContain('&lt;!here&gt; &lt;https://evil.example|log in&gt; &amp;');
    const [, details] = payload.blocks as { text: { text: string } }[];
    expect(details?.text.text.match(/```/g)).toHaveLength(2);
    // Formatting is off where the title goes (plain text, and mrkdwn: false for the fallback),
    // so names keep their underscores and asterisks as written.
    const [title] = payload.blocks as { text: { type: string; text: string } }[];
    expect(title?.text.type).toBe('plain_text');
    expect(payload.mrkdwn).toBe(false);
  });
});
