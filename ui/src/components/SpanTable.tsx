// The standard spans (MTD … ITD) to the last valuation, as the API links them; annualized only
// where the span is longer than a year (the API leaves it null otherwise).
import { SPANS } from '../../../src/calculate/spans.ts';
import { useSpanReturns } from '../api/accounts.ts';
import { percent } from '../format.ts';

export function SpanTable({ accountId, vendor }: { accountId: string; vendor: string }) {
  const results = useSpanReturns(accountId, vendor, SPANS);
  return (
    <div className="table-scroll">
      <table>
        <caption>Standard spans from {vendor}’s periods</caption>
        <thead>
          <tr>
            <th scope="col">Span</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Cumulative</th>
            <th scope="col">Annualized</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {SPANS.map((span, index) => {
            const result = results[index];
            const report = result?.data;
            return (
              <tr key={span}>
                <th scope="row">{span}</th>
                <td>{report?.from ?? '…'}</td>
                <td>{report?.to ?? '…'}</td>
                <td className="num">
                  {report ? (report.undefined_reason ?? percent(report.cumulative_return)) : '…'}
                </td>
                <td className="num">{report ? percent(report.annualized_return) : '…'}</td>
                <td>
                  {result?.error instanceof Error
                    ? result.error.message
                    : [
                        ...(report?.gaps.map((gap) => `gap ${gap.from} → ${gap.to}`) ?? []),
                        ...(report?.warnings ?? []),
                      ].join('; ')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
