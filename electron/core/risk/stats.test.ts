// Hand-computed cases for each statistic, and the properties every return series must satisfy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquare1Sf, kupiec, backtestHistoricalVar } from './backtest';
import { exposure } from './exposure';
import {
  TAIL_95,
  TAIL_99,
  Z_95,
  Z_99,
  cagr,
  cornishFisherVar,
  cornishFisherZ,
  cvar,
  downsideDeviation,
  ewmaVolatility,
  historicalVar,
  lerp,
  maxDrawdown,
  parametricVar,
  percentile,
  sharpe,
  shapeMoments,
  smallest,
  sortino,
  stdev,
  summarize,
  volatility,
} from './stats';

const f64 = (...x: number[]) => Float64Array.from(x);
// Ten returns whose order statistics are -0.04, -0.03, ..., 0.05.
const TEN = f64(0.01, -0.02, 0.03, -0.04, 0.05, 0, -0.01, 0.02, -0.03, 0.04);

describe('percentile-based figures (numpy linear interpolation)', () => {
  it('interpolates between the order statistics around (T - 1) * q', () => {
    // T = 10: 9 * 0.05 = 0.45 -> 45% of the way from -0.04 to -0.03; 9 * 0.01 = 0.09.
    expect(historicalVar(TEN, TAIL_95)).toBeCloseTo(-0.04 + 0.01 * 0.45, 15);
    expect(historicalVar(TEN, TAIL_99)).toBeCloseTo(-0.04 + 0.01 * 0.09, 15);
    // k = floor(0.45) = 0: the single smallest return.
    expect(cvar(TEN, TAIL_95)).toBe(-0.04);
    expect(cvar(TEN, TAIL_99)).toBe(-0.04);
    expect(percentile(TEN, 0.5)).toBeCloseTo(0.005, 15);
  });

  it('reads a tie at the interpolation point as that value, and averages ties in the tail', () => {
    // T = 21: 20 * 0.05 = 1 exactly -> order statistic 1; 20 * 0.01 = 0.2; CVaR95 k = 1, CVaR99 k = 0.
    const r = new Float64Array(21).fill(0.01);
    r[3] = -0.05;
    r[17] = -0.05;
    r[9] = -0.02;
    expect(historicalVar(r, TAIL_95)).toBe(-0.05);
    expect(historicalVar(r, TAIL_99)).toBe(-0.05);
    expect(cvar(r, TAIL_95)).toBe(-0.05);
    r[17] = -0.03;
    expect(historicalVar(r, TAIL_95)).toBe(-0.03);
    expect(historicalVar(r, TAIL_99)).toBeCloseTo(-0.05 + 0.02 * 0.2, 15);
    expect(cvar(r, TAIL_95)).toBeCloseTo((-0.05 - 0.03) / 2, 15);
    expect(cvar(r, TAIL_99)).toBe(-0.05);
  });

  it('uses one return as its own VaR and CVaR', () => {
    expect(historicalVar(f64(-0.02), TAIL_95)).toBe(-0.02);
    expect(cvar(f64(-0.02), TAIL_99)).toBe(-0.02);
  });

  it('follows numpy _lerp, computing from the upper value when the fraction is 0.5 or more', () => {
    expect(lerp(1, 3, 0.25)).toBe(1.5);
    expect(lerp(1, 3, 0.75)).toBe(2.5);
    expect(lerp(-0.04, -0.03, 0)).toBe(-0.04);
  });

  it('selects the k smallest in ascending order', () => {
    expect(Array.from(smallest(TEN, 3))).toEqual([-0.04, -0.03, -0.02]);
    expect(Array.from(smallest(f64(3, 1, 2), 3))).toEqual([1, 2, 3]);
  });
});

