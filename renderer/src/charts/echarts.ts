// ECharts, only the parts the desk draws (keeps the bundle small), and the desk's dark theme.
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, VisualMapComponent, DataZoomComponent, CanvasRenderer, SVGRenderer]);

export const PALETTE = ['#58a6ff', '#d2a8ff', '#56d4dd', '#f0883e', '#a5d6a7', '#ffa198', '#e3b341', '#8b949e'];
export const SEVERITY_COLOR = { LOW: '#8b96a6', MEDIUM: '#d29922', HIGH: '#f85149', CRITICAL: '#ff6b6b' } as const;

const axis = {
  axisLine: { lineStyle: { color: '#34435a' } },
  axisTick: { lineStyle: { color: '#34435a' } },
  axisLabel: { color: '#8b96a6' },
  splitLine: { lineStyle: { color: '#1f2935' } },
};

export const DESK_THEME = 'risk-desk';
echarts.registerTheme(DESK_THEME, {
  color: PALETTE,
  backgroundColor: 'transparent',
  textStyle: { color: '#d8dee9', fontFamily: 'system-ui, sans-serif' },
  legend: { textStyle: { color: '#8b96a6' } },
  tooltip: { backgroundColor: '#1a222b', borderColor: '#34435a', textStyle: { color: '#d8dee9' } },
  timeAxis: axis,
  valueAxis: axis,
  categoryAxis: axis,
});

export { echarts };
