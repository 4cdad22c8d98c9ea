// VaR backtesting: Kupiec's proportion-of-failures (POF) test.
import { historicalVar } from './stats';

const LN_SQRT_PI = 0.5 * Math.log(Math.PI); // ln Γ(1/2)

/**
 * Survival function of the chi-square distribution with 1 degree of freedom, P(X > x) =
 * Q(1/2, x/2), the regularised upper incomplete gamma function: its series below a + 1,
 * its continued fraction (modified Lentz) above, both to full double precision.
 */
export function chiSquare1Sf(x: number): number {
  if (!(x > 0)) return 1;
  if (x === Infinity) return 0;
  const a = 0.5;
  const y = x / 2;
  const front = Math.exp(-y + a * Math.log(y) - LN_SQRT_PI);
  if (y < a + 1) {
    let ap = a;
    let del = 1 / a;
    let s = del;
    for (let i = 0; i < 1000; i++) {
      ap += 1;
      del *= y / ap;
      s += del;
      if (Math.abs(del) < Math.abs(s) * 1e-17) break;
    }
    return 1 - s * front;
  }
  const tiny = 1e-300;
  let b = y + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return front * h;
}

export interface KupiecResult {
  /** Days tested. */
  days: number;
  /** Days whose return fell below that day's VaR. */
  exceptions: number;
  /** days * tail probability. */
  expected: number;
  /** Likelihood-ratio statistic, chi-square(1) under the hypothesis that the VaR is right. */
  lr_statistic: number;
  p_value: number;
  /** The VaR model is not rejected at the 95% level (p-value >= 0.05). */
  passed: boolean;
}

/** x ln(y) with 0 ln 0 = 0 (the limit), as the likelihood needs when there are no exceptions or no non-exceptions. */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/** Kupiec POF test of `exceptions` out of `days` against the tail probability `tail` (0.05 for a 95% VaR). */
export function kupiec(exceptions: number, days: number, tail: number): KupiecResult {
  const n = exceptions;
  const rate = n / days;
  const logNull = xlogy(days - n, 1 - tail) + xlogy(n, tail);
  const logAlt = xlogy(days - n, 1 - rate) + xlogy(n, rate);
  // The alternative is the maximum-likelihood fit, so LR >= 0; rounding can leave -1e-16.
  const lr = Math.max(0, -2 * (logNull - logAlt));
  const p = chiSquare1Sf(lr);
  return { days, exceptions: n, expected: days * tail, lr_statistic: lr, p_value: p, passed: p >= 0.05 };
}

/**
 * Out-of-sample backtest of historical VaR over the series `r` (chronological): each of the last
 * `min(window, r.length - window)` days is compared with the VaR of the `window` returns before
 * it. Null when the series holds no more than `window` returns (no day has a full estimation window).
 */
export function backtestHistoricalVar(r: Float64Array, window: number, tail: number): KupiecResult | null {
  const days = Math.min(window, r.length - window);
  if (days <= 0) return null;
  let exceptions = 0;
  for (let t = r.length - days; t < r.length; t++) {
    if (r[t] < historicalVar(r.subarray(t - window, t), tail)) exceptions++;
  }
  return kupiec(exceptions, days, tail);
}
