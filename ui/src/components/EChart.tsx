// One chart, drawn by ECharts (loaded with this module only, through Chart.tsx): ECharts draws it into a box this component owns (set the option, follow the box's
// size, let go on unmount). Its label names it for screen readers; the figures are also in a
// table next to every chart.
import type { EChartsOption } from 'echarts';
import { useEffect, useRef } from 'react';
import { echarts } from './echarts.ts';

export default function EChart({
  option,
  label,
  height = 280,
}: {
  option: EChartsOption;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (box.current === null) return;
    const instance = echarts.init(box.current, null, { renderer: 'svg' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        aria: { enabled: true },
        animation: false,
        grid: { top: 40, bottom: 30, left: 60, right: 20 },
        ...option,
      },
      { notMerge: true },
    );
  }, [option]);

  return <figure className="chart" aria-label={label} ref={box} style={{ height, width: '100%' }} />;
}
