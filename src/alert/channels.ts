// The channels behind the Notifier: log, webhook (Slack-compatible JSON to any HTTP endpoint)
// and e-mail over SMTP (nodemailer). A channel throws when it could not deliver; the
// dispatcher retries and logs, and never lets a failure reach the pipeline.
import nodemailer from 'nodemailer';
import type { PagerConfig } from '../config/alarms-config.ts';
import type { AlertsConfig, ChannelName } from '../config/alerts-config.ts';
import type { AlertEvent } from '../domain/alert.ts';
import type { Logger } from '../observe/logger.ts';
import { plainText, slackPayload, subject } from './format.ts';
import { logNotifier } from './log-notifier.ts';
import { pagerChannel } from './pager.ts';

export interface Channel {
  readonly name: ChannelName;
  send(event: AlertEvent): Promise<void>;
  close?(): Promise<void>;
}

export function logChannel(logger: Logger): Channel {
  const notifier = logNotifier(logger);
  return { name: 'log', send: (event) => notifier.notify(event) };
}

export function webhookChannel(options: NonNullable<AlertsConfig['webhook']>): Channel {
  return {
    name: 'webhook',
    async send(event) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(slackPayload(event)),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!response.ok) {
        const text = (await response.text().catch(() => '')).slice(0, 200);
        throw new Error(
          `webhook answered ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`,
        );
      }
      await response.body?.cancel().catch(() => {});
    },
  };
}

export function emailChannel(options: NonNullable<AlertsConfig['email']>): Channel {
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  return {
    name: 'email',
    async send(event) {
      await transport.sendMail({
        from: options.from,
        to: options.to,
        subject: subject(event),
        text: plainText(event),
      });
    },
    async close() {
      transport.close();
    },
  };
}

/** The channels the configuration enables (the pager: alarms' `pager:` or PERFRECON_ALERT_PAGER_URL). */
export function configuredChannels(
  config: AlertsConfig,
  logger: Logger,
  pager: PagerConfig | null = null,
): Channel[] {
  const channels: Channel[] = [logChannel(logger)];
  if (pager !== null) channels.push(pagerChannel(pager));
  if (config.webhook !== null) channels.push(webhookChannel(config.webhook));
  if (config.email !== null) channels.push(emailChannel(config.email));
  return channels;
}
