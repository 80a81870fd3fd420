// An account's stored periods from one vendor: the vendor's return beside ours, and why ours is
// missing where it is.
import { Link } from 'react-router';
import { usePeriods } from '../api/accounts.ts';
import { percent } from '../format.ts';
import { Empty, QueryView } from './States.tsx';

export function PeriodTable({ accountId, vendor }: { accountId: string; vendor: string }) {
  const periods = usePeriods(accountId, vendor);
  return (
    <QueryView query={periods} what="periods">
      {(items) =>
        items.length === 0 ? (
          <Empty>{vendor} has no stored period for this account.</Empty>
        ) : (
          <div className="table-scroll tall">
            <table>
              <caption>Periods from {vendor}, by end date</caption>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col">Begin value</th>
                  <th scope="col">End value</th>
                  <th scope="col">Ours</th>
                  <th scope="col">Vendor’s ({items[0]?.returnBasis})</th>
                  <th scope="col">File</th>
                </tr>
              </thead>
              <tbody>
                {items.map((period) => (
                  <tr key={period.periodEnd}>
                    <td>
                      {period.periodStart} → {period.periodEnd}
                    </td>
                    <td className="num">{period.beginMarketValue}</td>
                    <td className="num">{period.endMarketValue}</td>
                    <td className="num">{period.undefinedReason ?? percent(period.calculatedReturn)}</td>
                    <td className="num">{percent(period.vendorReturn)}</td>
                    <td>
                      <Link to={`/files/${period.fileId}`}>#{period.fileId}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryView>
  );
}