describe('moment-based figures', () => {
  // TEN: mean 0.005; sum of squared deviations 0.0085 - 10 * 0.005^2 = 0.00825.
  const sd = Math.sqrt(0.00825 / 9);

  it('uses the sample standard deviation (ddof 1)', () => {
    expect(stdev(TEN)).toBeCloseTo(sd, 15);
    expect(volatility(TEN, 252)).toBeCloseTo(sd * Math.sqrt(252), 14);
    expect(parametricVar(TEN, Z_95)).toBeCloseTo(0.005 - 1.6448536269514729 * sd, 15);
    expect(parametricVar(TEN, Z_99)).toBeCloseTo(0.005 - 2.3263478740408408 * sd, 15);
  });

  it('is exactly 0 for a constant series, however the mean rounds', () => {
    expect(stdev(f64(0.1, 0.1, 0.1))).toBe(0);
  });

  it('summary: a series of one repeated value is flat (sd 0, no shape), one a single ulp apart is not', () => {
    // The summary tells "all equal" from the size of the deviations, checking value by value only
    // under the rounding bound: these pin both sides of that bound.
    // (Values whose squared deviations stay above the smallest double: below that, any sd is 0.)
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => Math.abs(v) > 1e-100 || v === 0);
    fc.assert(
      fc.property(value, fc.integer({ min: 2, max: 600 }), fc.nat(), fc.boolean(), (v, n, at, nudge) => {
        const x = new Float64Array(n).fill(v);
        if (nudge) x[at % n] = v === 0 ? 1e-100 : v + Math.abs(v) * Number.EPSILON;
        const s = summarize(x);
        if (nudge) {
          expect(s.sd).toBeGreaterThan(0);
        } else {
          expect(s.sd).toBe(0);
          expect(s.skewness).toBeNaN();
          expect(s.excessKurtosis).toBeNaN();
        }
      }),
      { numRuns: 400 },
    );
    expect(summarize(f64(0.1, 0.1, 0.1)).sd).toBe(0);
    expect(summarize(f64(NaN, NaN)).sd).toBeNaN();
  });

  it('Sharpe: mean excess over its deviation, annualised', () => {
    expect(sharpe(TEN, 0, 252)).toBeCloseTo((0.005 / sd) * Math.sqrt(252), 12);
    // A risk-free rate shifts the mean but not the deviation.
    expect(sharpe(TEN, 0.001, 12)).toBeCloseTo((0.004 / sd) * Math.sqrt(12), 12);
  });

  it('Sortino: downside deviation averages over every return, not only the losses', () => {
    // Below 0: -0.02, -0.04, -0.01, -0.03 -> squares sum to 0.003, over T = 10.
    const dd = Math.sqrt(0.003 / 10);
    expect(downsideDeviation(TEN, 0)).toBeCloseTo(dd, 15);
    expect(sortino(TEN, 0, 252)).toBeCloseTo((0.005 * 252) / (dd * Math.sqrt(252)), 12);
  });

  it('EWMA: lambda 0.94 weights normalised over the window, zero mean', () => {
    // r = [0.01, -0.02, 0.03]: weights 0.94^2, 0.94, 1.
    const num = 0.94 ** 2 * 0.0001 + 0.94 * 0.0004 + 0.0009;
    const den = 0.94 ** 2 + 0.94 + 1;
    expect(ewmaVolatility(f64(0.01, -0.02, 0.03), 252)).toBeCloseTo(Math.sqrt(num / den) * Math.sqrt(252), 14);
  });

  it('Cornish-Fisher: z unchanged for a symmetric, mesokurtic sample; adjusted otherwise', () => {
    expect(cornishFisherZ(Z_95, 0, 0)).toBe(Z_95);
    // Skew 1, excess kurtosis 0: z + (z^2 - 1)/6 - (2z^3 - 5z)/36.
    const z = Z_95;
    expect(cornishFisherZ(z, 1, 0)).toBeCloseTo(z + (z * z - 1) / 6 - (2 * z ** 3 - 5 * z) / 36, 15);
    // [-1, 0, 1, 2]: mean 0.5, m2 1.25, m3 0, m4 2.5625 -> skew 0, excess kurtosis 2.5625/1.5625 - 3.
    const x = f64(-1, 0, 1, 2);
    const { skewness, excessKurtosis } = shapeMoments(x);
    expect(skewness).toBeCloseTo(0, 15);
    expect(excessKurtosis).toBeCloseTo(2.5625 / 1.5625 - 3, 14);
    const k = 2.5625 / 1.5625 - 3;
    expect(cornishFisherVar(x, z)).toBeCloseTo(0.5 + (z + ((z ** 3 - 3 * z) * k) / 24) * stdev(x), 14);
  });
});

