import type { Notifier } from '../domain/alert.ts';
import type { Logger } from '../observe/logger.ts';

/** Alerts written to the log only: the channel every alert reaches. */
export function logNotifier(logger: Logger): Notifier {
  const levels = { info: 'info', warning: 'warn', critical: 'error' } as const;
  return {
    async notify(event) {
      logger[levels[event.severity]]({ alert: event.kind, ...event.details }, event.title);
    },
  };
}
