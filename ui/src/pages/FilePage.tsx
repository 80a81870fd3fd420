// One file: what it is, its processing timeline, its quarantined rows with their locations and
// problems, and its dead letters.
import { Link, useParams } from 'react-router';
import type { FileDetail } from '../../../src/contracts/files.ts';
import { useFile } from '../api/files.ts';
import { Empty, QueryView } from '../components/States.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { bytes, dateTime } from '../format.ts';

export function FilePage() {
  const id = Number(useParams().id);
  return (
    <>
      <p>
        <Link to="/files">← All files</Link>
      </p>
      <QueryView query={useFile(id)} what={`file #${id}`}>
        {(detail) => <FileBody detail={detail} />}
      </QueryView>
    </>
  );
}

function FileBody({ detail }: { detail: FileDetail }) {
  const { file } = detail;
  return (
    <>
      <h1>
        File #{file.id} {file.name} <StatusBadge status={file.status} />
      </h1>
      {file.error ? <p className="state error">{file.error}</p> : null}
      <dl className="facts">
        <dt>Vendor</dt>
        <dd>{file.vendor ?? 'not resolved'}</dd>
        <dt>Configuration</dt>
        <dd>{file.configVersion ?? '—'}</dd>
        <dt>Size</dt>
        <dd>{bytes(file.sizeBytes)}</dd>
        <dt>SHA-256</dt>
        <dd className="hash">{file.sha256}</dd>
        <dt>Rows read / stored / quarantined</dt>
        <dd>
          {file.rowsRead ?? '—'} / {file.rowsStored ?? '—'} / {file.rowsQuarantined ?? '—'}
        </dd>
        <dt>Stored at</dt>
        <dd>{file.storedPath ?? '—'}</dd>
      </dl>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol className="history">
          {detail.timeline.map((entry) => (
            <li key={`${entry.at}-${entry.step}-${entry.status}`}>
              <time dateTime={entry.at}>{dateTime(entry.at)}</time> {entry.step} → {entry.status}
              {entry.attempt > 1 ? ` (attempt ${entry.attempt})` : ''}
              {entry.durationMs === null ? '' : `, ${entry.durationMs} ms`}
              {entry.message ? ` — ${entry.message}` : ''}
              {entry.error ? <span className="error-text"> — {entry.error}</span> : null}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="quarantine-heading">
        <h2 id="quarantine-heading">Quarantined rows</h2>
        {detail.quarantined.length === 0 ? (
          <Empty>No row was quarantined.</Empty>
        ) : (
          <div className="table-scroll">
            <table>
              <caption>Rows set aside, with where they are and what is wrong</caption>
              <thead>
                <tr>
                  <th scope="col">Location</th>
                  <th scope="col">Problems</th>
                  <th scope="col">Row as read</th>
                </tr>
              </thead>
              <tbody>
                {detail.quarantined.map((row) => (
                  <tr key={`${row.location.sheet ?? ''}-${row.location.row ?? row.location.jsonPath}`}>
                    <td>
                      {[
                        row.location.sheet && `sheet ${row.location.sheet}`,
                        row.location.row && `row ${row.location.row}`,
                        row.location.jsonPath,
                      ]
                        .filter(Boolean)
                        .join(', ')}
                    </td>
                    <td>
                      <ul>
                        {row.problems.map((problem) => (
                          <li key={`${problem.column}-${problem.reason}`}>
                            {problem.column ?? problem.field ?? 'row'}
                            {problem.value === undefined ? '' : ` = “${problem.value ?? ''}”`}:{' '}
                            {problem.reason}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="raw">{JSON.stringify(row.raw)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {detail.deadLetters.length > 0 ? (
        <section aria-labelledby="dead-heading">
          <h2 id="dead-heading">Dead letters</h2>
          <ul>
            {detail.deadLetters.map((letter) => (
              <li key={letter.id}>
                #{letter.id} {letter.state}: {letter.error} —{' '}
                <Link to="/operations">replay in Operations</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
