// One break: our figure against the vendor's, the explanation, the lineage, the history, and
// the actions the signed-in role may take.
import { Link, useParams } from 'react-router';
import type { BreakDetail } from '../../../src/contracts/breaks.ts';
import type { BreakExplanation } from '../../../src/domain/reconciliation.ts';
import { useBreak } from '../api/breaks.ts';
import { BreakActions } from '../components/BreakActions.tsx';
import { Explanation } from '../components/Explanation.tsx';
import { Lineage } from '../components/Lineage.tsx';
import { QueryView } from '../components/States.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { bps, dateTime, percent } from '../format.ts';

export function BreakPage() {
  const id = Number(useParams().id);
  const query = useBreak(id);
  return (
    <>
      <p>
        <Link to="/breaks">← All breaks</Link>
      </p>
      <QueryView query={query} what={`break #${id}`}>
        {(item) => <BreakBody item={item} />}
      </QueryView>
    </>
  );
}

function BreakBody({ item }: { item: BreakDetail }) {
  return (
    <>
      <h1>
        Break #{item.id} <StatusBadge status={item.status} />
      </h1>
      <p>{item.message}</p>
      <dl className="facts">
        <dt>Account</dt>
        <dd>
          <Link to={`/accounts/${encodeURIComponent(item.accountId)}`}>{item.accountId}</Link>
        </dd>
        <dt>Check</dt>
        <dd>{item.check}</dd>
        <dt>Vendor</dt>
        <dd>{[item.vendorCode, item.counterparty].filter(Boolean).join(' against ')}</dd>
        <dt>Period</dt>
        <dd>
          {item.periodStart} → {item.periodEnd}
        </dd>
        <dt>Ours</dt>
        <dd className="num">{item.varianceBps === null ? (item.expected ?? '—') : percent(item.expected)}</dd>
        <dt>Vendor’s</dt>
        <dd className="num">{item.varianceBps === null ? (item.observed ?? '—') : percent(item.observed)}</dd>
        <dt>Variance</dt>
        <dd className="num">
          {item.varianceBps === null ? (item.varianceAmount ?? '—') : bps(item.varianceBps)}
        </dd>
        <dt>Open for</dt>
        <dd>
          {item.ageDays} days, seen by {item.occurrences} runs
        </dd>
      </dl>
      <BreakActions item={item} />
      <section aria-labelledby="explanation-heading">
        <h2 id="explanation-heading">Explanation</h2>
        {/* The API keeps the explanation as the reconciliation engine wrote it (a BreakExplanation). */}
        <Explanation explanation={item.explanation as BreakExplanation | null} />
      </section>
      <section aria-labelledby="lineage-heading">
        <h2 id="lineage-heading">Lineage</h2>
        <Lineage accountId={item.accountId} periodEnd={item.periodEnd} vendor={item.vendorCode} />
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol className="history">
          {item.history.map((entry) => (
            <li key={`${entry.at}-${entry.action}-${entry.status}`}>
              <time dateTime={entry.at}>{dateTime(entry.at)}</time> {entry.actor}: {entry.action}
              {entry.status ? ` → ${entry.status}` : ''}
              {entry.comment ? ` — “${entry.comment}”` : ''}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
