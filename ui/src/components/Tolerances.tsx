// Tolerance rules: everyone reads them; an admin sets the return tolerance of a scope (the API
// records who changed it and when).
import { type FormEvent, useState } from 'react';
import { useSetTolerance, useTolerances } from '../api/operations.ts';
import { useCan } from '../api/session.ts';
import { bps, dateTime } from '../format.ts';
import { Empty, ErrorState, QueryView } from './States.tsx';

export function Tolerances() {
  const rules = useTolerances();
  const isAdmin = useCan('admin');
  const set = useSetTolerance();
  const [draft, setDraft] = useState({
    account: '',
    vendor: '',
    effectiveFrom: '',
    returnBps: '',
    comment: '',
  });
  const field = (name: keyof typeof draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    set.mutate({
      account: draft.account || undefined,
      vendor: draft.vendor || undefined,
      effectiveFrom: draft.effectiveFrom,
      returnBps: Number(draft.returnBps),
      comment: draft.comment || undefined,
    });
  };
  return (
    <section aria-labelledby="tolerances-heading">
      <h2 id="tolerances-heading">Tolerances</h2>
      <QueryView query={rules} what="tolerances">
        {(items) =>
          items.length === 0 ? (
            <Empty>No stored rule: every check uses the vendor configuration’s tolerance.</Empty>
          ) : (
            <div className="table-scroll">
              <table>
                <caption>Stored tolerance rules</caption>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">Vendor</th>
                    <th scope="col">Effective</th>
                    <th scope="col">Return</th>
                    <th scope="col">Changed by</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((rule) => (
                    <tr key={`${rule.accountId}-${rule.vendorCode}-${rule.effectiveFrom}`}>
                      <td>{rule.accountId}</td>
                      <td>{rule.vendorCode}</td>
                      <td>
                        {rule.effectiveFrom} → {rule.effectiveTo ?? 'open'}
                      </td>
                      <td className="num">{bps(rule.returnBps)}</td>
                      <td>
                        {rule.updatedBy}, {dateTime(rule.updatedAt)}
                        {rule.comment ? ` — ${rule.comment}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      {isAdmin ? (
        <form className="filters" onSubmit={submit} aria-label="Set a return tolerance">
          <label>
            Account (empty: any)
            <input {...field('account')} />
          </label>
          <label>
            Vendor (empty: any)
            <input {...field('vendor')} />
          </label>
          <label>
            Effective from
            <input type="date" required {...field('effectiveFrom')} />
          </label>
          <label>
            Return tolerance (bp)
            <input type="number" min="0" step="0.01" required {...field('returnBps')} />
          </label>
          <label>
            Why
            <input {...field('comment')} />
          </label>
          <button type="submit" disabled={set.isPending}>
            Save rule
          </button>
          {set.error ? <ErrorState error={set.error} /> : null}
        </form>
      ) : null}
    </section>
  );
}
