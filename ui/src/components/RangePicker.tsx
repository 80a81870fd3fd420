// The range of a return chart: a standard span ending on the last valuation, or two dates.
import { type FormEvent, useState } from 'react';
import { SPANS } from '../../../src/calculate/spans.ts';
import type { ReturnRange } from '../api/accounts.ts';

export function RangePicker({
  range,
  onChange,
}: {
  range: ReturnRange;
  onChange: (range: ReturnRange) => void;
}) {
  const [from, setFrom] = useState('from' in range ? range.from : '');
  const [to, setTo] = useState('to' in range ? range.to : '');
  const custom = (event: FormEvent) => {
    event.preventDefault();
    onChange({ from, to });
  };
  return (
    <div className="range">
      <fieldset>
        <legend>Span</legend>
        {SPANS.map((span) => (
          <label key={span} className="check">
            <input
              type="radio"
              name="span"
              checked={'span' in range && range.span === span}
              onChange={() => onChange({ span })}
            />
            {span}
          </label>
        ))}
      </fieldset>
      <form onSubmit={custom} aria-label="Custom range">
        <label>
          From
          <input type="date" required value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          To
          <input type="date" required value={to} min={from} onChange={(event) => setTo(event.target.value)} />
        </label>
        <button type="submit">Show range</button>
      </form>
    </div>
  );
}
