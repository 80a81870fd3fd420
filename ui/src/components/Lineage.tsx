// Where the figures of a break came from: the source file, sheet, row and each field's column
// with the value stored from it, linking through to the file.
import { Link } from 'react-router';
import { useLineage } from '../api/accounts.ts';
import { Empty, QueryView } from './States.tsx';

export function Lineage({
  accountId,
  periodEnd,
  vendor,
}: {
  accountId: string;
  periodEnd: string;
  vendor: string;
}) {
  const lineage = useLineage(accountId, periodEnd, vendor);
  return (
    <QueryView query={lineage} what="lineage">
      {(items) =>
        items.length === 0 ? (
          <Empty>No stored figure for this period: the vendor sent none, or its row was quarantined.</Empty>
        ) : (
          items.map((item) => {
            const where = item.sourceLocation;
            return (
              <article key={`${item.vendorCode}-${item.file.id}`} className="lineage">
                <p>
                  From{' '}
                  <Link to={`/files/${item.file.id}`}>
                    file #{item.file.id} {item.file.name}
                  </Link>
                  {where.sheet ? `, sheet ${where.sheet}` : ''}
                  {where.row ? `, row ${where.row}` : ''}
                  {where.jsonPath ? `, ${where.jsonPath}` : ''} — configuration{' '}
                  {item.configuration.version.slice(0, 12)}, calculation {item.calculation.method ?? '—'}{' '}
                  {item.calculation.version ?? ''}
                </p>
                <div className="table-scroll">
                  <table>
                    <caption>
                      {item.vendorCode} figures for {item.periodStart} → {item.periodEnd}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Field</th>
                        <th scope="col">Source column</th>
                        <th scope="col">Value</th>
                      </tr>
                    </thead>
                    <tbody>
                      {Object.entries(item.figures).map(([field, value]) => (
                        <tr key={field}>
                          <td>{field}</td>
                          <td>{item.fieldSources[field] ?? '—'}</td>
                          <td className="num">{value ?? '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </article>
            );
          })
        )
      }
    </QueryView>
  );
}
