// Which holdings drive the tail: component VaR (Euler allocation) and the correlation of holdings.
// `contrib[j][t]` is position j's contribution to the portfolio return on day t, w[j] * r[j,t],
// so that the portfolio return is r[t] = sum_j contrib[j][t]. Components then sum to the VaR.
import { lerp, mean, quantilePosition, stdev } from './stats';

/** Day indices ordered by return, ties by day: the order statistics the percentile reads. */
export function orderOfDays(r: Float64Array): Int32Array {
  const idx = new Int32Array(r.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => r[a] - r[b] || a - b);
}

/**
 * Historical component VaR: the portfolio VaR is a linear interpolation between the returns of
 * two days (order statistics lo and lo + 1, weight g); each position's component is the same
 * interpolation of its own contributions on those two days, so the components add up to the
 * portfolio VaR exactly (up to rounding). Needs at least 1 day.
 */
export function historicalComponentVar(contrib: readonly Float64Array[], r: Float64Array, tail: number, order: Int32Array = orderOfDays(r)): Float64Array {
  const { lo, hi, g } = quantilePosition(r.length, tail);
  const dLo = order[lo];
  const dHi = order[hi];
  return Float64Array.from(contrib, (c) => lerp(c[dLo], c[dHi], g));
}

/**
 * Parametric (Gaussian) component VaR: mean(c_j) + z * cov(c_j, r) / std(r), which sums to
 * mean(r) + z * std(r). Null when the portfolio return does not vary. Needs at least 2 days.
 */
export function parametricComponentVar(contrib: readonly Float64Array[], r: Float64Array, z: number): Float64Array | null {
  const sd = stdev(r);
  if (sd === 0) return null;
  const mu = mean(r);
  const T = r.length;
  return Float64Array.from(contrib, (c) => {
    const m = mean(c);
    let cov = 0;
    for (let t = 0; t < T; t++) cov += (c[t] - m) * (r[t] - mu);
    return m + (z * cov) / (T - 1) / sd;
  });
}

/** Pearson correlation of each pair of series (equal lengths, at least 2). Null where a series does not vary. */
export function correlationMatrix(series: readonly Float64Array[]): (number | null)[][] {
  const n = series.length;
  const centred = series.map((s) => {
    const m = mean(s);
    return Float64Array.from(s, (v) => v - m);
  });
  const norm = centred.map((c, i) => {
    if (stdev(series[i]) === 0) return 0;
    let ss = 0;
    for (let t = 0; t < c.length; t++) ss += c[t] * c[t];
    return Math.sqrt(ss);
  });
  const out: (number | null)[][] = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
  for (let i = 0; i < n; i++) {
    if (norm[i] === 0) continue;
    out[i][i] = 1;
    for (let j = i + 1; j < n; j++) {
      if (norm[j] === 0) continue;
      const a = centred[i];
      const b = centred[j];
      let s = 0;
      for (let t = 0; t < a.length; t++) s += a[t] * b[t];
      // Clamped: rounding can push a perfect correlation a hair past 1.
      const c = Math.max(-1, Math.min(1, s / (norm[i] * norm[j])));
      out[i][j] = c;
      out[j][i] = c;
    }
  }
  return out;
}
