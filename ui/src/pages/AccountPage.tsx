// One account: its cumulative return per vendor over a chosen range, the standard spans, and the
// stored periods of the vendor chosen.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAccount } from '../api/accounts.ts';
import { PeriodTable } from '../components/PeriodTable.tsx';
import { ReturnChart } from '../components/ReturnChart.tsx';
import { SpanTable } from '../components/SpanTable.tsx';
import { Empty, QueryView } from '../components/States.tsx';

export function AccountPage() {
  const accountId = useParams().accountId ?? '';
  const account = useAccount(accountId);
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <>
      <p>
        <Link to="/accounts">← All accounts</Link>
      </p>
      <h1>Account {accountId}</h1>
      <QueryView query={account} what="the account">
        {(item) => {
          if (item === null)
            return <Empty>No account {accountId} is stored. Check the id, or ingest its files.</Empty>;
          const vendors = item.vendors.map((v) => v.vendorCode);
          const vendor = chosen ?? vendors[0] ?? '';
          return (
            <>
              <ReturnChart accountId={accountId} vendors={vendors} />
              <section aria-labelledby="periods-heading">
                <h2 id="periods-heading">Spans and periods</h2>
                <label>
                  Vendor
                  <select value={vendor} onChange={(event) => setChosen(event.target.value)}>
                    {vendors.map((code) => (
                      <option key={code}>{code}</option>
                    ))}
                  </select>
                </label>
                <SpanTable accountId={accountId} vendor={vendor} />
                <PeriodTable accountId={accountId} vendor={vendor} />
              </section>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
