import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBreached, isRecovered, lightFor, type LimitLike, silenceMatches, thresholdsFor, utilisation, worstLight } from './alerts';
import { COMPARISON_TYPES, type ComparisonType } from './domain';

const lim = (comparison_type: ComparisonType, threshold_value: number, warn_utilisation_pct = 80): LimitLike => ({ comparison_type, threshold_value, warn_utilisation_pct });

describe('utilisation (100% = at the limit)', () => {
  const cases: [string, number | null, LimitLike, number | null][] = [
    // Upper limits on a positive size: value / limit.
    ['leverage 2.4 against 3', 2.4, lim('greater_than', 3), 80],
    ['leverage 3 against 3', 3, lim('greater_than', 3), 100],
    ['leverage 4.5 against 3', 4.5, lim('greater_than', 3), 150],
    ['largest position 0.15 against 0.3', 0.15, lim('greater_than_or_equal', 0.3), 50],
    ['leverage 0 against 3', 0, lim('greater_than', 3), 0],
    // Lower limits on a negative figure (VaR, drawdown): value / limit too.
    ['VaR -0.04 against -0.05', -0.04, lim('less_than', -0.05), 80],
    ['VaR -0.05 against -0.05', -0.05, lim('less_than', -0.05), 100],
    ['VaR -0.06 against -0.05', -0.06, lim('less_than_or_equal', -0.05), 120],
    ['drawdown -0.1 against -0.25', -0.1, lim('less_than', -0.25), 40],
    ['a positive VaR (no loss) is 0%, not negative', 0.01, lim('less_than', -0.05), 0],
    // Limits on the other side of zero: headroom left, in units of the limit.
    ['Sharpe 0.6 against a floor of 0.5', 0.6, lim('less_than', 0.5), 80],
    ['Sharpe 1.0 against a floor of 0.5', 1.0, lim('less_than', 0.5), 0],
    ['Sharpe 0.25 against a floor of 0.5', 0.25, lim('less_than', 0.5), 150],
    ['net exposure -1.5M against a ceiling of -1M (stay at least 1M net short)', -1.5e6, lim('greater_than', -1e6), 50],
    ['net exposure -0.8M against that ceiling: breached', -0.8e6, lim('greater_than', -1e6), 120],
    // equal: how close to the forbidden value.
    ['equal, 0.3 against 0.3', 0.1 + 0.2, lim('equal', 0.3), 100],
    ['equal, 0.24 against 0.3', 0.24, lim('equal', 0.3), 80],
    ['equal, far away', 5, lim('equal', 0.3), 0],
    // Undefined.
    ['no value', null, lim('greater_than', 3), null],
    ['a zero limit has no scale', 0.5, lim('greater_than', 0), null],
  ];
  for (const [name, value, t, expected] of cases) {
    it(name, () => expect(utilisation(value, t)).toBe(expected));
  }

  it('is at or above 100 exactly when the value is at or beyond the limit (upper and lower)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ComparisonType>('greater_than', 'greater_than_or_equal', 'less_than', 'less_than_or_equal'),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((x) => Math.abs(x) > 1e-3),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        (cmp, limit, value) => {
          const u = utilisation(value, lim(cmp, limit))!;
          const beyond = cmp.startsWith('greater') ? value > limit : value < limit;
          // Rounding to a millionth of a percent may make a hair's breadth either side read 100.
          if (Math.abs(value - limit) > 1e-6 * Math.abs(limit)) expect(u > 100).toBe(beyond);
          expect(u).toBeGreaterThanOrEqual(0);
          // A breach is always red, and red is never under 100%.
          if (isBreached(value, cmp, limit)) expect(u).toBeGreaterThanOrEqual(100);
        },
      ),
    );
  });
});

