// Chart options as pure functions of the data, so they can be tested without a browser.
import type { Threshold } from '../../../shared/domain';
import { METRIC_INFO, type MetricPath } from '../../../shared/metrics';
import { formatMetric, formatPercent } from '../format';
import { SEVERITY_COLOR } from './echarts';

/** [epoch ms, value] */
export type Point = [number, number | null];

export interface LineSpec {
  metric: MetricPath;
  points: Point[];
}

function axisFormatter(metric: MetricPath): (v: number) => string {
  const kind = METRIC_INFO[metric].kind;
  // Two decimals: a live chart's range is often narrow, and repeated labels would say nothing.
  if (kind === 'return' || kind === 'share') return (v) => formatPercent(v, 2);
  if (metric === 'leverage_ratio') return (v) => `${v.toFixed(2)}×`;
  return (v) => v.toFixed(2);
}

const COMPARE_WORD: Record<Threshold['comparison_type'], string> = { less_than: '<', less_than_or_equal: '≤', greater_than: '>', greater_than_or_equal: '≥', equal: '=' };

/** A time-series chart of one or more metrics sharing a unit, with the limits as dashed lines. */
export function lineOption(lines: LineSpec[], thresholds: readonly Threshold[], currency: string) {
  const first = lines[0].metric;
  const fmt = axisFormatter(first);
  const limitLines = thresholds
    .filter((t) => lines.some((l) => l.metric === t.metric_type))
    .map((t) => ({
      yAxis: t.threshold_value,
      name: `${COMPARE_WORD[t.comparison_type]} ${formatMetric(t.metric_type, t.threshold_value, currency)} ${t.severity}`,
      lineStyle: { color: SEVERITY_COLOR[t.severity], type: 'dashed' as const, width: 1 },
      label: { formatter: '{b}', position: 'insideEndTop' as const, color: SEVERITY_COLOR[t.severity], fontSize: 10 },
    }));
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 28, bottom: 24 },
    legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8, data: lines.map((l) => METRIC_INFO[l.metric].label) },
    tooltip: {
      trigger: 'axis' as const,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatMetric(first, v, currency) : '—'),
    },
    xAxis: { type: 'time' as const },
    yAxis: { type: 'value' as const, scale: true, axisLabel: { formatter: fmt } },
    series: lines.map((l, i) => ({
      id: l.metric,
      name: METRIC_INFO[l.metric].label,
      type: 'line' as const,
      showSymbol: false,
      connectNulls: false,
      sampling: 'lttb' as const,
      lineStyle: { width: 1.5 },
      data: l.points,
      ...(i === 0 ? { markLine: { silent: true, symbol: 'none', data: limitLines } } : {}),
    })),
  };
}

/** Horizontal bars, largest first (component VaR, top positions). */
export function barOption(rows: { label: string; value: number }[], format: (v: number) => string, color = '#58a6ff') {
  const sorted = [...rows].reverse();
  return {
    animation: false,
    grid: { left: 80, right: 64, top: 8, bottom: 20 },
    tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const }, valueFormatter: (v: unknown) => (typeof v === 'number' ? format(v) : '—') },
    xAxis: { type: 'value' as const, axisLabel: { formatter: format } },
    yAxis: { type: 'category' as const, data: sorted.map((r) => r.label) },
    series: [
      {
        type: 'bar' as const,
        data: sorted.map((r) => ({ value: r.value, itemStyle: { color: r.value < 0 ? '#f85149' : color } })),
        barMaxWidth: 14,
        label: { show: true, position: 'right' as const, color: '#8b96a6', formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? format(p.value) : '') },
      },
    ],
  };
}

/** Correlation heatmap: -1 blue, 0 neutral, +1 red. */
export function heatmapOption(symbols: string[], matrix: (number | null)[][]) {
  const data: [number, number, number | null][] = [];
  for (let i = 0; i < symbols.length; i++) for (let j = 0; j < symbols.length; j++) data.push([j, i, matrix[i]?.[j] ?? null]);
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 8, bottom: 64 },
    tooltip: {
      formatter: (p: { value: [number, number, number | null] }) => `${symbols[p.value[1]]} / ${symbols[p.value[0]]}: ${p.value[2] === null ? '—' : p.value[2].toFixed(2)}`,
    },
    xAxis: { type: 'category' as const, data: symbols, axisLabel: { rotate: 60, fontSize: 10 }, splitArea: { show: false } },
    yAxis: { type: 'category' as const, data: symbols, inverse: true, axisLabel: { fontSize: 10 } },
    visualMap: { min: -1, max: 1, calculable: false, orient: 'horizontal' as const, show: false, inRange: { color: ['#2f81f7', '#1a222b', '#f85149'] } },
    series: [{ type: 'heatmap' as const, data, progressive: 0, emphasis: { itemStyle: { borderColor: '#d8dee9', borderWidth: 1 } } }],
  };
}
