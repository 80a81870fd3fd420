// What an on-call engineer opens first: today's files, today's pass rate and its 30-day trend,
// active breaks by vendor and age, the dead-letter queue, firing alarms and the latest alerts;
// refreshed every 30 seconds. Every count is the API's (GET /api/v1/dashboard).
import { Link } from 'react-router';
import type { Dashboard as DashboardCounts } from '../../../src/contracts/dashboard.ts';
import { FILE_STATUSES } from '../../../src/domain/file-status.ts';
import { AGE_BUCKETS } from '../../../src/reconcile/break-workflow.ts';
import { REFRESH_MS, useDashboard } from '../api/dashboard.ts';
import { useAlarms } from '../api/monitoring.ts';
import { AlarmTable } from '../components/AlarmTable.tsx';
import { Chart } from '../components/Chart.tsx';
import { Empty, QueryView } from '../components/States.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { percent } from '../format.ts';

export function Dashboard() {
  const now = new Date();
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const counts = useDashboard(midnight);
  const alerts = useAlarms(['FIRING', 'ACKNOWLEDGED', 'RESOLVED'], 5);
  const updated = Math.max(counts.dataUpdatedAt, alerts.dataUpdatedAt);
  return (
    <>
      <h1>What broke overnight</h1>
      <p className="refreshed" aria-live="polite">
        {updated === 0
          ? 'Loading…'
          : `Last refreshed ${new Date(updated).toLocaleTimeString()}; refreshes every ${REFRESH_MS / 1000} s.`}{' '}
        <button
          type="button"
          onClick={() => {
            void counts.refetch();
            void alerts.refetch();
          }}
        >
          Refresh now
        </button>
      </p>
      <QueryView query={counts} what="the dashboard">
        {(data) => <Cards data={data} />}
      </QueryView>
      <section className="card wide" aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Recent alerts</h2>
        <QueryView query={alerts} what="recent alerts">
          {(items) =>
            items.length === 0 ? (
              <Empty>No alarm has fired yet: every alarm rule is within its threshold.</Empty>
            ) : (
              <>
                <AlarmTable items={items} caption="The latest alarm episodes, newest first" />
                <p>
                  <Link to="/alarms">All alarms</Link>
                </p>
              </>
            )
          }
        </QueryView>
      </section>
    </>
  );
}

function Cards({ data }: { data: DashboardCounts }) {
  const today = data.passRate.at(-1)?.rate ?? null;
  const vendors = [...new Set(data.breaks.byVendorAndAge.map((cell) => cell.vendor))];
  const count = (vendor: string, bucket: string) =>
    data.breaks.byVendorAndAge.find((cell) => cell.vendor === vendor && cell.ageBucket === bucket)?.count ??
    0;
  const files = new Map(data.files.map((row) => [row.status, row.count]));
  return (
    <div className="cards">
      <section className="card" aria-labelledby="files-heading">
        <h2 id="files-heading">Today’s files</h2>
        {data.files.length === 0 ? (
          <Empty>No file arrived today yet.</Empty>
        ) : (
          <ul className="tally">
            {FILE_STATUSES.filter((status) => files.has(status)).map((status) => (
              <li key={status}>
                <Link to="/files">
                  <StatusBadge status={status} /> {files.get(status)}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="dlq-card-heading">
        <h2 id="dlq-card-heading">Dead letters</h2>
        <p className="big">
          <Link to="/operations">{data.deadLetters.open} open</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="alarms-card-heading">
        <h2 id="alarms-card-heading">Alarms</h2>
        <p className="big">
          <Link to="/alarms">{data.alarms.firing} firing</Link>
        </p>
        <p>{data.alarms.acknowledged} acknowledged (someone is on it)</p>
      </section>
      <section className="card wide" aria-labelledby="rate-heading">
        <h2 id="rate-heading">Reconciliation pass rate</h2>
        <p className="big">Today: {today === null ? 'no checks run yet' : percent(today, 2)}</p>
        <Chart
          label={`Pass rate per day over the last ${data.passRate.length} days`}
          height={200}
          option={{
            tooltip: { trigger: 'axis', valueFormatter: (value) => percent(Number(value), 2) },
            xAxis: { type: 'category', data: data.passRate.map((point) => point.day.slice(5)) },
            yAxis: { type: 'value', max: 1, axisLabel: { formatter: (value: number) => percent(value, 0) } },
            series: [
              {
                name: 'pass rate',
                type: 'line',
                connectNulls: false,
                data: data.passRate.map((point) => point.rate),
              },
            ],
          }}
        />
      </section>
      <section className="card wide" aria-labelledby="open-heading">
        <h2 id="open-heading">Active breaks by vendor and age</h2>
        {data.breaks.active === 0 ? (
          <Empty>No active break. Nothing to chase.</Empty>
        ) : (
          <div className="table-scroll">
            <table>
              <caption>{data.breaks.active} active breaks</caption>
              <thead>
                <tr>
                  <th scope="col">Vendor</th>
                  {AGE_BUCKETS.map((bucket) => (
                    <th key={bucket} scope="col">
                      {bucket}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {vendors.map((vendor) => (
                  <tr key={vendor}>
                    <th scope="row">
                      <Link to="/breaks">{vendor}</Link>
                    </th>
                    {AGE_BUCKETS.map((bucket) => (
                      <td key={bucket} className="num">
                        {count(vendor, bucket)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