describe('drawdown and growth', () => {
  it('measures drawdown from the running peak, the starting value included', () => {
    // Wealth 1 -> 0.9 -> 0.99 -> 0.792 (peak 1): worst (0.792 - 1) / 1.
    expect(maxDrawdown(f64(-0.1, 0.1, -0.2))).toBeCloseTo(-0.208, 15);
    // A new peak resets: 1.5 then 0.75 is -50%.
    expect(maxDrawdown(f64(0.5, -0.5))).toBe(-0.5);
    expect(maxDrawdown(f64(0.01, 0.02))).toBe(0);
    // A deeper fall from a later peak: 1 -> 0.7, then peak 1.05 -> 0.6048 (-42.4%).
    expect(maxDrawdown(f64(-0.3, 0.5, -0.1, -0.2, -0.2))).toBeCloseTo((1.05 * 0.9 * 0.8 * 0.8) / 1.05 - 1, 15);
  });

  it('equals the textbook definition (wealth path, running peak, worst fall) on any series', () => {
    const textbook = (r: Float64Array) => {
      let w = 1, peak = 1, worst = 0;
      for (const x of r) {
        w *= 1 + x;
        peak = Math.max(peak, w);
        worst = Math.min(worst, (w - peak) / peak);
      }
      return worst;
    };
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const r = Float64Array.from(xs);
        const want = textbook(r);
        expect(Math.abs(maxDrawdown(r) - want)).toBeLessThanOrEqual(1e-15 * Math.abs(want));
      }),
      { numRuns: 300 },
    );
  });

  it('CAGR = prod(1 + r)^(A / T) - 1', () => {
    expect(cagr(f64(0.1, -0.1), 2)).toBeCloseTo(0.99 - 1, 15);
    expect(cagr(f64(0.21), 0.5)).toBeCloseTo(0.1, 15);
    expect(cagr(f64(-1.5), 1)).toBeNaN(); // wealth below 0: no real root
  });
});

describe('exposure', () => {
  it('sums gross and net, and measures concentration on gross', () => {
    const e = exposure(f64(600, -300, 100));
    expect(e).toEqual({ gross: 1000, net: 400, largest: 600, hhi: 0.36 + 0.09 + 0.01, top5: 1 });
    const seven = exposure(f64(7, -6, 5, 4, 3, 2, 1));
    expect(seven.top5).toBeCloseTo(25 / 28, 15);
    expect(exposure(f64()).top5).toBeNaN();
  });
});

describe('Kupiec POF', () => {
  it('matches the chi-square(1) survival function', () => {
    // Reference values: scipy.stats.chi2.sf(x, 1).
    expect(chiSquare1Sf(3.841458820694124)).toBeCloseTo(0.05, 14);
    expect(chiSquare1Sf(0.5)).toBeCloseTo(0.47950012218695337, 14);
    expect(chiSquare1Sf(10)).toBeCloseTo(0.001565402258002549, 15);
    expect(chiSquare1Sf(40) / 2.5396285894708634e-10).toBeCloseTo(1, 10);
    expect(chiSquare1Sf(0)).toBe(1);
  });

  it('computes LR = -2 ln(L(p) / L(N/T))', () => {
    // 250 days, 5 exceptions against 1%: LR = -2[245 ln 0.99 + 5 ln 0.01 - 245 ln 0.98 - 5 ln 0.02].
    const lr = -2 * (245 * Math.log(0.99) + 5 * Math.log(0.01) - 245 * Math.log(0.98) - 5 * Math.log(0.02));
    const k = kupiec(5, 250, 0.01);
    expect(k.lr_statistic).toBeCloseTo(lr, 12);
    expect(k.expected).toBe(2.5);
    expect(k.p_value).toBeCloseTo(chiSquare1Sf(lr), 15);
    expect(k.passed).toBe(k.p_value >= 0.05);
    // No exceptions at all: LR = -2 T ln(1 - p); 0 ln 0 taken as 0.
    expect(kupiec(0, 250, 0.05).lr_statistic).toBeCloseTo(-2 * 250 * Math.log(0.95), 12);
    expect(kupiec(0, 250, 0.05).passed).toBe(false); // 0 of an expected 12.5 rejects the model
    expect(kupiec(12, 250, 0.05).passed).toBe(true);
  });

  it('tests each day against the VaR of the window before it', () => {
    // Window 4, 8 returns: days 4..7 each against the 5% quantile of the 4 returns before them.
    const r = f64(0.01, -0.01, 0.02, 0.0, -0.05, 0.01, 0.0, -0.001);
    const b = backtestHistoricalVar(r, 4, TAIL_95)!;
    // VaR before day 4: sorted [-0.01, 0, 0.01, 0.02] at 0.15 -> -0.0085; -0.05 < -0.0085 is an exception.
    // Day 5: [-0.05, -0.01, 0, 0.02] -> -0.05 + 0.04*0.15 = -0.044; 0.01 is not. Day 6: [-0.05, 0, 0.01, 0.02] -> -0.0425; no.
    // Day 7: [-0.05, 0, 0, 0.01] -> -0.0425; -0.001 no.
    expect(b.days).toBe(4);
    expect(b.exceptions).toBe(1);
    expect(backtestHistoricalVar(r.subarray(0, 4), 4, TAIL_95)).toBeNull();
  });
});

