// The tail hint only makes the selection cheaper: with any bound, stale or absurd, every figure is
// the one computed without it, bit for bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRIC_PATHS, readMetric } from '../../../shared/metrics';
import { figuresOf } from '../testing';
import { DEFAULT_RISK_OPTIONS, FIGURE_COUNT, type TailHint, computeFigures, computeMetrics, metricsOf } from './metrics';

const marketValues = Float64Array.of(400_000, -250_000, 600_000, 120_000);
const NAV = 1_000_000;

function figures(pnl: Float64Array, hint?: TailHint) {
  return computeMetrics({ pnl, marketValues, nav: NAV }, DEFAULT_RISK_OPTIONS, new Float64Array(pnl.length), hint);
}

const pnlOf = (minLength: number) => fc.array(fc.double({ min: -80_000, max: 80_000, noNaN: true }), { minLength, maxLength: 400, size: 'max' }).map((xs) => Float64Array.from(xs));
const pnlArb = pnlOf(1);
const boundArb = fc.oneof(fc.double({ min: -0.2, max: 0.2, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, 0));

describe('computeMetrics with a tail hint', () => {
  it('gives the same figures as without one, whatever the bound', () => {
    fc.assert(
      fc.property(pnlArb, boundArb, (pnl, bound) => {
        expect(figures(pnl, { tailBound: bound })).toEqual(figures(pnl));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps giving the same figures as one hint follows a drifting series (ties included)', () => {
    fc.assert(
      fc.property(
        pnlOf(30),
        fc.array(fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 40 }),
        (start, moves) => {
          const pnl = Float64Array.from(start);
          const hint: TailHint = { tailBound: NaN };
          for (const [scale, at, tie] of moves) {
            // Move every day a little (a tick moves each day's P&L), and sometimes copy one day onto another (a tie).
            for (let t = 0; t < pnl.length; t++) pnl[t] += scale * 1_000 * Math.sin(t + scale);
            if (tie) pnl[at % pnl.length] = pnl[(at + 1) % pnl.length];
            expect(figures(pnl, hint)).toEqual(figures(pnl));
          }
          // The hint was used: after the first call it holds a bound from the series.
          expect(Number.isNaN(hint.tailBound)).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('figure vectors', () => {
  it('hold every metric at its METRIC_PATHS index, NaN for null, and convert back to the same RiskMetrics', () => {
    fc.assert(
      fc.property(pnlOf(0), fc.option(fc.double({ min: -2e6, max: 2e6, noNaN: true }), { nil: null }), (pnl, nav) => {
        const values = new Float64Array(FIGURE_COUNT);
        const p = { pnl, marketValues, nav };
        const reasons = computeFigures(p, DEFAULT_RISK_OPTIONS, values);
        const { metrics, null_reasons } = computeMetrics(p, DEFAULT_RISK_OPTIONS);
        expect(reasons).toEqual(null_reasons);
        METRIC_PATHS.forEach((path, i) => {
          const m = readMetric(metrics, path);
          if (m === null) {
            expect(values[i], path).toBeNaN();
            expect(reasons[path], path).toBeTruthy();
          } else {
            expect(values[i], path).toBe(m);
            expect(reasons[path], path).toBeUndefined();
          }
        });
        expect(metricsOf(values)).toEqual(metrics);
        expect(metricsOf(figuresOf(metrics))).toEqual(metrics);
      }),
      { numRuns: 200 },
    );
  });

  it('share one empty null_reasons when every figure is computed, and name each null one otherwise', () => {
    const full = computeFigures({ pnl: Float64Array.of(1000, -2000, 500, -300), marketValues, nav: NAV }, DEFAULT_RISK_OPTIONS, new Float64Array(FIGURE_COUNT));
    expect(full).toEqual({});
    expect(Object.isFrozen(full)).toBe(true);
    const empty = computeFigures({ pnl: Float64Array.of(), marketValues: Float64Array.of(), nav: null }, DEFAULT_RISK_OPTIONS, new Float64Array(FIGURE_COUNT));
    // Exposure of no positions is 0, not null; everything else needs positions.
    expect(Object.keys(empty)).toEqual(METRIC_PATHS.filter((p) => p !== 'gross_exposure' && p !== 'net_exposure'));
    expect(empty.var_95).toBe('portfolio holds no positions');
    // The next computation starts with no reasons left over.
    expect(computeFigures({ pnl: Float64Array.of(1000, -2000, 500, -300), marketValues, nav: NAV }, DEFAULT_RISK_OPTIONS, new Float64Array(FIGURE_COUNT))).toEqual({});
  });
});