describe('lightFor', () => {
  const cases: [string, number | null, LimitLike, boolean, string][] = [
    ['green well inside', -0.02, lim('less_than', -0.05), false, 'green'],
    ['amber at 80% (the default warn level)', -0.04, lim('less_than', -0.05), false, 'amber'],
    ['green just under 80%', -0.0399, lim('less_than', -0.05), false, 'green'],
    ['amber at the limit of a strict comparison (not yet a breach)', -0.05, lim('less_than', -0.05), false, 'amber'],
    ['red at the limit of an inclusive comparison', -0.05, lim('less_than_or_equal', -0.05), false, 'red'],
    ['red beyond', -0.06, lim('less_than', -0.05), false, 'red'],
    ['a custom warn level: 90%', -0.044, lim('less_than', -0.05, 90), false, 'green'],
    ['a custom warn level: 90% reached', -0.045, lim('less_than', -0.05, 90), false, 'amber'],
    ['grey when stale, whatever the value', -0.09, lim('less_than', -0.05), true, 'grey'],
    ['grey when unknown', null, lim('less_than', -0.05), false, 'grey'],
    ['a zero limit: no amber band, red on breach', 0.5, lim('greater_than', 0), false, 'red'],
    ['a zero limit: green inside', -0.5, lim('greater_than', 0), false, 'green'],
    ['upper: leverage 2.5 of 3 is amber', 2.5, lim('greater_than', 3), false, 'amber'],
  ];
  for (const [name, value, t, stale, light] of cases) {
    it(name, () => expect(lightFor(value, t, stale)).toBe(light));
  }

  it('combines lights: red > amber > grey > green', () => {
    expect(worstLight([])).toBe('green');
    expect(worstLight(['green', 'grey'])).toBe('grey');
    expect(worstLight(['grey', 'amber', 'green'])).toBe('amber');
    expect(worstLight(['amber', 'red', 'grey'])).toBe('red');
  });
});

describe('breach and recovery', () => {
  it('every comparison type at, above and below its limit', () => {
    const at = Object.fromEntries(COMPARISON_TYPES.map((c) => [c, [isBreached(2.9, c, 3), isBreached(3, c, 3), isBreached(3.1, c, 3)]]));
    expect(at).toEqual({
      less_than: [true, false, false],
      less_than_or_equal: [true, true, false],
      greater_than: [false, false, true],
      greater_than_or_equal: [false, true, true],
      equal: [false, true, false],
    });
  });

  it('recovers past the clear level when there is one, otherwise as soon as the value no longer breaches', () => {
    const t = { comparison_type: 'greater_than' as const, threshold_value: 3, clear_value: 2.5 };
    expect([isRecovered(2.9, t), isRecovered(2.5, t), isRecovered(2.4, t)]).toEqual([false, true, true]);
    expect(isRecovered(2.9, { ...t, clear_value: null })).toBe(true);
    const v = { comparison_type: 'less_than' as const, threshold_value: -0.05, clear_value: -0.04 };
    expect([isRecovered(-0.045, v), isRecovered(-0.04, v)]).toEqual([false, true]);
  });
});

describe('thresholdsFor', () => {
  const t = (id: number, portfolio_id: string, severity: 'HIGH' | 'CRITICAL', comparison_type: ComparisonType = 'less_than', enabled = true) => ({
    id,
    portfolio_id,
    metric_type: 'var_95' as const,
    comparison_type,
    severity,
    enabled,
  });

  it("a portfolio's own threshold replaces the '*' one of the same metric, side and severity only", () => {
    const all = [t(1, '*', 'HIGH'), t(2, '*', 'CRITICAL'), t(3, 'p1', 'HIGH', 'less_than_or_equal'), t(4, '*', 'HIGH', 'greater_than'), t(5, 'p1', 'CRITICAL', 'less_than', false)];
    expect(thresholdsFor('p1', all).map((x) => x.id).sort()).toEqual([2, 3, 4]);
    expect(thresholdsFor('p2', all).map((x) => x.id).sort()).toEqual([1, 2, 4]);
  });
});

describe('silenceMatches', () => {
  const s = { id: 1, portfolio_id: 'p1', metric_type: null, severity: 'LOW' as const, starts_at: '2026-01-02T14:00:00.000Z', ends_at: '2026-01-02T15:00:00.000Z', reason: 'r', author: 'a', created_at: '2026-01-02T14:00:00.000Z' };
  it('matches every field it sets, from its start up to (not including) its end', () => {
    const a = { portfolio_id: 'p1', metric_type: 'var_95', severity: 'LOW' as const };
    expect(silenceMatches(s, a, '2026-01-02T14:00:00.000Z')).toBe(true);
    expect(silenceMatches(s, a, '2026-01-02T15:00:00.000Z')).toBe(false);
    expect(silenceMatches(s, a, '2026-01-02T13:59:59.999Z')).toBe(false);
    expect(silenceMatches(s, { ...a, severity: 'HIGH' }, '2026-01-02T14:30:00.000Z')).toBe(false);
    expect(silenceMatches(s, { ...a, portfolio_id: 'p2' }, '2026-01-02T14:30:00.000Z')).toBe(false);
  });
});
