// One file: what it is, its processing timeline, its quarantined rows with their locations and
// problems, its warnings (every one, a page at a time) and its dead letters.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { FileDetail } from '../../../src/contracts/files.ts';
import { useFile, useFileWarnings } from '../api/files.ts';
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
                    <td>{place(row.location)}</td>
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
      <Warnings fileId={file.id} count={detail.warningCount} first={detail.warnings} />
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

/** Where in the file: sheet, row, column or JSON path, as far as known. */
function place(location: NonNullable<FileDetail['warnings'][number]['location']>): string {
  return [
    location.sheet && `sheet ${location.sheet}`,
    location.row && `row ${location.row}`,
    location.column && `column ${location.column}`,
    location.jsonPath,
  ]
    .filter(Boolean)
    .join(', ');
}

function Warnings({
  fileId,
  count,
  first,
}: {
  fileId: number;
  count: number;
  first: FileDetail['warnings'];
}) {
  const [more, setMore] = useState(false);
  const pages = useFileWarnings(fileId, first.at(-1)?.seq ?? 0, more);
  const shown = [...first, ...(pages.data?.pages.flatMap((page) => page.items) ?? [])];
  const hasMore = more ? pages.hasNextPage : count > first.length;
  return (
    <section aria-labelledby="warnings-heading">
      <h2 id="warnings-heading">Warnings</h2>
      {count === 0 ? (
        <Empty>No warning: every value was taken as the file gave it.</Empty>
      ) : (
        <>
          <p>
            {shown.length.toLocaleString('en-US')} of {count.toLocaleString('en-US')} shown, in the order
            found.
          </p>
          <ul className="warnings">
            {shown.map((warning) => (
              <li key={warning.seq}>
                {warning.location === null ? 'whole file' : place(warning.location)}: {warning.message}
              </li>
            ))}
          </ul>
          {pages.error ? (
            <p className="state error">Could not load more warnings: {String(pages.error)}</p>
          ) : null}
          {hasMore ? (
            <button
              type="button"
              disabled={pages.isFetching}
              onClick={() => (more ? void pages.fetchNextPage() : setMore(true))}
            >
              {pages.isFetching ? 'Loading…' : 'Show more warnings'}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
