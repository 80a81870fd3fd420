// Alarm episodes as a table: rule and subject, severity, state, the reading against the
// threshold, when it fired and who acknowledged it; operators may acknowledge a firing one.
import type { AlarmItem } from '../../../src/contracts/alarms.ts';
import { useAcknowledgeAlarm } from '../api/monitoring.ts';
import { useCan } from '../api/session.ts';
import { dateTime } from '../format.ts';
import { ErrorState } from './States.tsx';
import { StatusBadge } from './StatusBadge.tsx';

export function AlarmTable({
  items,
  caption,
  actions = false,
}: {
  items: readonly AlarmItem[];
  caption: string;
  /** Offer "Acknowledge" on firing alarms to operators. */
  actions?: boolean;
}) {
  const canAcknowledge = useCan('operator') && actions;
  const acknowledge = useAcknowledgeAlarm();
  return (
    <>
      {acknowledge.data ? (
        <p role="status">
          Alarm #{acknowledge.data.id} ({acknowledge.data.rule}) acknowledged: the pager stops and it will not
          escalate.
        </p>
      ) : null}
      {acknowledge.error ? <ErrorState error={acknowledge.error} /> : null}
      <div className="table-scroll">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Alarm</th>
              <th scope="col">State</th>
              <th scope="col">Severity</th>
              <th scope="col">What</th>
              <th scope="col">Reading</th>
              <th scope="col">Fired</th>
              <th scope="col">Acknowledged</th>
              {canAcknowledge ? <th scope="col">Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((alarm) => (
              <tr key={alarm.id}>
                <td>
                  #{alarm.id} {alarm.rule}
                  {alarm.subject === '' ? '' : ` (${alarm.subject})`}
                </td>
                <td>
                  <StatusBadge status={alarm.state} />
                </td>
                <td>{alarm.severity}</td>
                <td>{alarm.message}</td>
                <td className="num">
                  {alarm.value} {alarm.condition} {alarm.threshold}
                </td>
                <td>{dateTime(alarm.firedAt)}</td>
                <td>
                  {alarm.acknowledgedAt === null
                    ? '—'
                    : `${dateTime(alarm.acknowledgedAt)} by ${alarm.acknowledgedBy ?? 'unknown'}`}
                </td>
                {canAcknowledge ? (
                  <td>
                    {alarm.state === 'FIRING' ? (
                      <button
                        type="button"
                        disabled={acknowledge.isPending}
                        onClick={() => acknowledge.mutate(alarm.id)}
                      >
                        Acknowledge #{alarm.id}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
