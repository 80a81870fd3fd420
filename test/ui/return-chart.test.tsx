// The return chart asks for one linked series per vendor over the range chosen (a standard span
// or two dates), and shows each vendor's linked return with its gaps and warnings.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReturnsReport } from '../../src/contracts/returns.ts';
import { ReturnChart } from '../../ui/src/components/ReturnChart.tsx';
import { renderPage, signedIn, stubApi, stubResizeObserver } from './support.tsx';

function report(vendor: string, url: URL): ReturnsReport {
  const gapped = vendor === 'vendor-b';
  return {
    account_id: 'ACC-1',
    from: url.searchParams.get('from') ?? '2024-12-31',
    to: url.searchParams.get('to') ?? '2025-04-30',
    cumulative_return: gapped ? null : 0.0125,
    annualized_return: null,
    periods: 3,
    days: 120,
    gaps: gapped ? [{ from: '2025-02-28', to: '2025-03-31' }] : [],
    warnings: gapped ? ['no period covers March'] : [],
    undefined_reason: gapped ? 'GAP_IN_PERIODS' : null,
    series: [
      { periodEnd: '2025-01-31', periodReturn: 0.01, cumulativeReturn: 0.01 },
      {
        periodEnd: '2025-02-28',
        periodReturn: 0.0025,
        cumulativeReturn: 0.0125,
        vendorReturn: 0.003,
        // The vendor's own reported returns, linked by the API: 1.30 % against our 1.25 %.
        vendorCumulativeReturn: gapped ? null : 0.013,
      },
    ],
  };
}

describe('return chart', () => {
  let api: ReturnType<typeof stubApi>;
  const returns = () => api.asked.filter((url) => url.pathname === '/api/v1/accounts/ACC-1/returns');
  const askedFor = (vendor: string) =>
    returns()
      .filter((url) => url.searchParams.get('vendor') === vendor)
      .at(-1);

  beforeEach(() => {
    signedIn('viewer');
    stubResizeObserver();
    api = stubApi((url) => report(url.searchParams.get('vendor') ?? '', url));
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('starts with the whole history: one series per vendor and its reported line, since inception', {
    timeout: 60_000,
  }, async () => {
    renderPage(<ReturnChart accountId="ACC-1" vendors={['vendor-a', 'vendor-b']} />);
    const table = await screen.findByRole('table', { name: 'Linked return over the range' });
    for (const vendor of ['vendor-a', 'vendor-b']) {
      expect(askedFor(vendor)?.searchParams.get('span')).toBe('ITD');
      expect(askedFor(vendor)?.searchParams.get('series')).toBe('true');
    }
    const [, first, second] = within(table).getAllByRole('row');
    expect(first?.textContent).toContain('1.2500%');
    expect(first?.textContent).toContain('1.3000%');
    // Each vendor's reported line beside ours, in the chart's legend.
    // ECharts describes the chart (its aria option): each vendor's reported line beside ours.
    // The chart library loads on demand (Chart.tsx): give the import time on a busy machine.
    const chart = await screen.findByRole('img', { name: /vendor-a as reported/ }, { timeout: 30_000 });
    expect(chart.getAttribute('aria-label')).toContain('vendor-b as reported');
    expect(second?.textContent).toContain('GAP_IN_PERIODS');
    expect(second?.textContent).toContain('gap 2025-02-28 → 2025-03-31; no period covers March');
  });

  it('asks for a standard span when one is chosen', async () => {
    const user = userEvent.setup();
    renderPage(<ReturnChart accountId="ACC-1" vendors={['vendor-a', 'vendor-b']} />);
    await screen.findByRole('table', { name: 'Linked return over the range' });
    await user.click(screen.getByRole('radio', { name: '1Y' }));
    await waitFor(() => expect(askedFor('vendor-a')?.searchParams.get('span')).toBe('1Y'));
    expect(askedFor('vendor-b')?.searchParams.get('span')).toBe('1Y');
    expect((screen.getByRole('radio', { name: '1Y' }) as HTMLInputElement).checked).toBe(true);
  });

  it('asks for two dates when a custom range is shown, and no span', async () => {
    const user = userEvent.setup();
    renderPage(<ReturnChart accountId="ACC-1" vendors={['vendor-a']} />);
    await screen.findByRole('table', { name: 'Linked return over the range' });
    await user.type(screen.getByLabelText('From'), '2025-01-31');
    await user.type(screen.getByLabelText('To'), '2025-03-31');
    await user.click(screen.getByRole('button', { name: 'Show range' }));
    await waitFor(() => expect(askedFor('vendor-a')?.searchParams.get('from')).toBe('2025-01-31'));
    expect(askedFor('vendor-a')?.searchParams.get('to')).toBe('2025-03-31');
    expect(askedFor('vendor-a')?.searchParams.has('span')).toBe(false);
    expect(screen.getAllByRole('radio').some((radio) => (radio as HTMLInputElement).checked)).toBe(false);
    const table = await screen.findByRole('table', { name: 'Linked return over the range' });
    await waitFor(() => expect(within(table).getAllByRole('row')[1]?.textContent).toContain('2025-01-31'));
  });
});
