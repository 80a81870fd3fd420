// The break table asks the API for exactly the page, filters and order shown, and pages on.
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BreakView } from '../../src/contracts/breaks.ts';
import { BreakTable } from '../../ui/src/components/BreakTable.tsx';
import { renderPage, signedIn, stubApi } from './support.tsx';

function breakRow(id: number): BreakView {
  return {
    id,
    accountId: `ACC-${id}`,
    check: 'RETURN',
    vendorCode: 'vendor-a',
    counterparty: '',
    periodStart: '2025-01-01',
    periodEnd: '2025-01-02',
    status: 'OPEN',
    ageDays: 3,
    ageBucket: '2-7 days',
    openedAt: '2025-01-03T00:00:00.000Z',
    occurrences: 1,
    varianceBps: 2.5,
    varianceAmount: null,
    expected: '0.01',
    observed: '0.01025',
    cause: null,
    message: 'variance',
    explanation: null,
    tolerance: {},
    inputs: {},
    acknowledged: null,
    resolved: null,
    approved: null,
    cleared: null,
    openedRun: 1,
    lastSeenRun: 1,
  };
}

/** 60 breaks on the server: pages of 25 (the table asks for 26 to know whether more follow). */
const ALL = Array.from({ length: 60 }, (_, index) => breakRow(index + 1));

describe('break table', () => {
  let api: ReturnType<typeof stubApi>;
  beforeEach(() => {
    signedIn();
    api = stubApi((url) => {
      const offset = Number(url.searchParams.get('offset'));
      return ALL.slice(offset, offset + Number(url.searchParams.get('limit')));
    });
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  const lastQuery = () => api.last('/api/v1/breaks')?.searchParams;

  it('asks for the active breaks, oldest first, one page at a time', async () => {
    renderPage(<BreakTable vendors={['vendor-a', 'vendor-b']} />);
    expect(await screen.findByRole('link', { name: '#1' })).toBeDefined();
    expect(lastQuery()?.getAll('status')).toEqual(['OPEN', 'ACKNOWLEDGED', 'PENDING_APPROVAL']);
    expect(lastQuery()?.get('sort')).toBe('openedAt');
    expect(lastQuery()?.get('order')).toBe('asc');
    expect(lastQuery()?.get('limit')).toBe('26');
    expect(lastQuery()?.get('offset')).toBe('0');
    expect(screen.getAllByRole('row')).toHaveLength(26); // the header and 25 breaks
  });

  it('pages forward while the server has more, then stops', async () => {
    const user = userEvent.setup();
    renderPage(<BreakTable vendors={[]} />);
    await screen.findByRole('link', { name: '#1' });
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('link', { name: '#26' })).toBeDefined();
    expect(lastQuery()?.get('offset')).toBe('25');
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('link', { name: '#51' })).toBeDefined();
    expect(lastQuery()?.get('offset')).toBe('50');
    expect(screen.getAllByRole('row')).toHaveLength(11);
    expect((screen.getByRole('button', { name: 'Next page' }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByRole('link', { name: '#26' })).toBeDefined();
  });

  it('sends status, vendor and account filters and starts again at the first page', async () => {
    const user = userEvent.setup();
    renderPage(<BreakTable vendors={['vendor-a', 'vendor-b']} />);
    await screen.findByRole('link', { name: '#1' });
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByRole('link', { name: '#26' });

    await user.click(screen.getByRole('checkbox', { name: 'acknowledged' }));
    await waitFor(() => expect(lastQuery()?.getAll('status')).toEqual(['OPEN', 'PENDING_APPROVAL']));
    expect(lastQuery()?.get('offset')).toBe('0');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Vendor' }), 'vendor-b');
    await waitFor(() => expect(lastQuery()?.get('vendor')).toBe('vendor-b'));

    await user.type(screen.getByRole('searchbox', { name: 'Account' }), 'ACC-7{Enter}');
    await waitFor(() => expect(lastQuery()?.get('account')).toBe('ACC-7'));
    expect(lastQuery()?.get('vendor')).toBe('vendor-b');
  });

  it('lets the server sort by a sortable column, and the largest variance first', async () => {
    const user = userEvent.setup();
    renderPage(<BreakTable vendors={[]} />);
    await screen.findByRole('link', { name: '#1' });
    expect(screen.queryByRole('button', { name: /^Cause/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: /^Account/ }));
    await waitFor(() => expect(lastQuery()?.get('sort')).toBe('accountId'));
    expect(lastQuery()?.get('order')).toBe('asc');
    await user.click(screen.getByRole('button', { name: /^Account/ }));
    await waitFor(() => expect(lastQuery()?.get('order')).toBe('desc'));
    expect(screen.getByRole('columnheader', { name: /Account/ }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await user.click(screen.getByRole('button', { name: /^Variance/ }));
    await waitFor(() => expect(lastQuery()?.get('sort')).toBe('varianceBps'));
    expect(lastQuery()?.get('order')).toBe('desc');
  });

  it('keeps the previous rows in view but not clickable while a new filter loads', async () => {
    const user = userEvent.setup();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    api = stubApi(async (url) => {
      const account = url.searchParams.get('account');
      if (account === null) return ALL.slice(0, 26);
      await held;
      return ALL.filter((row) => row.accountId === account);
    });
    renderPage(<BreakTable vendors={[]} />);
    await screen.findByRole('link', { name: '#1' });
    await user.type(screen.getByRole('searchbox', { name: 'Account' }), 'ACC-7{Enter}');
    expect(await screen.findByText('Loading the matching breaks…')).toBeDefined();
    const staleLink = screen.getByRole('link', { name: '#1' });
    expect(staleLink.closest('tbody')?.hasAttribute('inert')).toBe(true);
    expect(staleLink.closest('table')?.getAttribute('aria-busy')).toBe('true');

    release();
    await waitFor(() => expect(screen.queryByRole('link', { name: '#1' })).toBeNull());
    const link = screen.getByRole('link', { name: '#7' });
    expect(link.closest('tbody')?.hasAttribute('inert')).toBe(false);
    expect(screen.queryByText('Loading the matching breaks…')).toBeNull();
  });

  it('says what to do when no break matches', async () => {
    api = stubApi(() => []);
    renderPage(<BreakTable vendors={[]} />);
    expect(await screen.findByText(/No break matches these filters/)).toBeDefined();
  });
});
