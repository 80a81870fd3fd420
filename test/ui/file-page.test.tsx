// A file's page shows its first warnings with their locations and pages through the rest on
// request (a file can hold hundreds of thousands); a file without warnings says so.
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileDetail, FileWarningItem } from '../../src/contracts/files.ts';
import { FilePage } from '../../ui/src/pages/FilePage.tsx';
import { renderPage, signedIn, stubApi } from './support.tsx';

const warning = (seq: number): FileWarningItem => ({
  seq,
  location: { file: 'big.csv', row: seq + 1, column: 'Fees' },
  message: `fees empty, taken as 0 (${seq})`,
});

function detail(warningCount: number, first: number): FileDetail {
  return {
    file: {
      id: 7,
      name: 'big.csv',
      sha256: 'a'.repeat(64),
      sizeBytes: 1000,
      vendor: 'canonical',
      configVersion: 'abc',
      status: 'SUCCEEDED',
      receivedAt: '2025-03-10T08:00:00.000Z',
      statusChangedAt: '2025-03-10T08:01:00.000Z',
      rowsRead: 5,
      rowsStored: 5,
      rowsQuarantined: 0,
      storedPath: null,
      error: null,
    },
    timeline: [],
    quarantined: [],
    warningCount,
    warnings: [
      { seq: 1, location: null, message: 'the file repeats a header row' },
      ...Array.from({ length: first - 1 }, (_, i) => warning(i + 2)),
    ],
    deadLetters: [],
  };
}

const open = () => renderPage(<FilePage />, { url: '/files/7', route: '/files/:id' });

describe('file page: warnings', () => {
  beforeEach(() => signedIn('viewer'));
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows the first warnings and pages through the rest on request', async () => {
    const api = stubApi((url) => {
      if (url.pathname === '/api/v1/files/7') return detail(5, 3);
      const after = Number(url.searchParams.get('cursor'));
      const items = [warning(after + 1)];
      return { items, nextCursor: after + 1 < 5 ? String(after + 1) : null };
    });
    open();
    const section = (await screen.findByRole('heading', { name: 'Warnings' })).closest(
      'section',
    ) as HTMLElement;
    expect(within(section).getByText('3 of 5 shown, in the order found.')).toBeTruthy();
    expect(within(section).getByText('whole file: the file repeats a header row')).toBeTruthy();
    expect(within(section).getByText('row 3, column Fees: fees empty, taken as 0 (2)')).toBeTruthy();
    // Nothing more is asked until the reader wants it.
    expect(api.last('/api/v1/files/7/warnings')).toBeUndefined();

    fireEvent.click(within(section).getByRole('button', { name: 'Show more warnings' }));
    expect(await within(section).findByText('4 of 5 shown, in the order found.')).toBeTruthy();
    expect(api.last('/api/v1/files/7/warnings')?.searchParams.get('cursor')).toBe('3');
    fireEvent.click(within(section).getByRole('button', { name: 'Show more warnings' }));
    expect(await within(section).findByText('5 of 5 shown, in the order found.')).toBeTruthy();
    expect(api.last('/api/v1/files/7/warnings')?.searchParams.get('cursor')).toBe('4');
    expect(within(section).getByText('row 6, column Fees: fees empty, taken as 0 (5)')).toBeTruthy();
    expect(within(section).queryByRole('button', { name: 'Show more warnings' })).toBeNull();
  });

  it('says when a file has no warning', async () => {
    stubApi(() => ({ ...detail(0, 1), warnings: [] }));
    open();
    expect(await screen.findByText('No warning: every value was taken as the file gave it.')).toBeTruthy();
  });
});
