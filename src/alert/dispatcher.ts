// Routing, de-duplication and retries behind the one Notifier interface.
//
// notify() returns as soon as the alert is handed to its channels: delivery (with retries and
// exponential backoff) runs in the background, so a slow or failing webhook or SMTP server
// never blocks the pipeline. A delivery that fails every attempt is logged as an error. The
// process flushes pending deliveries before it exits (close()).
//
// De-duplication: an alert with the same dedupe key (default: kind, severity and title) within
// the window is sent once. The claim is taken in the cache, so with Redis it holds across
// processes.
import type { AlertsConfig } from '../config/alerts-config.ts';
import type { AlertEvent, Notifier } from '../domain/alert.ts';
import type { Logger } from '../observe/logger.ts';
import type { Channel } from './channels.ts';

export interface AlertDispatcher extends Notifier {
  /** Wait for pending deliveries, at most `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void>;
  /** Flush, then release the channels' connections. */
  close(timeoutMs?: number): Promise<void>;
}

export interface DispatcherOptions {
  config: Pick<AlertsConfig, 'routes' | 'dedupeWindowSeconds' | 'retry'>;
  channels: Channel[];
  logger: Logger;
  claims: { claim(key: string, ttlSeconds: number): Promise<boolean> };
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function dedupeKeyOf(event: AlertEvent): string {
  return event.dedupeKey ?? `${event.kind}|${event.severity}|${event.title}`;
}

export function createAlertDispatcher(options: DispatcherOptions): AlertDispatcher {
  const { config, logger } = options;
  const sleep = options.sleep ?? defaultSleep;
  const byName = new Map<string, Channel>(options.channels.map((channel) => [channel.name, channel]));
  const pending = new Set<Promise<void>>();

  async function deliver(channel: Channel, event: AlertEvent): Promise<void> {
    const { attempts, initialDelayMs, maxDelayMs } = config.retry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await channel.send(event);
        return;
      } catch (error) {
        const message = (error as Error).message;
        if (attempt === attempts) {
          logger.error(
            { channel: channel.name, alert: event.kind, attempts, err: message },
            `alert not delivered: ${event.title}`,
          );
          return;
        }
        logger.warn(
          { channel: channel.name, alert: event.kind, attempt, err: message },
          'alert delivery failed; retrying',
        );
        await sleep(Math.min(initialDelayMs * 2 ** (attempt - 1), maxDelayMs));
      }
    }
  }

  async function firstWithinWindow(event: AlertEvent): Promise<boolean> {
    if (config.dedupeWindowSeconds <= 0) return true;
    try {
      return await options.claims.claim(`alert:${dedupeKeyOf(event)}`, config.dedupeWindowSeconds);
    } catch {
      return true;
    }
  }

  const flush = async (timeoutMs = 30_000) => {
    if (pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...pending]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  };

  return {
    async notify(event) {
      if (!(await firstWithinWindow(event))) {
        logger.debug(
          { alert: event.kind, dedupeKey: dedupeKeyOf(event) },
          'alert suppressed: sent within the window',
        );
        return;
      }
      for (const name of event.route ?? config.routes[event.severity]) {
        const channel = byName.get(name);
        if (channel === undefined) continue;
        const delivery = deliver(channel, event).finally(() => pending.delete(delivery));
        pending.add(delivery);
      }
    },
    flush,
    async close(timeoutMs) {
      await flush(timeoutMs);
      for (const channel of options.channels) await channel.close?.();
    },
  };
}
