// Statistics over a return series, with the conventions of docs/metrics.md (numpy-style
// percentiles, empyrical-style ratios). Pure functions over Float64Arrays. Each states what it
// needs (how many returns, a non-zero deviation); the metric assembler (metrics.ts) checks
// those preconditions and turns the cases that cannot be computed into null with a reason.
import { SUMS, SeriesMemory } from './series-memory';

/** Standard normal quantiles Φ⁻¹(0.05) and Φ⁻¹(0.01) (the values scipy.stats.norm.ppf prints). */
export const Z_95 = -1.6448536269514729;
export const Z_99 = -2.3263478740408408;

/** Tail probabilities of the 95% and 99% figures. */
export const TAIL_95 = 0.05;
export const TAIL_99 = 0.01;

export function sum(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** Needs at least 1 value. */
export function mean(x: Float64Array): number {
  return sum(x) / x.length;
}

/** True when every value is the same (so any deviation is exactly 0, not a rounding residue). */
export function isConstant(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/**
 * Sample standard deviation (ddof = 1), two-pass. Needs at least 2 values. Exactly 0 when every
 * value is equal: a mean that rounds off the common value must not leave a 1e-18 "deviation"
 * for a ratio to divide by.
 */
export function stdev(x: Float64Array): number {
  if (isConstant(x)) return 0;
  const m = mean(x);
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (x.length - 1));
}

/** numpy's `_lerp`: a + (b - a) t, computed from b's side when t >= 0.5 (as numpy does). */
export function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * The k smallest values of x in ascending order (k <= x.length), by one pass that keeps a sorted
 * buffer: O(n) for the small k a tail needs, where a full sort would be O(n log n).
 */
export function smallest(x: Float64Array, k: number, out: Float64Array = new Float64Array(k)): Float64Array {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    let j: number;
    if (m < k) j = m++;
    else if (v < out[k - 1]) j = k - 1;
    else continue;
    while (j > 0 && out[j - 1] > v) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = v;
  }
  return out;
}

/** Where the q-quantile of n sorted values falls: order statistic `lo` plus fraction `g` toward lo + 1 (numpy "linear"). */
export function quantilePosition(n: number, q: number): { lo: number; hi: number; g: number } {
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  return { lo, hi: Math.min(lo + 1, n - 1), g: h - lo };
}

/** How many of the smallest values the `tail` figures (VaR and CVaR) read: order statistics 0..lo+1. */
export function tailSize(n: number, tail: number): number {
  return Math.min(quantilePosition(n, tail).lo + 2, n);
}

/** Historical VaR from the ascending `sorted` smallest values of a series of n (at least tailSize(n, tail) of them). */
export function varFromSorted(sorted: Float64Array, n: number, tail: number): number {
  const { lo, hi, g } = quantilePosition(n, tail);
  return lerp(sorted[lo], sorted[hi], g);
}

/** CVaR (expected shortfall) from the ascending smallest values: the mean of the k + 1 smallest, k = floor((n - 1) * tail). */
export function cvarFromSorted(sorted: Float64Array, n: number, tail: number): number {
  const k = Math.floor((n - 1) * tail);
  let s = 0;
  for (let i = 0; i <= k; i++) s += sorted[i];
  return s / (k + 1);
}

/** numpy `percentile(x, 100 * q)` with the default linear interpolation. Needs at least 1 value. */
export function percentile(x: Float64Array, q: number): number {
  const sorted = Float64Array.from(x).sort();
  const { lo, hi, g } = quantilePosition(x.length, q);
  return lerp(sorted[lo], sorted[hi], g);
}

/** Historical VaR: the `tail` quantile of the returns (negative = loss). Needs at least 1 return. */
export function historicalVar(r: Float64Array, tail: number): number {
  return varFromSorted(smallest(r, tailSize(r.length, tail)), r.length, tail);
}

/** Expected shortfall: the mean of the k + 1 smallest returns, k = floor((T - 1) * tail). Needs at least 1 return. */
export function cvar(r: Float64Array, tail: number): number {
  const k = Math.floor((r.length - 1) * tail);
  return cvarFromSorted(smallest(r, k + 1), r.length, tail);
}

/** Gaussian VaR: mean + z * std (ddof 1). Needs at least 2 returns. */
export function parametricVar(r: Float64Array, z: number): number {
  return mean(r) + z * stdev(r);
}

/** Annualised volatility: std (ddof 1) * sqrt(A). Needs at least 2 returns. */
export function volatility(r: Float64Array, periodsPerYear: number): number {
  return stdev(r) * Math.sqrt(periodsPerYear);
}

/** RiskMetrics decay for daily data. */
export const EWMA_LAMBDA = 0.94;

