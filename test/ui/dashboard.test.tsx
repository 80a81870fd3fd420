// The dashboard asks the API for its counts once (at the reader's midnight and UTC offset) and
// shows them as they are, past any page size; alarms firing and the latest alerts, with empty
// states that say what they mean.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlarmItem } from '../../src/contracts/alarms.ts';
import type { Dashboard as Counts } from '../../src/contracts/dashboard.ts';
import { Dashboard } from '../../ui/src/pages/Dashboard.tsx';
import { renderPage, signedIn, stubApi, stubResizeObserver } from './support.tsx';

const COUNTS: Counts = {
  generatedAt: '2025-03-10T10:00:00.000Z',
  files: [
    { status: 'SUCCEEDED', count: 1234 },
    { status: 'REJECTED', count: 2 },
  ],
  passRate: [
    { day: '2025-03-09', checked: 4, passed: 1, rate: 0.25 },
    { day: '2025-03-10', checked: 20, passed: 19, rate: 0.95 },
  ],
  breaks: {
    active: 1203,
    byVendorAndAge: [
      { vendor: 'vendor-a', ageBucket: '8-30 days', count: 1200 },
      { vendor: 'vendor-b', ageBucket: '0-1 days', count: 3 },
    ],
  },
  deadLetters: { open: 7 },
  alarms: { firing: 1, acknowledged: 2 },
};

const ALARM: AlarmItem = {
  id: 4,
  rule: 'error-rate',
  subject: '',
  metric: 'error_rate',
  condition: '>',
  threshold: 0.25,
  severity: 'warning',
  state: 'FIRING',
  value: 0.5,
  message: 'error rate 50% over the last 60 minutes (threshold 25%)',
  firedAt: '2025-03-10T09:00:00.000Z',
  escalateAt: null,
  escalatedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
};

describe('dashboard', () => {
  let api: ReturnType<typeof stubApi>;
  let alarms: AlarmItem[];
  beforeEach(() => {
    signedIn('viewer');
    stubResizeObserver();
    alarms = [ALARM];
    api = stubApi((url) => (url.pathname === '/api/v1/dashboard' ? COUNTS : alarms));
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('asks for the counts from the reader’s midnight at their UTC offset', async () => {
    renderPage(<Dashboard />);
    await screen.findByText('Today: 95.00%');
    const asked = api.last('/api/v1/dashboard')?.searchParams;
    const now = new Date();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    expect(asked?.get('since')).toBe(midnight.toISOString());
    expect(asked?.get('utcOffset')).toBe(String(-midnight.getTimezoneOffset()));
    expect(asked?.get('days')).toBe('30');
    // One request for the counts: nothing is tallied from lists in the browser.
    expect(api.asked.map((url) => url.pathname).sort()).toEqual(['/api/v1/alarms', '/api/v1/dashboard']);
  });

  it('shows every count as the API gives it, past any page size', async () => {
    renderPage(<Dashboard />);
    const breaks = await screen.findByRole('table', { name: '1203 active breaks' });
    const vendorA = within(breaks).getByRole('row', { name: /vendor-a/ });
    expect(
      within(vendorA)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['0', '0', '1200', '0']);
    expect(screen.getByRole('link', { name: /SUCCEEDED 1234/ })).toBeDefined();
    expect(screen.getByRole('link', { name: '7 open' })).toBeDefined();
    expect(screen.getByRole('link', { name: '1 firing' })).toBeDefined();
    const alerts = await screen.findByRole('table', { name: 'The latest alarm episodes, newest first' });
    expect(within(alerts).getByText(ALARM.message)).toBeDefined();
    expect(screen.queryByText(/\d+\+/)).toBeNull();
  });

  it('says when there is nothing to show', async () => {
    alarms = [];
    api = stubApi((url) =>
      url.pathname === '/api/v1/dashboard'
        ? { ...COUNTS, files: [], breaks: { active: 0, byVendorAndAge: [] } }
        : alarms,
    );
    renderPage(<Dashboard />);
    expect(await screen.findByText('No file arrived today yet.')).toBeDefined();
    expect(screen.getByText('No active break. Nothing to chase.')).toBeDefined();
    expect(await screen.findByText(/No alarm has fired yet/)).toBeDefined();
  });
});
