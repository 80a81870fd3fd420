// Upload by drag and drop (or the file picker, for keyboards and phones): the bytes' progress,
// then the file's status as the pipeline takes it, until it is terminal.
import { type DragEvent, useState } from 'react';
import { Link } from 'react-router';
import { type UploadProgress, uploadFile, uploadSettled, useUploadStatus } from '../api/upload.ts';
import { bytes } from '../format.ts';
import { ErrorState } from './States.tsx';
import { StatusBadge } from './StatusBadge.tsx';

export function UploadDropzone({ vendors }: { vendors: readonly string[] }) {
  const [vendor, setVendor] = useState('');
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<(UploadProgress & { name: string }) | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const status = useUploadStatus(jobId);

  function start(file: File | undefined) {
    if (file === undefined) return;
    setError(null);
    setJobId(null);
    setProgress({ name: file.name, loaded: 0, total: file.size });
    uploadFile(file, vendor, (p) => setProgress({ name: file.name, ...p }))
      .then((accepted) => setJobId(accepted.jobId))
      .catch(setError);
  }
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    start(event.dataTransfer.files[0]);
  };
  const file = status.data?.file ?? null;

  return (
    <section className="upload" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a file</h2>
      <label>
        Vendor
        <select value={vendor} onChange={(event) => setVendor(event.target.value)}>
          <option value="">by file name</option>
          {vendors.map((code) => (
            <option key={code}>{code}</option>
          ))}
        </select>
      </label>
      <label
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        Drop a performance file here, or choose one
        <input type="file" onChange={(event) => start(event.target.files?.[0])} />
      </label>
      {progress === null ? null : (
        <div aria-live="polite">
          <label>
            Uploading {progress.name}: {bytes(progress.loaded)} of {bytes(progress.total)}
            <progress max={progress.total} value={progress.loaded} />
          </label>
          {jobId !== null && !uploadSettled(status.data) ? (
            <p>
              Received; the pipeline is taking it in (job {status.data?.job ?? 'queued'}
              {file ? `, file ${file.status.toLowerCase()}` : ''})…
            </p>
          ) : null}
          {file !== null && uploadSettled(status.data) ? (
            <p>
              <Link to={`/files/${file.id}`}>File #{file.id}</Link> <StatusBadge status={file.status} />
              {file.rowsStored === null ? '' : ` ${file.rowsStored} rows stored`}
              {file.rowsQuarantined ? `, ${file.rowsQuarantined} quarantined` : ''}
              {file.error ? ` — ${file.error}` : ''}
            </p>
          ) : null}
        </div>
      )}
      {error === null ? null : <ErrorState error={error} />}
      {status.error ? <ErrorState error={status.error} /> : null}
    </section>
  );
}