/** The figures of a return series that take a pass or two over it (see summarize). */
export interface ReturnSummary {
  /** mean(r) */
  mean: number;
  /** Sample standard deviation (ddof 1), the same double stdev() gives: exactly 0 when every return is equal. */
  sd: number;
  /** m3 / m2^1.5 and m4 / m2^2 - 3 from central moments over n (the biased estimators, scipy.stats defaults); NaN when sd is 0. */
  skewness: number;
  excessKurtosis: number;
  /** Largest fall of wealth W0 = 1, W[t] = W[t-1] (1 + r[t]) from its running peak (the start included), as a fraction of the peak: 0 or negative. */
  maxDrawdown: number;
  /** prod(1 + r) */
  endingWealth: number;
  /** RiskMetrics variance, zero mean: sum_k lambda^k r[T-1-k]^2 / sum_k lambda^k. */
  ewmaVariance: number;
  /** mean(r - mar) */
  meanOverMar: number;
  /** sqrt(mean(min(r - mar, 0)^2)): averaged over every return, not only those below mar. */
  downsideDeviation: number;
}

/**
 * Where a scan collects the candidates for the lower tail: every return at or below `bound`, up to
 * the buffer's length, in ascending order. When at least the tail's size is collected (and the
 * buffer did not overflow), the tail is exactly the first of them; otherwise the caller selects
 * over the whole series. A portfolio keeps its bound from tick to tick: its returns barely move
 * between ticks.
 */
export interface TailCandidates {
  bound: number;
  /** The candidates, ascending, when count <= values.length (unordered when it overflowed). */
  values: Float64Array;
  /** How many values were at or below the bound (may exceed values.length: overflowed). */
  count: number;
}

/** Where series from outside any book are copied for the kernel (see summarizeScaled); made on first need. */
let staging: SeriesMemory | null = null;

/**
 * Every moment-like figure of a series (at least 1 return) in one call of the summarize kernel
 * (series-kernels.wat: two passes, sums with wealth, then central moments, two days at a time): this
 * runs for each affected portfolio on every tick, where one pass per figure would cost several
 * times as much. The series is x[i] * (1 / divisor) (a portfolio's P&L over its NAV), written to
 * `r` (which may be x itself when divisor is 1); the first pass also collects `tail` candidates
 * when given. The single-figure functions below read from it, so each formula lives here once.
 * When x and r are views of one SeriesMemory (a risk book's series) the kernel reads them in
 * place; any other arrays are copied in and r copied back out. The result is written to `out`
 * when given (the hot path reuses one: a new object with nine numbers is ~250 bytes per recompute).
 */
export function summarizeScaled(x: Float64Array, divisor: number, r: Float64Array, mar = 0, lambda = EWMA_LAMBDA, tail?: TailCandidates, out?: ReturnSummary): ReturnSummary {
  const n = x.length;
  const cap = tail ? tail.values.length : 0;
  const home = SeriesMemory.of(x);
  const inPlace = home !== undefined && home.holds(r) && home.hasRoom(n, cap);
  const memory = inPlace ? home : (staging ??= new SeriesMemory());
  let series = x;
  let returns = r;
  if (!inPlace) ({ series, returns } = memory.stage(x, cap));
  // A multiply per value, not a division: divisions are what the first pass would otherwise wait on.
  const sums = memory.summarize(series, 1 / divisor, returns, mar, lambda, tail ? tail.bound : NaN, cap);
  if (!inPlace) r.set(returns);
  if (tail) {
    const count = (tail.count = sums[SUMS.tailCount]);
    memory.copyTailCandidates(tail.values, Math.min(count, cap));
  }
  const m = sums[SUMS.sum] / n;
  const m2 = sums[SUMS.m2];
  const m3 = sums[SUMS.m3];
  const m4 = sums[SUMS.m4];
  const mdd = sums[SUMS.maxDrawdown];
  const w = sums[SUMS.endingWealth];
  const ewma = sums[SUMS.ewma];
  const constant = allEqual(r, n, m2);
  const v = m2 / n;
  const sd = constant ? 0 : Math.sqrt(m2 / (n - 1));
  const skewness = constant ? NaN : m3 / n / (v * Math.sqrt(v));
  const excessKurtosis = constant ? NaN : m4 / n / (v * v) - 3;
  const downsideDeviation = Math.sqrt(sums[SUMS.downside] / n);
  if (!out) return { mean: m, sd, skewness, excessKurtosis, maxDrawdown: mdd, endingWealth: w, ewmaVariance: ewma, meanOverMar: m - mar, downsideDeviation };
  out.mean = m;
  out.sd = sd;
  out.skewness = skewness;
  out.excessKurtosis = excessKurtosis;
  out.maxDrawdown = mdd;
  out.endingWealth = w;
  out.ewmaVariance = ewma;
  out.meanOverMar = m - mar;
  out.downsideDeviation = downsideDeviation;
  return out;
}

/**
 * Whether r[0..n) are all the same value, given m2 = the sum of squared deviations from their
 * computed mean. Equal values can still show a tiny m2 (their mean is rounded), so m2 is compared
 * with that rounding's bound, n x (n u r0)^2 with u = 2^-53, with a factor 4 to spare; only a
 * series under it (constant, or nearly) is compared value by value. Keeps the comparison out of
 * the hot loop; NaN is never "constant".
 */
