// Alarms: the active ones (firing, or acknowledged while someone is on it) or every episode, and
// acknowledging a firing one (operators). The alarm rules and their thresholds are configuration.
import { useState } from 'react';
import type { AlarmState } from '../../../src/domain/alarm.ts';
import { useAlarms } from '../api/monitoring.ts';
import { AlarmTable } from '../components/AlarmTable.tsx';
import { Empty, QueryView } from '../components/States.tsx';

const ACTIVE: AlarmState[] = ['FIRING', 'ACKNOWLEDGED'];
const ALL: AlarmState[] = [...ACTIVE, 'RESOLVED'];

export function Alarms() {
  const [all, setAll] = useState(false);
  const alarms = useAlarms(all ? ALL : ACTIVE, 200);
  return (
    <>
      <h1>Alarms</h1>
      <p>
        An alarm fires when a monitored figure (processing time, error rate, memory, dead letters, queue wait,
        a vendor’s CPU or bytes today) crosses its rule’s threshold, alerts its channels, and escalates unless
        acknowledged.
      </p>
      <label className="check">
        <input type="checkbox" checked={all} onChange={(event) => setAll(event.target.checked)} />
        Include resolved alarms
      </label>
      <QueryView query={alarms} what="alarms">
        {(items) =>
          items.length === 0 ? (
            <Empty>
              {all
                ? 'No alarm has ever fired: every rule has stayed within its threshold.'
                : 'No alarm is active. Tick “Include resolved alarms” to see past ones.'}
            </Empty>
          ) : (
            <AlarmTable
              items={items}
              caption={all ? 'Every alarm, newest first' : 'Active alarms, newest first'}
              actions
            />
          )
        }
      </QueryView>
    </>
  );
}