const returnsArb = fc.float64Array({ minLength: 1, maxLength: 300, min: -0.5, max: 0.5, noNaN: true, noDefaultInfinity: true });

describe('properties', () => {
  it('CVaR <= VaR and VaR99 <= VaR95', () => {
    fc.assert(
      fc.property(returnsArb, (r) => {
        const v95 = historicalVar(r, TAIL_95);
        const v99 = historicalVar(r, TAIL_99);
        // The mean of values at or below the VaR can round a hair above it when they are all equal.
        const slack = (x: number) => 1e-15 * Math.max(1, Math.abs(x));
        expect(cvar(r, TAIL_95)).toBeLessThanOrEqual(v95 + slack(v95));
        expect(cvar(r, TAIL_99)).toBeLessThanOrEqual(v99 + slack(v99));
        expect(v99).toBeLessThanOrEqual(v95);
        expect(cvar(r, TAIL_99)).toBeLessThanOrEqual(cvar(r, TAIL_95) + slack(v95));
      }),
    );
  });

  it('reordering the days leaves VaR, CVaR and volatility unchanged', () => {
    fc.assert(
      fc.property(
        returnsArb.filter((r) => r.length >= 2),
        fc.infiniteStream(fc.nat()),
        (r, picks) => {
          const shuffled = Float64Array.from(r);
          const it = picks[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
          }
          expect(historicalVar(shuffled, TAIL_95)).toBe(historicalVar(r, TAIL_95));
          expect(historicalVar(shuffled, TAIL_99)).toBe(historicalVar(r, TAIL_99));
          expect(cvar(shuffled, TAIL_95)).toBe(cvar(r, TAIL_95));
          expect(cvar(shuffled, TAIL_99)).toBe(cvar(r, TAIL_99));
          // Summation order may change the last bits of the deviation.
          const v = volatility(r, 252);
          expect(Math.abs(volatility(shuffled, 252) - v)).toBeLessThanOrEqual(1e-12 * Math.max(v, 1e-300));
        },
      ),
    );
  });

  it('the one-pass tail selection agrees with a full sort', () => {
    fc.assert(
      fc.property(returnsArb, fc.nat(), (r, pick) => {
        const s = Float64Array.from(r).sort();
        const k = 1 + (pick % r.length);
        // -0 and 0 are a tie to the selection (it compares with <) and it keeps whichever came
        // first, where a sort puts -0 first: the values are compared with the zeros' sign dropped
        // (x + 0 is +0 for either zero). Seed 901134319 found [0, -0, 0].
        const unsigned = (x: number) => x + 0;
        expect(Array.from(smallest(r, k), unsigned)).toEqual(Array.from(s.subarray(0, k), unsigned));
        for (const q of [TAIL_95, TAIL_99]) {
          const h = (r.length - 1) * q;
          const lo = Math.floor(h);
          expect(unsigned(historicalVar(r, q))).toBe(unsigned(lerp(s[lo], s[Math.min(lo + 1, r.length - 1)], h - lo)));
        }
      }),
    );
  });
});
