// Accounts, searchable by part of the id, with the vendors that report each.
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useAccounts } from '../api/accounts.ts';
import { Empty, QueryView } from '../components/States.tsx';

export function Accounts() {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const query = useAccounts(search, cursors.at(-1));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch(typed.trim());
    setCursors([]);
  };
  return (
    <>
      <h1>Accounts</h1>
      <form className="filters" aria-label="Search accounts" onSubmit={submit}>
        <label>
          Account id contains
          <input type="search" value={typed} onChange={(event) => setTyped(event.target.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <QueryView query={query} what="accounts">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              No account matches “{search}”. Try part of the id, or ingest the account’s files first.
            </Empty>
          ) : (
            <>
              <div className="table-scroll">
                <table>
                  <caption>Accounts</caption>
                  <thead>
                    <tr>
                      <th scope="col">Account</th>
                      <th scope="col">Currency</th>
                      <th scope="col">Reported by</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((account) => (
                      <tr key={account.accountId}>
                        <td>
                          <Link to={`/accounts/${encodeURIComponent(account.accountId)}`}>
                            {account.accountId}
                          </Link>
                        </td>
                        <td>{account.currency}</td>
                        <td>
                          {account.vendors
                            .map(
                              (v) => `${v.vendorCode} (${v.firstDate} → ${v.lastDate}, ${v.periods} periods)`,
                            )
                            .join('; ')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav className="pager" aria-label="Pages of accounts">
                <button
                  type="button"
                  disabled={cursors.length === 0}
                  onClick={() => setCursors((c) => c.slice(0, -1))}
                >
                  Previous page
                </button>
                <button
                  type="button"
                  disabled={page.nextCursor === null}
                  onClick={() =>
                    page.nextCursor !== null && setCursors((c) => [...c, page.nextCursor as string])
                  }
                >
                  Next page
                </button>
              </nav>
            </>
          )
        }
      </QueryView>
    </>
  );
}
