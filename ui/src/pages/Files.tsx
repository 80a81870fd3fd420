// Files taken in, newest first, by status and vendor; operators upload here.
import { useState } from 'react';
import { Link } from 'react-router';
import { FILE_STATUSES } from '../../../src/domain/file-status.ts';
import { useFiles } from '../api/files.ts';
import { useVendors } from '../api/operations.ts';
import { useCan } from '../api/session.ts';
import { Empty, QueryView } from '../components/States.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { UploadDropzone } from '../components/UploadDropzone.tsx';
import { bytes, dateTime } from '../format.ts';

export function Files() {
  const [status, setStatus] = useState('');
  const [vendor, setVendor] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const files = useFiles({ status, vendor, cursor: cursors.at(-1) });
  const vendors = useVendors().data?.map((v) => v.code) ?? [];
  const canUpload = useCan('operator');
  return (
    <>
      <h1>Files</h1>
      {canUpload ? <UploadDropzone vendors={vendors} /> : null}
      <div className="filters">
        <label>
          Status
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value);
              setCursors([]);
            }}
          >
            <option value="">any</option>
            {FILE_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Vendor
          <select
            value={vendor}
            onChange={(event) => {
              setVendor(event.target.value);
              setCursors([]);
            }}
          >
            <option value="">any</option>
            {vendors.map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
        </label>
      </div>
      <QueryView query={files} what="files">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              No file matches. Clear the filters, or upload one (operators) or drop it in the landing inbox.
            </Empty>
          ) : (
            <>
              <div className="table-scroll">
                <table>
                  <caption>Files, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">File</th>
                      <th scope="col">Status</th>
                      <th scope="col">Vendor</th>
                      <th scope="col">Received</th>
                      <th scope="col">Size</th>
                      <th scope="col">Rows stored / quarantined</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((file) => (
                      <tr key={file.id}>
                        <td>
                          <Link to={`/files/${file.id}`}>
                            #{file.id} {file.name}
                          </Link>
                        </td>
                        <td>
                          <StatusBadge status={file.status} />
                        </td>
                        <td>{file.vendor ?? '—'}</td>
                        <td>{dateTime(file.receivedAt)}</td>
                        <td className="num">{bytes(file.sizeBytes)}</td>
                        <td className="num">
                          {file.rowsStored ?? '—'} / {file.rowsQuarantined ?? '—'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav className="pager" aria-label="Pages of files">
                <button
                  type="button"
                  disabled={cursors.length === 0}
                  onClick={() => setCursors((c) => c.slice(0, -1))}
                >
                  Newer
                </button>
                <button
                  type="button"
                  disabled={page.nextCursor === null}
                  onClick={() =>
                    page.nextCursor !== null && setCursors((c) => [...c, page.nextCursor as string])
                  }
                >
                  Older
                </button>
              </nav>
            </>
          )
        }
      </QueryView>
    </>
  );
}
