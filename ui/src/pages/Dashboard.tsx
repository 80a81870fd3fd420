// What an on-call engineer opens first: today's files, today's pass rate and its 30-day trend,
// active breaks by vendor and age, the dead-letter queue; refreshed every 30 seconds.
import { Link } from 'react-router';
import { FILE_STATUSES } from '../../../src/domain/file-status.ts';
import {
  LIMITS,
  useActiveBreaks,
  useOpenDeadLetters,
  useRecentRuns,
  useTodaysFiles,
} from '../api/dashboard.ts';
import { Chart } from '../components/Chart.tsx';
import { Empty, QueryView } from '../components/States.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { breaksByVendorAndAge, countBy, passRateByDay } from '../dashboard-figures.ts';
import { percent } from '../format.ts';

const atLeast = (count: number, limit: number) => (count >= limit ? `${limit}+` : String(count));

export default function Dashboard() {
  const now = new Date();
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const files = useTodaysFiles(midnight);
  const runs = useRecentRuns();
  const breaks = useActiveBreaks();
  const deadLetters = useOpenDeadLetters();
  const queries = [files, runs, breaks, deadLetters];
  const updated = Math.max(...queries.map((query) => query.dataUpdatedAt));
  return (
    <>
      <h1>What broke overnight</h1>
      <p className="refreshed" aria-live="polite">
        {updated === 0
          ? 'Loading…'
          : `Last refreshed ${new Date(updated).toLocaleTimeString()}; refreshes every 30 s.`}{' '}
        <button type="button" onClick={() => queries.forEach((query) => void query.refetch())}>
          Refresh now
        </button>
      </p>
      <div className="cards">
        <section className="card" aria-labelledby="files-heading">
          <h2 id="files-heading">Today’s files</h2>
          <QueryView query={files} what="today’s files">
            {(page) => {
              const counts = countBy(page.items, (file) => file.status);
              return page.items.length === 0 ? (
                <Empty>No file arrived today yet.</Empty>
              ) : (
                <ul className="tally">
                  {FILE_STATUSES.filter((status) => counts.has(status)).map((status) => (
                    <li key={status}>
                      <Link to="/files">
                        <StatusBadge status={status} /> {atLeast(counts.get(status) ?? 0, LIMITS.files)}
                      </Link>
                    </li>
                  ))}
                </ul>
              );
            }}
          </QueryView>
        </section>
        <section className="card" aria-labelledby="dlq-card-heading">
          <h2 id="dlq-card-heading">Dead letters</h2>
          <QueryView query={deadLetters} what="dead letters">
            {(items) => (
              <p className="big">
                <Link to="/operations">{atLeast(items.length, LIMITS.deadLetters)} open</Link>
              </p>
            )}
          </QueryView>
        </section>
        <section className="card wide" aria-labelledby="rate-heading">
          <h2 id="rate-heading">Reconciliation pass rate</h2>
          <QueryView query={runs} what="reconciliation runs">
            {(items) => {
              const trend = passRateByDay(items, now, 30);
              const today = trend.at(-1)?.rate ?? null;
              return (
                <>
                  <p className="big">Today: {today === null ? 'no checks run yet' : percent(today, 2)}</p>
                  <Chart
                    label="Pass rate per day over the last 30 days"
                    height={200}
                    option={{
                      tooltip: { trigger: 'axis', valueFormatter: (value) => percent(Number(value), 2) },
                      xAxis: { type: 'category', data: trend.map((point) => point.day.slice(5)) },
                      yAxis: {
                        type: 'value',
                        max: 1,
                        axisLabel: { formatter: (value: number) => percent(value, 0) },
                      },
                      series: [
                        {
                          name: 'pass rate',
                          type: 'line',
                          connectNulls: false,
                          data: trend.map((p) => p.rate),
                        },
                      ],
                    }}
                  />
                </>
              );
            }}
          </QueryView>
        </section>
        <section className="card wide" aria-labelledby="open-heading">
          <h2 id="open-heading">Active breaks by vendor and age</h2>
          <QueryView query={breaks} what="breaks">
            {(items) => {
              if (items.length === 0) return <Empty>No active break. Nothing to chase.</Empty>;
              const grid = breaksByVendorAndAge(items);
              return (
                <div className="table-scroll">
                  <table>
                    <caption>{atLeast(items.length, LIMITS.breaks)} active breaks</caption>
                    <thead>
                      <tr>
                        <th scope="col">Vendor</th>
                        {grid.buckets.map((bucket) => (
                          <th key={bucket} scope="col">
                            {bucket}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {grid.vendors.map((vendor) => (
                        <tr key={vendor}>
                          <th scope="row">
                            <Link to="/breaks">{vendor}</Link>
                          </th>
                          {grid.buckets.map((bucket) => (
                            <td key={bucket} className="num">
                              {grid.count(vendor, bucket)}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              );
            }}
          </QueryView>
        </section>
      </div>
    </>
  );
}
