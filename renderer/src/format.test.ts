import { describe, expect, it } from 'vitest';
import { formatAmount, formatDuration, formatMetric, formatPercent, formatUtilisation, NO_VALUE } from './format';

describe('formatting', () => {
  it('prints returns as percentages with two decimals and a real minus sign', () => {
    expect(formatPercent(-0.04523)).toBe('−4.52%');
    expect(formatPercent(0.1)).toBe('10.00%');
    expect(formatPercent(-0.000001)).toBe('0.00%');
    expect(formatMetric('var_95', -0.0451)).toBe('−4.51%');
    expect(formatMetric('concentration_risk.max_position', 0.4512)).toBe('45.1%');
  });

  it('prints amounts in compact currency with one decimal', () => {
    expect(formatAmount(12_345_678, 'USD')).toBe('$12.3M');
    expect(formatAmount(-950_000, 'USD')).toBe('−$950.0K');
    expect(formatAmount(1_000, 'EUR')).toBe('€1.0K');
    expect(formatMetric('var_95_amount', -2_500_000, 'GBP')).toBe('−£2.5M');
  });

  it('prints ratios with two decimals, leverage with a times sign, HHI with three', () => {
    expect(formatMetric('sharpe_ratio', 1.234)).toBe('1.23');
    expect(formatMetric('leverage_ratio', 3.456)).toBe('3.46×');
    expect(formatMetric('concentration_risk.hhi', 0.12345)).toBe('0.123');
  });

  it('prints an em dash for a missing figure, never NaN', () => {
    for (const v of [null, undefined, NaN, Infinity]) {
      expect(formatPercent(v)).toBe(NO_VALUE);
      expect(formatAmount(v)).toBe(NO_VALUE);
      expect(formatMetric('leverage_ratio', v)).toBe(NO_VALUE);
    }
  });

  it('prints utilisation as a whole percentage, capped for display', () => {
    expect(formatUtilisation(104.3)).toBe('104%');
    expect(formatUtilisation(80)).toBe('80%');
    expect(formatUtilisation(2500)).toBe('>999%');
    expect(formatUtilisation(null)).toBe('—');
  });

  it('prints durations in the largest sensible unit', () => {
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3600_000 + 600_000)).toBe('2h 10m');
    expect(formatDuration(3 * 86400_000 + 4 * 3600_000)).toBe('3d 4h');
  });
});
