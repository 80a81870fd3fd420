// The paging channel: alarms as PagerDuty Events v2 events (any compatible endpoint). An alarm's
// episode is one incident (dedup_key): FIRING triggers it, ACKNOWLEDGED acknowledges it, RESOLVED
// resolves it; an escalation triggers a second incident on the escalation routing key, which the
// acknowledgement and resolution then close too. Other alerts do not page.
import os from 'node:os';
import type { PagerConfig } from '../config/alarms-config.ts';
import type { AlertEvent } from '../domain/alert.ts';

const ACTIONS = {
  FIRING: 'trigger',
  ESCALATED: 'trigger',
  ACKNOWLEDGED: 'acknowledge',
  RESOLVED: 'resolve',
} as const;
type PagedState = keyof typeof ACTIONS;

/** PagerDuty's severities: critical, error, warning, info. */
const SEVERITY = { critical: 'critical', warning: 'warning', info: 'info' } as const;

export interface PagerEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: string;
    component: string;
    custom_details: Record<string, unknown>;
  };
}

/** The Events v2 bodies an alarm event becomes (none for an alert that is not an alarm). */
export function pagerEvents(event: AlertEvent, config: PagerConfig): PagerEvent[] {
  const state = event.details.state as PagedState | undefined;
  if (event.kind !== 'alarm' || state === undefined || !(state in ACTIONS)) return [];
  const incident = `perfrecon-alarm-${String(event.details.alarm)}`;
  const first = { routing_key: config.routingKey, dedup_key: incident };
  const escalated = { routing_key: config.escalationRoutingKey, dedup_key: `${incident}-escalated` };
  const targets =
    state === 'FIRING'
      ? [first]
      : state === 'ESCALATED'
        ? [escalated]
        : event.details.escalated
          ? [first, escalated]
          : [first];
  return targets.map((target) => ({
    ...target,
    event_action: ACTIONS[state],
    ...(ACTIONS[state] === 'trigger'
      ? {
          payload: {
            summary: event.title.slice(0, 1024),
            source: os.hostname(),
            severity: SEVERITY[event.severity],
            component: 'perfrecon',
            custom_details: event.details,
          },
        }
      : {}),
  }));
}

/** A channel (channels.ts) named `pager`; typed here without importing channels.ts, which lists it. */
export function pagerChannel(config: PagerConfig): { name: 'pager'; send(event: AlertEvent): Promise<void> } {
  return {
    name: 'pager',
    async send(event) {
      for (const body of pagerEvents(event, config)) {
        const response = await fetch(config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        await response.body?.cancel().catch(() => {});
        if (!response.ok) throw new Error(`pager answered ${response.status} ${response.statusText}`);
      }
    },
  };
}
