// ECharts with only the parts the UI draws (line and bar charts, SVG), so the bundle does not
// carry the whole library. SVG rather than canvas: it scales crisply and needs no canvas in tests.
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  LineChart,
  BarChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  AriaComponent,
  SVGRenderer,
]);

export { echarts };
