// An upload shows the bytes sent as they go, then the file's status as the pipeline takes it,
// until the file is terminal.
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UploadStatus } from '../../src/contracts/api.ts';
import type { FileItem } from '../../src/contracts/files.ts';
import { UploadDropzone } from '../../ui/src/components/UploadDropzone.tsx';
import { renderPage, signedIn, stubApi } from './support.tsx';

/** An XMLHttpRequest whose progress and answer the test drives. */
class FakeUpload {
  static last: FakeUpload | undefined;
  url = '';
  headers: Record<string, string> = {};
  status = 0;
  responseText = '';
  upload: { onprogress: ((event: { loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader() {
    return null;
  }
  send() {
    FakeUpload.last = this;
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

const file = (status: FileItem['status']): FileItem => ({
  id: 7,
  name: 'custa_perf_20250430.csv',
  status,
  sha256: 'ab'.repeat(32),
  vendor: 'vendor-a',
  configVersion: 'c1e4dde4b1889a12',
  sizeBytes: 2048,
  receivedAt: '2025-05-01T06:00:00.000Z',
  statusChangedAt: '2025-05-01T06:00:01.000Z',
  rowsRead: status === 'SUCCEEDED' ? 120 : null,
  rowsStored: status === 'SUCCEEDED' ? 120 : null,
  rowsQuarantined: status === 'SUCCEEDED' ? 0 : null,
  storedPath: null,
  error: null,
});

describe('upload progress', () => {
  let statuses: UploadStatus[];
  let api: ReturnType<typeof stubApi>;
  beforeEach(() => {
    signedIn('operator');
    vi.stubGlobal('XMLHttpRequest', FakeUpload);
    statuses = [
      { jobId: 'job-1', job: 'active', file: file('PROCESSING') },
      { jobId: 'job-1', job: 'completed', file: file('SUCCEEDED') },
    ];
    // Each poll gets the next status; the last one holds.
    api = stubApi(() => (statuses.length > 1 ? statuses.shift() : statuses[0]));
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows bytes sent, then follows the file until it is terminal', async () => {
    renderPage(<UploadDropzone vendors={['vendor-a']} />);
    const dropped = new File(['x'.repeat(2048)], 'custa_perf_20250430.csv', { type: 'text/csv' });
    fireEvent.drop(screen.getByText(/Drop a performance file here/), { dataTransfer: { files: [dropped] } });

    const progress = screen.getByRole('progressbar');
    expect(progress.getAttribute('value')).toBe('0');
    expect(FakeUpload.last?.url).toBe('/api/v1/files');
    expect(FakeUpload.last?.headers.authorization).toBe('Bearer test-token');

    FakeUpload.last?.upload.onprogress?.({ loaded: 1024, total: 2048 });
    expect(await screen.findByText(/1\.0 KB of 2\.0 KB/)).toBeDefined();
    expect(screen.getByRole('progressbar').getAttribute('value')).toBe('1024');

    FakeUpload.last?.upload.onprogress?.({ loaded: 2048, total: 2048 });
    FakeUpload.last?.answer(202, {
      jobId: 'job-1',
      sha256: 'ab'.repeat(32),
      sizeBytes: 2048,
      originalName: dropped.name,
      storedName: dropped.name,
      statusUrl: '/api/v1/uploads/job-1',
    });
    expect(
      await screen.findByText(/the pipeline is taking it in \(job active, file processing\)/),
    ).toBeDefined();
    expect(await screen.findByRole('link', { name: 'File #7' }, { timeout: 5000 })).toBeDefined();
    expect(screen.getByText('SUCCEEDED')).toBeDefined();
    expect(screen.getByText(/120 rows stored/)).toBeDefined();
    expect(api.asked.every((url) => url.pathname === '/api/v1/uploads/job-1')).toBe(true);
  });

  it('sends the vendor chosen and shows the refusal with what to do', async () => {
    renderPage(<UploadDropzone vendors={['vendor-a']} />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Vendor' }), { target: { value: 'vendor-a' } });
    const input = screen.getByLabelText(/Drop a performance file here/);
    fireEvent.change(input, { target: { files: [new File(['x'], 'notes.txt')] } });
    expect(FakeUpload.last?.url).toBe('/api/v1/files?vendor=vendor-a');
    FakeUpload.last?.answer(415, {
      message: 'the file is not CSV, Excel or JSON',
      hint: 'send a performance file',
    });
    expect(await screen.findByRole('alert')).toBeDefined();
    expect(screen.getByText('the file is not CSV, Excel or JSON')).toBeDefined();
    expect(screen.getByText('send a performance file')).toBeDefined();
  });
});
