// Cumulative return of an account over a chosen range: one line per vendor that reports it, each
// linked by the API from that vendor's stored periods, and dashed beside it the vendor's own
// reported returns linked the same way. Gaps and warnings are shown, never hidden.
import { useState } from 'react';
import { type ReturnRange, useReturnSeries } from '../api/accounts.ts';
import { percent } from '../format.ts';
import { Chart } from './Chart.tsx';
import { RangePicker } from './RangePicker.tsx';
import { ErrorState, Loading } from './States.tsx';

export function ReturnChart({ accountId, vendors }: { accountId: string; vendors: readonly string[] }) {
  const [range, setRange] = useState<ReturnRange>({ span: 'ITD' });
  const results = useReturnSeries(accountId, vendors, range);
  const failed = results.find((result) => result.error);
  const reports = results.flatMap((result, index) =>
    result.data === undefined ? [] : [{ vendor: vendors[index] ?? '', report: result.data }],
  );
  return (
    <section aria-labelledby="returns-heading">
      <h2 id="returns-heading">Cumulative return</h2>
      <RangePicker range={range} onChange={setRange} />
      {failed ? <ErrorState error={failed.error} retry={() => void failed.refetch()} /> : null}
      {results.some((result) => result.isPending) ? <Loading what="returns" /> : null}
      {reports.length > 0 ? (
        <>
          <Chart
            label={`Cumulative return of ${accountId}: ours from each vendor's periods, and each vendor's as reported (dashed)`}
            option={{
              tooltip: { trigger: 'axis', valueFormatter: (value) => percent(Number(value), 2) },
              legend: {},
              xAxis: { type: 'time' },
              yAxis: { type: 'value', axisLabel: { formatter: (value: number) => percent(value, 1) } },
              // Ours from each vendor's periods (solid), and the vendor's own reported returns
              // linked by the API (dashed): where they part, the break is.
              series: reports.flatMap(({ vendor, report }) => [
                {
                  name: vendor,
                  type: 'line' as const,
                  showSymbol: false,
                  connectNulls: false,
                  data: (report.series ?? []).map((point) => [point.periodEnd, point.cumulativeReturn]),
                },
                {
                  name: `${vendor} as reported`,
                  type: 'line' as const,
                  showSymbol: false,
                  connectNulls: false,
                  lineStyle: { type: 'dashed' as const },
                  data: (report.series ?? []).map((point) => [
                    point.periodEnd,
                    point.vendorCumulativeReturn ?? null,
                  ]),
                },
              ]),
            }}
          />
          <div className="table-scroll">
            <table>
              <caption>Linked return over the range</caption>
              <thead>
                <tr>
                  <th scope="col">Vendor</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Cumulative</th>
                  <th scope="col">As reported</th>
                  <th scope="col">Annualized</th>
                  <th scope="col">Periods</th>
                  <th scope="col">Gaps and warnings</th>
                </tr>
              </thead>
              <tbody>
                {reports.map(({ vendor, report }) => (
                  <tr key={vendor}>
                    <td>{vendor}</td>
                    <td>{report.from}</td>
                    <td>{report.to}</td>
                    <td className="num">{report.undefined_reason ?? percent(report.cumulative_return)}</td>
                    <td className="num">{percent(report.series?.at(-1)?.vendorCumulativeReturn)}</td>
                    <td className="num">{percent(report.annualized_return)}</td>
                    <td className="num">{report.periods}</td>
                    <td>
                      {[...report.gaps.map((gap) => `gap ${gap.from} → ${gap.to}`), ...report.warnings].join(
                        '; ',
                      ) || 'none'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
