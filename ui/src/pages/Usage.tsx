// Use and cost per vendor and day, drawn where a trend reads better than a table: rows stored
// (throughput), mean processing time per job, the share of rows quarantined, CPU per vendor;
// then the figures themselves, the database's size by table and the right-sizing hint. All from
// GET /api/v1/usage: the API keeps no history of the gauges at /metrics (queue depth, cache hit
// ratio, memory), so those are not drawn over time here.
import { type FormEvent, useState } from 'react';
import type { UsageReport } from '../../../src/contracts/usage.ts';
import { useUsage } from '../api/monitoring.ts';
import { Chart } from '../components/Chart.tsx';
import { Empty, QueryView } from '../components/States.tsx';
import { bytes, localIsoDate, percent } from '../format.ts';

const DAY_MS = 86_400_000;

function lastWeek() {
  const today = new Date();
  return { from: localIsoDate(new Date(today.getTime() - 6 * DAY_MS)), to: localIsoDate(today) };
}

export function Usage() {
  const [range, setRange] = useState(lastWeek);
  const [draft, setDraft] = useState(range);
  const usage = useUsage(range);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setRange(draft);
  };
  return (
    <>
      <h1>Usage and metrics</h1>
      <form className="filters" onSubmit={apply} aria-label="Period">
        <label>
          From
          <input
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          To
          <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit">Show</button>
      </form>
      <QueryView query={usage} what="usage">
        {(report) => <UsageBody report={report} />}
      </QueryView>
    </>
  );
}

function UsageBody({ report }: { report: UsageReport }) {
  const days: string[] = [];
  for (let t = Date.parse(report.from); t <= Date.parse(report.to); t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  const vendors = [...new Set(report.days.map((row) => row.vendor))];
  const perDay = (pick: (rows: UsageReport['days']) => number | null) =>
    days.map((day) => pick(report.days.filter((row) => row.day === day)));
  const sum = (rows: UsageReport['days'], field: 'rowsRead' | 'rowsQuarantined' | 'jobs' | 'wallSeconds') =>
    rows.reduce((total, row) => total + row[field], 0);
  const xAxis = { type: 'category' as const, data: days.map((day) => day.slice(5)) };
  const vendorName = (vendor: string) => (vendor === '' ? 'vendor unknown' : vendor);
  return (
    <>
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">
          {report.from} to {report.to} (UTC days)
        </h2>
        <dl className="facts">
          <dt>Files</dt>
          <dd>{report.totals.files}</dd>
          <dt>Rows stored</dt>
          <dd>{report.totals.rowsStored}</dd>
          <dt>Bytes received</dt>
          <dd>{bytes(report.totals.bytesReceived)}</dd>
          <dt>Job CPU / wall time</dt>
          <dd>
            {report.totals.cpuSeconds.toFixed(1)} s / {report.totals.wallSeconds.toFixed(1)} s
          </dd>
          <dt>Database</dt>
          <dd>{bytes(report.database.bytes)}</dd>
          <dt>Workers</dt>
          <dd>
            {report.rightSizing.workers} ran jobs
            {report.rightSizing.busyShare === null
              ? ''
              : `, busy ${percent(report.rightSizing.busyShare, 0)}`}
            {report.rightSizing.meanWaitSeconds === null
              ? ''
              : `, a job waited ${report.rightSizing.meanWaitSeconds.toFixed(1)} s on average`}
          </dd>
        </dl>
        <p className="summary">Right-sizing: {report.rightSizing.hint}</p>
      </section>
      {report.days.length === 0 ? (
        <Empty>
          No file arrived and no job ran in this period. Choose an earlier period, or upload a file on the
          Files page.
        </Empty>
      ) : (
        <>
          <div className="cards">
            <section className="card wide" aria-labelledby="throughput-heading">
              <h2 id="throughput-heading">Throughput: rows stored per day</h2>
              <Chart
                label="Rows stored per day, stacked by vendor"
                height={220}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0 },
                  xAxis,
                  yAxis: { type: 'value' },
                  series: vendors.map((vendor) => ({
                    name: vendorName(vendor),
                    type: 'bar',
                    stack: 'rows',
                    data: days.map(
                      (day) =>
                        report.days.find((row) => row.day === day && row.vendor === vendor)?.rowsStored ?? 0,
                    ),
                  })),
                }}
              />
            </section>
            <section className="card wide" aria-labelledby="time-heading">
              <h2 id="time-heading">Processing time and error rate</h2>
              <Chart
                label="Mean wall time per job in seconds, and share of rows quarantined, per day"
                height={220}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0 },
                  xAxis,
                  yAxis: [
                    { type: 'value', name: 's per job' },
                    {
                      type: 'value',
                      name: 'quarantined',
                      axisLabel: { formatter: (v: number) => percent(v, 1) },
                    },
                  ],
                  grid: { top: 40, bottom: 30, left: 60, right: 70 },
                  series: [
                    {
                      name: 'mean processing time (s)',
                      type: 'line',
                      connectNulls: false,
                      data: perDay((rows) =>
                        sum(rows, 'jobs') === 0 ? null : sum(rows, 'wallSeconds') / sum(rows, 'jobs'),
                      ),
                    },
                    {
                      name: 'rows quarantined',
                      type: 'line',
                      yAxisIndex: 1,
                      connectNulls: false,
                      data: perDay((rows) =>
                        sum(rows, 'rowsRead') === 0
                          ? null
                          : sum(rows, 'rowsQuarantined') / sum(rows, 'rowsRead'),
                      ),
                    },
                  ],
                }}
              />
            </section>
          </div>
          <div className="table-scroll">
            <table>
              <caption>Use per day and vendor</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Files</th>
                  <th scope="col">Rows read / stored / quarantined</th>
                  <th scope="col">Bytes received</th>
                  <th scope="col">Jobs</th>
                  <th scope="col">CPU s</th>
                  <th scope="col">Wall s</th>
                </tr>
              </thead>
              <tbody>
                {report.days.map((row) => (
                  <tr key={`${row.day}|${row.vendor}`}>
                    <td>{row.day}</td>
                    <td>{vendorName(row.vendor)}</td>
                    <td className="num">{row.files}</td>
                    <td className="num">
                      {row.rowsRead} / {row.rowsStored} / {row.rowsQuarantined}
                    </td>
                    <td className="num">{bytes(row.bytesReceived)}</td>
                    <td className="num">{row.jobs}</td>
                    <td className="num">{row.cpuSeconds.toFixed(2)}</td>
                    <td className="num">{row.wallSeconds.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="table-scroll">
        <table>
          <caption>The database’s largest tables (with indexes)</caption>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Size</th>
              <th scope="col">Rows (estimate)</th>
            </tr>
          </thead>
          <tbody>
            {report.database.tables.slice(0, 10).map((table) => (
              <tr key={table.table}>
                <td>{table.table}</td>
                <td className="num">{bytes(table.bytes)}</td>
                <td className="num">{table.rows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
