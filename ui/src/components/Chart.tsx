// A chart whose drawing library (ECharts, most of the UI's bytes) loads only when a chart is
// first shown: a page's figures and tables paint first, its charts follow.
import type { EChartsOption } from 'echarts';
import { lazy, Suspense } from 'react';

const EChart = lazy(() => import('./EChart.tsx'));

export function Chart(props: { option: EChartsOption; label: string; height?: number }) {
  return (
    <Suspense fallback={<div className="chart" style={{ height: props.height ?? 280, width: '100%' }} />}>
      <EChart {...props} />
    </Suspense>
  );
}
