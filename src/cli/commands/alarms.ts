import type { Command } from 'commander';
import { ALARM_STATES, type AlarmState } from '../../domain/alarm.ts';
import { acknowledgeAlarm, listAlarms } from '../../services/alarms/alarms.ts';
import { wholeNumber } from '../input.ts';
import { printJson, shortTime, table } from '../output.ts';
import { cliActor, withApp, withReadOnlyApp } from '../run.ts';

export function registerAlarmsCommands(program: Command): void {
  const alarms = program
    .command('alarms')
    .description(
      'Alarms from the rules of the alarms: configuration (evaluated every minute by the long-running processes)',
    );

  alarms
    .command('list')
    .option('--all', 'resolved ones too')
    .option('--limit <n>', 'at most this many (default 100)')
    .option('--json', 'print as JSON (see src/contracts/alarms.ts)')
    .description('Active alarms (firing or acknowledged), newest first')
    .action(async (options: { all?: boolean; limit?: string; json?: boolean }) => {
      const states: readonly AlarmState[] | undefined = options.all ? ALARM_STATES : undefined;
      const limit =
        options.limit === undefined
          ? undefined
          : wholeNumber('--limit', options.limit, { min: 1, max: 10_000 });
      const items = await withReadOnlyApp((app) => listAlarms(app, { states, limit }));
      if (options.json) return printJson(items);
      if (items.length === 0)
        return void process.stdout.write(options.all ? 'no alarms yet\n' : 'no active alarms\n');
      process.stdout.write(
        `${table(
          [
            'id',
            'rule',
            'subject',
            'severity',
            'state',
            'fired',
            'escalated',
            'acknowledged',
            'by',
            'message',
          ],
          items.map((a) => [
            a.id,
            a.rule,
            a.subject,
            a.severity,
            a.state,
            shortTime(a.firedAt),
            shortTime(a.escalatedAt),
            shortTime(a.acknowledgedAt),
            a.acknowledgedBy,
            a.message,
          ]),
        )}\n`,
      );
    });

  alarms
    .command('ack')
    .argument('<id>', 'alarm id (see alarms list)')
    .option('--json', 'print the alarm as JSON')
    .description('Acknowledge a firing alarm: someone is on it, so it stops paging and will not escalate')
    .action(async (rawId: string, options: { json?: boolean }) => {
      const id = wholeNumber('the alarm id', rawId);
      const alarm = await withApp((app) => acknowledgeAlarm(app, id, cliActor()));
      if (options.json) return printJson(alarm);
      process.stdout.write(`alarm #${alarm.id} (${alarm.rule}) acknowledged by ${alarm.acknowledgedBy}\n`);
    });
}
