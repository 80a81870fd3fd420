// The break list's filters: statuses and vendor apply at once; the account on Enter or "Apply".
import { type FormEvent, useState } from 'react';
import { BREAK_STATUSES, type BreakStatus } from '../../../src/domain/reconciliation.ts';
import type { BreakFilter } from '../api/breaks.ts';

interface Props {
  filter: BreakFilter;
  vendors: readonly string[];
  onChange: (change: Partial<BreakFilter>) => void;
}

export function BreakFilters({ filter, vendors, onChange }: Props) {
  const [account, setAccount] = useState(filter.account);
  const toggle = (status: BreakStatus, on: boolean) =>
    onChange({ statuses: on ? [...filter.statuses, status] : filter.statuses.filter((s) => s !== status) });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onChange({ account: account.trim() });
  };
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter breaks">
      <fieldset>
        <legend>Status</legend>
        {BREAK_STATUSES.map((status) => (
          <label key={status} className="check">
            <input
              type="checkbox"
              checked={filter.statuses.includes(status)}
              onChange={(event) => toggle(status, event.target.checked)}
            />
            {status.replaceAll('_', ' ').toLowerCase()}
          </label>
        ))}
      </fieldset>
      <label>
        Vendor
        <select value={filter.vendor} onChange={(event) => onChange({ vendor: event.target.value })}>
          <option value="">any</option>
          {vendors.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </select>
      </label>
      <label>
        Account
        <input type="search" value={account} onChange={(event) => setAccount(event.target.value)} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
