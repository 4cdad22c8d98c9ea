import { describe, expect, it } from 'vitest';
import { threshold } from '../testing/fixtures';
import { echarts } from './echarts';
import { axisDigits, heatmapOption, lineData, lineFrame } from './options';

describe('lineFrame and lineData', () => {
  it('draws one series per metric and each applicable limit as a dashed line', () => {
    const ts = [threshold({ metric_type: 'var_95', threshold_value: -0.05, severity: 'HIGH' }), threshold({ metric_type: 'var_99', threshold_value: -0.07, severity: 'CRITICAL' }), threshold({ metric_type: 'volatility', threshold_value: 0.3 })];
    const o = lineFrame(['var_95', 'var_99'], ts, 'USD');
    expect(o.series.map((s) => s.name)).toEqual(['VaR 95%', 'VaR 99%']);
    const lines = (o.series[0] as { markLine: { data: { yAxis: number; name: string }[] } }).markLine.data;
    expect(lines.map((l) => [l.yAxis, l.name])).toEqual([
      [-0.05, '< −5.00% HIGH'],
      [-0.07, '< −7.00% CRITICAL'],
    ]);
    expect(o.animation).toBe(false);
    expect(o.tooltip.valueFormatter(-0.0525)).toBe('−5.25%');
    expect(o.tooltip.valueFormatter(NaN)).toBe('—');
    const d = lineData(
      [
        { metric: 'var_95', points: [[1, -0.03]] },
        { metric: 'var_99', points: [[1, -0.05]] },
      ],
      ts,
    );
    expect(d.yAxis.axisLabel.formatter(-0.0525)).toBe('−5.25%');
  });

  it('sends only the figures, by series id, as interleaved time and value with a missing value as NaN', () => {
    const d = lineData(
      [
        { metric: 'var_95', points: [[1, -0.03], [2, null], [3, -0.04]] },
        { metric: 'var_99', points: [] },
      ],
      [],
    );
    expect(Object.keys(d).sort()).toEqual(['series', 'yAxis']);
    expect(d.series.map((s) => Object.keys(s).sort())).toEqual([
      ['data', 'id'],
      ['data', 'id'],
    ]);
    expect(d.series.map((s) => s.id)).toEqual(['var_95', 'var_99']);
    expect([...d.series[0].data]).toEqual([1, -0.03, 2, NaN, 3, -0.04]);
    expect(d.series[1].data).toHaveLength(0);
  });

  it('draws each limit line at its own value, not rounded to two decimals', () => {
    const ts = [threshold({ metric_type: 'var_95', threshold_value: -0.03 }), threshold({ metric_type: 'var_99', threshold_value: -0.045 }), threshold({ metric_type: 'cvar_95', threshold_value: -0.04 })];
    const metrics = ['var_95', 'var_99', 'cvar_95'] as const;
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 600, height: 240 });
    try {
      chart.setOption(lineFrame(metrics, ts, 'USD'));
      chart.setOption(lineData(metrics.map((metric, i) => ({ metric, points: [[1, -0.013 - 0.005 * i], [2, -0.014 - 0.005 * i]] })), ts));
      const dashed = [...chart.renderToSVGString().matchAll(/<path d="M[\d.]+ ([\d.]+)L[\d.]+ ([\d.]+)"[^>]*stroke-dasharray/g)].map((m) => Number(m[1]));
      expect(dashed).toHaveLength(3);
      for (const t of ts) {
        const y = chart.convertToPixel({ yAxisIndex: 0 }, t.threshold_value);
        expect(dashed.some((d) => Math.abs(d - y) <= 1)).toBe(true);
      }
    } finally {
      chart.dispose();
    }
  });

  it('keeps every limit on the chart, however far from the data', () => {
    const d = lineData([{ metric: 'var_95', points: [[1, -0.1], [2, -0.11]] }], [threshold({ metric_type: 'var_95', threshold_value: -0.035 })]);
    expect(d.yAxis.min).toBeLessThan(-0.11);
    expect(d.yAxis.max).toBeGreaterThan(-0.035);
  });

  it('lets ECharts pick the range again when there is nothing to show', () => {
    const d = lineData([{ metric: 'var_95', points: [] }], []);
    expect([d.yAxis.min, d.yAxis.max]).toEqual([null, null]);
  });

  it('prints enough decimals that a narrow live range still has distinct labels', () => {
    const d = lineData([{ metric: 'max_drawdown', points: [[1, -0.59941], [2, -0.59944]] }], []);
    const labels = [-0.59941, -0.59942, -0.59943, -0.59944].map((v) => d.yAxis.axisLabel.formatter(v));
    expect(new Set(labels).size).toBe(4);
    expect(axisDigits(0.5, true)).toBe(2);
  });
});

describe('heatmapOption', () => {
  it('lays the matrix out cell by cell, missing entries as null', () => {
    const o = heatmapOption(['A', 'B'], [[1, 0.5], [0.5]]);
    expect(o.series[0].data).toEqual([
      [0, 0, 1],
      [1, 0, 0.5],
      [0, 1, 0.5],
      [1, 1, null],
    ]);
  });
});
