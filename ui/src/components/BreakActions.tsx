// What an operator may do with a break in its current status. The API decides in the end (a
// four-eyes approval by the resolver is refused there, with the reason shown here).
import { type FormEvent, useState } from 'react';
import type { BreakView } from '../../../src/contracts/breaks.ts';
import { useBreakAction } from '../api/breaks.ts';
import { useCan } from '../api/session.ts';
import { ErrorState } from './States.tsx';

export function BreakActions({ item }: { item: BreakView }) {
  const canAct = useCan('operator');
  const action = useBreakAction(item.id);
  const [comment, setComment] = useState('');
  if (!canAct) return null;
  const open = item.status === 'OPEN';
  const resolvable = open || item.status === 'ACKNOWLEDGED';
  // A resolution that proved wrong (or awaits an approval it should not get) is reopened with why.
  const reopenable = item.status === 'RESOLVED' || item.status === 'PENDING_APPROVAL';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.mutate(
      { action: resolvable ? 'resolve' : 'reopen', comment: comment.trim() },
      { onSuccess: () => setComment('') },
    );
  };
  return (
    <section className="actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {open ? (
        <button
          type="button"
          disabled={action.isPending}
          onClick={() => action.mutate({ action: 'acknowledge' })}
        >
          Acknowledge
        </button>
      ) : null}
      {item.status === 'PENDING_APPROVAL' ? (
        <button
          type="button"
          disabled={action.isPending}
          onClick={() => action.mutate({ action: 'approve' })}
        >
          Approve resolution
        </button>
      ) : null}
      {resolvable || reopenable ? (
        <form onSubmit={submit}>
          <label htmlFor="break-comment">{resolvable ? 'Resolution comment' : 'Why reopen it'}</label>
          <textarea
            id="break-comment"
            required
            rows={3}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
          />
          <button type="submit" disabled={action.isPending || comment.trim() === ''}>
            {resolvable ? 'Resolve' : 'Reopen'}
          </button>
        </form>
      ) : null}
      {!resolvable && !reopenable ? (
        <p>Nothing left to do: the break is {item.status.toLowerCase()}.</p>
      ) : null}
      {action.error ? <ErrorState error={action.error} /> : null}
    </section>
  );
}
