// The dead-letter queue: jobs that failed for good, and (operators) their replay once the cause
// is fixed. A second replay does nothing; the API says so.
import { useState } from 'react';
import { Link } from 'react-router';
import { useDeadLetters, useReplay } from '../api/operations.ts';
import { useCan } from '../api/session.ts';
import { dateTime } from '../format.ts';
import { Empty, ErrorState, QueryView } from './States.tsx';

export function DeadLetters() {
  const [state, setState] = useState<'open' | 'all'>('open');
  const letters = useDeadLetters(state);
  const replay = useReplay();
  const canReplay = useCan('operator');
  return (
    <section aria-labelledby="dlq-heading">
      <h2 id="dlq-heading">Dead letters</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={state === 'all'}
          onChange={(e) => setState(e.target.checked ? 'all' : 'open')}
        />
        Include replayed and resolved
      </label>
      {replay.data ? (
        <p role="status">
          Dead letter #{replay.data.deadLetter} ({replay.data.file}): {replay.data.status}
          {replay.data.jobId ? `, job ${replay.data.jobId}` : ''}
        </p>
      ) : null}
      {replay.error ? <ErrorState error={replay.error} /> : null}
      <QueryView query={letters} what="dead letters">
        {(items) =>
          items.length === 0 ? (
            <Empty>The dead-letter queue is empty: every job finished or is still being retried.</Empty>
          ) : (
            <div className="table-scroll">
              <table>
                <caption>Jobs that failed after every retry</caption>
                <thead>
                  <tr>
                    <th scope="col">Dead letter</th>
                    <th scope="col">File</th>
                    <th scope="col">State</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">When</th>
                    {canReplay ? <th scope="col">Action</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((letter) => (
                    <tr key={letter.id}>
                      <td>#{letter.id}</td>
                      <td>
                        {letter.fileId === null ? (
                          letter.fileName
                        ) : (
                          <Link to={`/files/${letter.fileId}`}>{letter.fileName}</Link>
                        )}
                      </td>
                      <td>{letter.state}</td>
                      <td className="num">{letter.attempts}</td>
                      <td>{letter.error}</td>
                      <td>{dateTime(letter.deadLetteredAt)}</td>
                      {canReplay ? (
                        <td>
                          <button
                            type="button"
                            disabled={letter.state !== 'open' || replay.isPending}
                            onClick={() => replay.mutate(letter.id)}
                          >
                            Replay #{letter.id}
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}
