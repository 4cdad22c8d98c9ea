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

/** Enough decimals that neighbouring axis labels differ, however narrow the live range. */
export function axisDigits(span: number, percent: boolean): number {
  const unit = percent ? span * 100 : span;
  if (!(unit > 0)) return 2;
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10(unit / 5)) + 1));
}

function axisFormatter(metric: MetricPath, span: number): (v: number) => string {
  const kind = METRIC_INFO[metric].kind;
  const percent = kind === 'return' || kind === 'share';
  const digits = axisDigits(span, percent);
  if (percent) return (v) => formatPercent(v, digits);
  if (metric === 'leverage_ratio') return (v) => `${v.toFixed(digits)}×`;
  return (v) => v.toFixed(digits);
}

/** The value range to show: the data and every limit line, so a limit is never off the chart. */
export function valueRange(lines: LineSpec[], limits: number[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const l of lines)
    for (const [, v] of l.points)
      if (v !== null) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
  for (const v of limits) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return null;
  const pad = (max - min) * 0.08 || Math.abs(max) * 0.01 || 0.01;
  return { min: min - pad, max: max + pad };
}

const COMPARE_WORD: Record<Threshold['comparison_type'], string> = { less_than: '<', less_than_or_equal: '≤', greater_than: '>', greater_than_or_equal: '≥', equal: '=' };

/**
 * A time-series chart of one or more metrics sharing a unit, with the limits as dashed lines:
 * everything but the figures. Built once per chart, limits and currency; the figures come
 * separately from lineData, so a live update sends ECharts only those.
 */
export function lineFrame(metrics: readonly MetricPath[], thresholds: readonly Threshold[], currency: string) {
  const first = metrics[0];
  const limitLines = thresholds
    .filter((t) => metrics.includes(t.metric_type))
    .map((t) => ({
      yAxis: t.threshold_value,
      name: `${COMPARE_WORD[t.comparison_type]} ${formatMetric(t.metric_type, t.threshold_value, currency)} ${t.severity}`,
      lineStyle: { color: SEVERITY_COLOR[t.severity], type: 'dashed' as const, width: 1 },
      label: { formatter: '{b}', position: 'insideEndTop' as const, color: SEVERITY_COLOR[t.severity], fontSize: 10 },
    }));
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 28, bottom: 24 },
    legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8, data: metrics.map((m) => METRIC_INFO[m].label) },
    tooltip: {
      trigger: 'axis' as const,
      // A missing figure is stored as NaN (the series data is a Float64Array).
      valueFormatter: (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? formatMetric(first, v, currency) : '—'),
    },
    xAxis: { type: 'time' as const },
    yAxis: { type: 'value' as const, scale: true },
    series: metrics.map((m, i) => ({
      id: m,
      name: METRIC_INFO[m].label,
      type: 'line' as const,
      // Named, as ECharts needs them for typed-array data (lineData).
      dimensions: ['time', 'value'],
      showSymbol: false,
      connectNulls: false,
      sampling: 'lttb' as const,
      lineStyle: { width: 1.5 },
      // precision: ECharts rounds a mark line's value to 2 decimals by default, which drew a -4.5% limit at -4%.
      ...(i === 0 ? { markLine: { silent: true, symbol: 'none', precision: 20, data: limitLines } } : {}),
    })),
  };
}

/** The points as ECharts takes them fastest: interleaved [t0, v0, t1, v1, ...], a missing value as NaN (a gap). */
export function packPoints(points: readonly Point[]): Float64Array {
  const out = new Float64Array(points.length * 2);
  for (let i = 0; i < points.length; i++) {
    out[2 * i] = points[i][0];
    out[2 * i + 1] = points[i][1] ?? NaN;
  }
  return out;
}

/**
 * The figures of a lineFrame chart, merged into it by series id: each series' points and the
 * value axis (its range takes in every limit, so a limit is never off the chart). A typed array
 * spares ECharts copying and parsing every point on each update.
 */
export function lineData(lines: LineSpec[], thresholds: readonly Threshold[]) {
  const limits = thresholds.filter((t) => lines.some((l) => l.metric === t.metric_type)).map((t) => t.threshold_value);
  const range = valueRange(lines, limits);
  const fmt = axisFormatter(lines[0].metric, range ? range.max - range.min : 0);
  return {
    // The padded range ends on odd values: label only the ticks inside it. Null: ECharts picks.
    yAxis: { min: range?.min ?? null, max: range?.max ?? null, axisLabel: { formatter: fmt, showMinLabel: !range, showMaxLabel: !range } },
    series: lines.map((l) => ({ id: l.metric, data: packPoints(l.points) })),
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
