// The Usage page charts the last 24 hours of the figures the alarm evaluator samples (queue
// depth, error rate and cache hit ratio, processing time, memory and dead letters), and says how
// often samples are taken while there are none yet.
import { cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricsHistory } from '../../src/contracts/metrics-history.ts';
import type { UsageReport } from '../../src/contracts/usage.ts';
import { Usage } from '../../ui/src/pages/Usage.tsx';
import { renderPage, signedIn, stubApi, stubResizeObserver } from './support.tsx';

const USAGE: UsageReport = {
  from: '2025-03-04',
  to: '2025-03-10',
  days: [],
  totals: { files: 0, rowsStored: 0, bytesReceived: 0, cpuSeconds: 0, wallSeconds: 0 },
  database: { bytes: 1_000_000, tables: [] },
  rightSizing: {
    workers: 0,
    busyShare: null,
    meanWaitSeconds: null,
    suggestedWorkers: null,
    hint: 'no jobs ran',
  },
};

const series = (name: string, unit: string, values: number[]) => ({
  name,
  unit,
  points: values.map((value, i) => ({ at: `2025-03-10T10:0${i}:00.000Z`, value })),
});

function history(withSamples: boolean): MetricsHistory {
  const v = (values: number[]) => (withSamples ? values : []);
  return {
    from: '2025-03-09T10:00:00.000Z',
    to: '2025-03-10T10:00:00.000Z',
    intervalSeconds: 60,
    stepSeconds: 120,
    series: [
      series('queue_depth', 'jobs', v([3, 5])),
      series('queue_oldest_job_age_seconds', 'seconds', v([12, 40])),
      series('error_rate', 'ratio', v([0.1, 0.2])),
      series('processing_time_seconds', 'seconds', v([1.5, 2])),
      series('cache_hit_ratio', 'ratio', v([0.9, 0.95])),
      series('memory_rss_bytes', 'bytes', v([200e6, 210e6])),
      series('dead_letters', 'count', v([0, 1])),
    ],
  };
}

describe('metrics history on the Usage page', () => {
  let api: ReturnType<typeof stubApi>;
  let samples: boolean;
  beforeEach(() => {
    signedIn('viewer');
    stubResizeObserver();
    api = stubApi((url) => (url.pathname === '/api/v1/metrics/history' ? history(samples) : USAGE));
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('says how often samples are taken while there are none yet', async () => {
    samples = false;
    renderPage(<Usage />);
    expect(
      await screen.findByText('Samples are taken every 60 s by the alarm evaluator; none yet.'),
    ).toBeDefined();
    const from = Date.parse(api.last('/api/v1/metrics/history')?.searchParams.get('from') ?? '');
    // The last 24 hours (a generous margin for a slow machine).
    expect(Math.abs(Date.now() - 86_400_000 - from)).toBeLessThan(600_000);
  });

  it('charts each figure over time', async () => {
    samples = true;
    renderPage(<Usage />);
    for (const title of [
      'Queue depth',
      'Error rate and cache hit ratio',
      'Processing time',
      'Memory and dead letters',
    ])
      expect(await screen.findByRole('heading', { name: title })).toBeDefined();
    // ECharts describes each chart (its aria option), naming its lines.
    const queue = await screen.findByRole('img', { name: /jobs waiting/ }, { timeout: 30_000 });
    expect(queue.getAttribute('aria-label')).toContain('oldest job age');
    const ratios = await screen.findByRole('img', { name: /cache hit ratio/ }, { timeout: 30_000 });
    expect(ratios.getAttribute('aria-label')).toContain('file error rate');
    expect(screen.queryByText(/none yet/)).toBeNull();
    // A day of samples comes averaged into steps (the API's stepSeconds), and the page says so.
    expect(screen.getByText('Each point is the mean of the samples in 2 minutes.')).toBeDefined();
  });
});