function allEqual(r: Float64Array, n: number, m2: number): boolean {
  const r0 = r[0];
  const bound = 4 * n * (n * Number.EPSILON * 0.5 * r0) ** 2;
  if (m2 > bound) return false;
  for (let i = 1; i < n; i++) if (r[i] !== r0) return false;
  return r0 === r0;
}

/** The figures of summarizeScaled for a return series itself. */
export function summarize(r: Float64Array, mar = 0, lambda = EWMA_LAMBDA): ReturnSummary {
  return summarizeScaled(r, 1, r, mar, lambda);
}

/** Largest peak-to-trough fall of wealth, as a fraction of the peak (see ReturnSummary). Needs at least 1 return. */
export function maxDrawdown(r: Float64Array): number {
  return summarize(r).maxDrawdown;
}

/** Compound annual growth rate from ending wealth W over T periods: W^(A / T) - 1; NaN when W < 0 (no real root). */
export function cagrOf(endingWealth: number, periods: number, periodsPerYear: number): number {
  return endingWealth < 0 ? NaN : Math.pow(endingWealth, periodsPerYear / periods) - 1;
}

/** CAGR = prod(1 + r)^(A / T) - 1. */
export function cagr(r: Float64Array, periodsPerYear: number): number {
  return cagrOf(summarize(r).endingWealth, r.length, periodsPerYear);
}

/** CAGR / |max drawdown|. Needs a non-zero drawdown and non-negative ending wealth. */
export function calmar(r: Float64Array, periodsPerYear: number): number {
  const s = summarize(r);
  return cagrOf(s.endingWealth, r.length, periodsPerYear) / Math.abs(s.maxDrawdown);
}

/** Sharpe from a summary: mean(r - rf) / std(r - rf) * sqrt(A); subtracting a constant leaves the deviation as it is. */
export function sharpeOf(s: ReturnSummary, riskFree: number, periodsPerYear: number): number {
  return ((s.mean - riskFree) / s.sd) * Math.sqrt(periodsPerYear);
}

/** mean(r - rf) / std(r - rf, ddof 1) * sqrt(A). Needs at least 2 returns that are not all equal. */
export function sharpe(r: Float64Array, riskFree: number, periodsPerYear: number): number {
  return sharpeOf(summarize(r), riskFree, periodsPerYear);
}

export function downsideDeviation(r: Float64Array, mar: number): number {
  return summarize(r, mar).downsideDeviation;
}

/** Sortino from a summary made with `mar`: mean(r - mar) * A / (downside deviation * sqrt(A)). Not finite without downside. */
export function sortinoOf(s: ReturnSummary, periodsPerYear: number): number {
  return (s.meanOverMar * periodsPerYear) / (s.downsideDeviation * Math.sqrt(periodsPerYear));
}

/** mean(r - mar) * A / (downside deviation * sqrt(A)). Needs at least one return below mar. */
export function sortino(r: Float64Array, mar: number, periodsPerYear: number): number {
  return sortinoOf(summarize(r, mar), periodsPerYear);
}

/**
 * EWMA (RiskMetrics) volatility, annualised: sqrt(sum_k lambda^k r[T-1-k]^2 / sum_k lambda^k) * sqrt(A).
 * Zero mean, weights normalised over the window: pandas `(r**2).ewm(alpha=1-lambda, adjust=True).mean()`.
 */
export function ewmaVolatility(r: Float64Array, periodsPerYear: number, lambda = EWMA_LAMBDA): number {
  return Math.sqrt(summarize(r, 0, lambda).ewmaVariance) * Math.sqrt(periodsPerYear);
}

/** Sample skewness and excess kurtosis (see ReturnSummary). Needs a series that is not constant. */
export function shapeMoments(r: Float64Array): { skewness: number; excessKurtosis: number } {
  const { skewness, excessKurtosis } = summarize(r);
  return { skewness, excessKurtosis };
}

/** The Cornish-Fisher quantile: z adjusted for skewness S and excess kurtosis K. */
export function cornishFisherZ(z: number, skewness: number, excessKurtosis: number): number {
  const z2 = z * z;
  const z3 = z2 * z;
  return z + ((z2 - 1) * skewness) / 6 + ((z3 - 3 * z) * excessKurtosis) / 24 - ((2 * z3 - 5 * z) * skewness * skewness) / 36;
}

/** Cornish-Fisher VaR from a summary: mean + z_cf * std (ddof 1); equals parametric VaR when skewness and excess kurtosis are 0. */
export function cornishFisherVarOf(s: ReturnSummary, z: number): number {
  return s.mean + cornishFisherZ(z, s.skewness, s.excessKurtosis) * s.sd;
}

export function cornishFisherVar(r: Float64Array, z: number): number {
  return cornishFisherVarOf(summarize(r), z);
}
