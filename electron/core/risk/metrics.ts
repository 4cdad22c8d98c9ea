// Every metric of docs/metrics.md for one portfolio, from its P&L series and market values.
// A figure that cannot be computed is null with a reason; nothing here returns NaN or Infinity.
import { METRIC_PATHS, type MetricPath, type RiskMetrics, type RiskSnapshot, setMetric } from '../../../shared/metrics';
import { InputError } from '../book/types';
import { type Exposure, exposure } from './exposure';
import { EWMA_LAMBDA, type ReturnSummary, TAIL_95, TAIL_99, type TailCandidates, Z_95, Z_99, cagrOf, cornishFisherVarOf, cvarFromSorted, sharpeOf, smallest, sortinoOf, summarizeScaled, tailSize, varFromSorted } from './stats';

export interface RiskOptions {
  /** Lookback: the last `window` returns (default 252). */
  window: number;
  /** Periods per year A for annualising (default 252). */
  periodsPerYear: number;
  /** Risk-free return per period for Sharpe (default 0). */
  riskFree: number;
  /** Minimum acceptable return per period for Sortino (default 0). */
  mar: number;
}

export const DEFAULT_RISK_OPTIONS: Readonly<RiskOptions> = { window: 252, periodsPerYear: 252, riskFree: 0, mar: 0 };

/** Defaults filled in and every option checked: a bad option is an InputError naming it. */
export function resolveRiskOptions(opts: Partial<RiskOptions> = {}): RiskOptions {
  const o = { ...DEFAULT_RISK_OPTIONS, ...opts };
  if (!Number.isInteger(o.window) || o.window < 1) throw new InputError('options', null, 'window', `${o.window} must be a whole number of returns, at least 1`);
  if (!Number.isFinite(o.periodsPerYear) || o.periodsPerYear <= 0) throw new InputError('options', null, 'periodsPerYear', `${o.periodsPerYear} must be a number above 0`);
  if (!Number.isFinite(o.riskFree)) throw new InputError('options', null, 'riskFree', `${o.riskFree} must be a finite number`);
  if (!Number.isFinite(o.mar)) throw new InputError('options', null, 'mar', `${o.mar} must be a finite number`);
  return o;
}

export type NullReasons = RiskSnapshot['null_reasons'];

export interface MetricsResult {
  metrics: RiskMetrics;
  null_reasons: NullReasons;
}

export interface PortfolioFigures {
  /** Chronological P&L of the current holdings per return period, sum_i MV[i] * r[i,t]; length T. */
  pnl: Float64Array;
  /** Market value of each position at the latest price (quantity * multiplier * price). */
  marketValues: Float64Array;
  /** The portfolio's equity when given; null derives NAV as the net market value. */
  nav: number | null;
}

/** The NAV the figures divide by: the given one, or the net market value. */
export function navOf(marketValues: Float64Array, nav: number | null): number {
  if (nav !== null) return nav;
  let s = 0;
  for (let i = 0; i < marketValues.length; i++) s += marketValues[i];
  return s;
}

/** Why a portfolio's NAV cannot serve as a divisor, or null when it can. */
export function navProblem(positions: number, given: number | null, nav: number): string | null {
  if (positions === 0 && given === null) return 'NAV not given and no positions to derive it from';
  if (nav > 0 && Number.isFinite(nav)) return null;
  return given === null ? `NAV is not positive: derived as the net market value (${nav}); give the portfolio's NAV` : `NAV is not positive (${nav})`;
}

const NO_POSITIONS = 'portfolio holds no positions';
const NO_GROSS = 'no exposure: gross exposure is 0';
const FLAT = 'zero deviation: every return in the window is the same';
const NO_DOWNSIDE = 'no return below the minimum acceptable return (zero downside deviation)';
const NO_DRAWDOWN = 'max_drawdown is 0: no drawdown in the window';
const NEGATIVE_WEALTH = 'wealth fell below zero over the window, so CAGR is undefined';

/**
 * Where each metric sits in a figure vector (METRIC_PATHS order). The live loop keeps each
 * portfolio's figures in a Float64Array (NaN for a null figure) and builds a snapshot straight from
 * it: an intermediate RiskMetrics object per recompute doubled what the loop allocated, and the
 * young-generation collections that copy it.
 */
export const FIGURE = Object.freeze(Object.fromEntries(METRIC_PATHS.map((path, i) => [path, i]))) as { readonly [K in MetricPath]: number };
export const FIGURE_COUNT = METRIC_PATHS.length;

/**
 * Sets to null each metric whose figure in `f` is NaN: a RiskMetrics (or a snapshot) built from a
 * vector takes its doubles as they are, then this (a helper mapping NaN to null on each field boxed
 * every figure twice).
 */
export function putNulls(m: RiskMetrics, f: Float64Array): void {
  for (let i = 0; i < FIGURE_COUNT; i++) if (Number.isNaN(f[i])) setMetric(m, METRIC_PATHS[i], null);
}

/** The figures as a RiskMetrics object. */
export function metricsOf(f: Float64Array): RiskMetrics {
  const m: RiskMetrics = {
    var_95: f[FIGURE.var_95],
    var_99: f[FIGURE.var_99],
    cvar_95: f[FIGURE.cvar_95],
    cvar_99: f[FIGURE.cvar_99],
    parametric_var_95: f[FIGURE.parametric_var_95],
    parametric_var_99: f[FIGURE.parametric_var_99],
    cornish_fisher_var_95: f[FIGURE.cornish_fisher_var_95],
    cornish_fisher_var_99: f[FIGURE.cornish_fisher_var_99],
    var_95_amount: f[FIGURE.var_95_amount],
    var_99_amount: f[FIGURE.var_99_amount],
    cvar_95_amount: f[FIGURE.cvar_95_amount],
    cvar_99_amount: f[FIGURE.cvar_99_amount],
    parametric_var_95_amount: f[FIGURE.parametric_var_95_amount],
    parametric_var_99_amount: f[FIGURE.parametric_var_99_amount],
    volatility: f[FIGURE.volatility],
    ewma_volatility: f[FIGURE.ewma_volatility],
    max_drawdown: f[FIGURE.max_drawdown],
    sharpe_ratio: f[FIGURE.sharpe_ratio],
    sortino_ratio: f[FIGURE.sortino_ratio],
    calmar_ratio: f[FIGURE.calmar_ratio],
    gross_exposure: f[FIGURE.gross_exposure],
    net_exposure: f[FIGURE.net_exposure],
    leverage_ratio: f[FIGURE.leverage_ratio],
    nav: f[FIGURE.nav],
    concentration_risk: {
      max_position: f[FIGURE['concentration_risk.max_position']],
      hhi: f[FIGURE['concentration_risk.hhi']],
      effective_positions: f[FIGURE['concentration_risk.effective_positions']],
      top5: f[FIGURE['concentration_risk.top5']],
    },
  };
  putNulls(m, f);
  return m;
}

/**
 * Why each figure of the computation under way would be null, by figure index (module scratch:
 * computeFigures does not re-enter). The figures are written to the vector as they are and checked
 * in one pass at the end: passing each to a checking function boxed it (a third of what a
 * recompute allocated once the snapshot was built from the vector).
 */
const whyNull: string[] = new Array<string>(FIGURE_COUNT).fill('');

/** Turns every figure that is not finite into NaN and names why; the shared empty object when every figure is a number. */
function checkFigures(out: Float64Array): NullReasons {
  let reasons: NullReasons | null = null;
  for (let i = 0; i < FIGURE_COUNT; i++) {
    const v = out[i];
    if (Number.isFinite(v)) continue;
    out[i] = NaN;
    (reasons ??= {})[METRIC_PATHS[i]] = whyNull[i] || `not a finite number (${v}): the inputs overflow this figure`;
  }
  return reasons ?? NO_NULL_REASONS;
}

/** Scratch for the tail selection and its candidates, reused across calls (this runs on every tick). */
let tailScratch = new Float64Array(64);
/** How many tail candidates a scan keeps (a risk book's memory makes room for as many: see book.ts). */
export const TAIL_CANDIDATES = 64;
const candidates: TailCandidates = { bound: NaN, values: new Float64Array(TAIL_CANDIDATES), count: 0 };

/** Scratch results of the passes, overwritten by each computation (new objects on each tick were a fifth of what the loop allocated). */
const summaryScratch: ReturnSummary = { mean: 0, sd: 0, skewness: 0, excessKurtosis: 0, maxDrawdown: 0, endingWealth: 0, ewmaVariance: 0, meanOverMar: 0, downsideDeviation: 0 };
const exposureScratch: Exposure = { gross: 0, net: 0, largest: 0, hhi: 0, top5: 0 };

/** How many order statistics past the tail a portfolio's candidate bound keeps, so ticks rarely push one out. */
const TAIL_MARGIN = 6;

/**
 * What a caller keeps per portfolio between calls: the bound below which the lower tail was found
 * last time. It only makes the selection cheaper; the figures are the same with or without it.
 */
export interface TailHint {
  tailBound: number;
}

/** Every metric for one portfolio (see computeFigures). */
export function computeMetrics(p: PortfolioFigures, opts: RiskOptions, returns?: Float64Array, hint?: TailHint): MetricsResult {
  const figures = new Float64Array(FIGURE_COUNT);
  const null_reasons = computeFigures(p, opts, figures, returns, hint);
  return { metrics: metricsOf(figures), null_reasons };
}

/**
 * Every metric for one portfolio, written to `out` (a FIGURE_COUNT vector, NaN where a figure is
 * null); returns why each null figure is null. `returns` is scratch space of at least pnl.length
 * (reused across calls on the hot path); it receives the portfolio return series r[t] = pnl[t] / NAV.
 */
export function computeFigures(p: PortfolioFigures, opts: RiskOptions, out: Float64Array, returns: Float64Array = new Float64Array(p.pnl.length), hint?: TailHint): NullReasons {
  const n = p.marketValues.length;
  const exp = exposure(p.marketValues, exposureScratch);
  const nav = navOf(p.marketValues, p.nav);
  const navBad = navProblem(n, p.nav, nav);
  const T = p.pnl.length;
  const noReturns = n === 0 ? NO_POSITIONS : (navBad ?? (T === 0 ? 'no returns: the price history has a single date' : null));

  // Return figures: NaN until computed; a skipped figure gets its reason (checkFigures turns both into NaN + reason).
  let var95 = NaN, var99 = NaN, cvar95 = NaN, cvar99 = NaN, pvar95 = NaN, pvar99 = NaN, cf95 = NaN, cf99 = NaN;
  let vol = NaN, ewma = NaN, mdd = NaN, sharpeRatio = NaN, sortinoRatio = NaN, calmarRatio = NaN;
  const tailWhy = noReturns ?? '';
  let devWhy = tailWhy, cfWhy = tailWhy, sharpeWhy = tailWhy, sortinoWhy = tailWhy, calmarWhy = tailWhy;
  if (!noReturns) {
    const r = returns.length === T ? returns : returns.subarray(0, T);
    const { periodsPerYear: A, riskFree, mar } = opts;
    // One selection serves both confidence levels: the 99% tail is inside the 95% one.
    const k = tailSize(T, TAIL_95);
    const useHint = hint !== undefined && k + TAIL_MARGIN <= Math.min(T, candidates.values.length);
    candidates.bound = useHint ? hint.tailBound : NaN;
    const sum = summarizeScaled(p.pnl, nav, r, mar, EWMA_LAMBDA, useHint ? candidates : undefined, summaryScratch);
    const sorted = tailOf(r, k, useHint ? hint : undefined);
    var95 = varFromSorted(sorted, T, TAIL_95);
    var99 = varFromSorted(sorted, T, TAIL_99);
    cvar95 = cvarFromSorted(sorted, T, TAIL_95);
    cvar99 = cvarFromSorted(sorted, T, TAIL_99);
    mdd = sum.maxDrawdown;
    if (mdd === 0) calmarWhy = NO_DRAWDOWN;
    else {
      const growth = cagrOf(sum.endingWealth, T, A);
      if (Number.isNaN(growth)) calmarWhy = NEGATIVE_WEALTH;
      else calmarRatio = growth / Math.abs(mdd);
    }
    if (T < 2) devWhy = cfWhy = sharpeWhy = sortinoWhy = `needs at least 2 returns (have ${T})`;
    else {
      pvar95 = sum.mean + Z_95 * sum.sd;
      pvar99 = sum.mean + Z_99 * sum.sd;
      vol = sum.sd * Math.sqrt(A);
      ewma = Math.sqrt(sum.ewmaVariance) * Math.sqrt(A);
      if (sum.sd === 0) sharpeWhy = cfWhy = FLAT;
      else {
        sharpeRatio = sharpeOf(sum, riskFree, A);
        cf95 = cornishFisherVarOf(sum, Z_95);
        cf99 = cornishFisherVarOf(sum, Z_99);
      }
      if (sum.downsideDeviation === 0) sortinoWhy = NO_DOWNSIDE;
      else sortinoRatio = sortinoOf(sum, A);
    }
  }
  // Each figure (NaN where it was not computed) and why it would be null; checkFigures decides.
  const F = FIGURE;
  const w = whyNull;
  out[F.var_95] = var95;
  w[F.var_95] = tailWhy;
  out[F.var_99] = var99;
  w[F.var_99] = tailWhy;
  out[F.cvar_95] = cvar95;
  w[F.cvar_95] = tailWhy;
  out[F.cvar_99] = cvar99;
  w[F.cvar_99] = tailWhy;
  out[F.parametric_var_95] = pvar95;
  w[F.parametric_var_95] = devWhy;
  out[F.parametric_var_99] = pvar99;
  w[F.parametric_var_99] = devWhy;
  out[F.cornish_fisher_var_95] = cf95;
  w[F.cornish_fisher_var_95] = cfWhy;
  out[F.cornish_fisher_var_99] = cf99;
  w[F.cornish_fisher_var_99] = cfWhy;
  // An amount is null, with the same reason, when its return figure is (NaN * nav stays NaN).
  out[F.var_95_amount] = var95 * nav;
  w[F.var_95_amount] = tailWhy;
  out[F.var_99_amount] = var99 * nav;
  w[F.var_99_amount] = tailWhy;
  out[F.cvar_95_amount] = cvar95 * nav;
  w[F.cvar_95_amount] = tailWhy;
  out[F.cvar_99_amount] = cvar99 * nav;
  w[F.cvar_99_amount] = tailWhy;
  out[F.parametric_var_95_amount] = pvar95 * nav;
  w[F.parametric_var_95_amount] = devWhy;
  out[F.parametric_var_99_amount] = pvar99 * nav;
  w[F.parametric_var_99_amount] = devWhy;
  out[F.volatility] = vol;
  w[F.volatility] = devWhy;
  out[F.ewma_volatility] = ewma;
  w[F.ewma_volatility] = devWhy;
  out[F.max_drawdown] = mdd;
  w[F.max_drawdown] = tailWhy;
  out[F.sharpe_ratio] = sharpeRatio;
  w[F.sharpe_ratio] = sharpeWhy;
  out[F.sortino_ratio] = sortinoRatio;
  w[F.sortino_ratio] = sortinoWhy;
  out[F.calmar_ratio] = calmarRatio;
  w[F.calmar_ratio] = calmarWhy;
  out[F.gross_exposure] = exp.gross;
  w[F.gross_exposure] = '';
  out[F.net_exposure] = exp.net;
  w[F.net_exposure] = '';
  out[F.leverage_ratio] = navBad ? NaN : exp.gross / nav;
  w[F.leverage_ratio] = navBad ?? '';
  out[F.nav] = n === 0 && p.nav === null ? NaN : nav;
  w[F.nav] = navBad ?? '';
  out[F['concentration_risk.max_position']] = n === 0 || navBad ? NaN : exp.largest / nav;
  w[F['concentration_risk.max_position']] = n === 0 ? NO_POSITIONS : (navBad ?? '');
  out[F['concentration_risk.hhi']] = exp.gross > 0 ? exp.hhi : NaN;
  w[F['concentration_risk.hhi']] = n === 0 ? NO_POSITIONS : NO_GROSS;
  out[F['concentration_risk.effective_positions']] = exp.gross > 0 ? 1 / exp.hhi : NaN;
  w[F['concentration_risk.effective_positions']] = n === 0 ? NO_POSITIONS : NO_GROSS;
  out[F['concentration_risk.top5']] = exp.gross > 0 ? exp.top5 : NaN;
  w[F['concentration_risk.top5']] = n === 0 ? NO_POSITIONS : NO_GROSS;
  return checkFigures(out);
}

/** The null_reasons of a portfolio with every figure computed: one shared object, so the snapshots kept live hold one object less each. */
const NO_NULL_REASONS: NullReasons = Object.freeze({});

/**
 * The k smallest returns, ascending. With a hint whose bound let the scan collect at least k
 * candidates (and no more than the buffer holds), they are the first k of those: every return
 * below the k-th smallest was collected. Otherwise one selection over the whole series, which
 * also sets the bound for next time a few order statistics past the tail.
 */
function tailOf(r: Float64Array, k: number, hint: TailHint | undefined): Float64Array {
  const c = candidates.count;
  if (hint && c >= k && c <= candidates.values.length) {
    const sorted = candidates.values; // ascending: the scan sorts what it collects
    // Tighten a bound that collects far more than it needs.
    if (c > k + 2 * TAIL_MARGIN) hint.tailBound = sorted[k + TAIL_MARGIN - 1];
    return sorted;
  }
  const wanted = hint ? k + TAIL_MARGIN : k;
  if (tailScratch.length < wanted) tailScratch = new Float64Array(2 * wanted);
  const sorted = smallest(r, wanted, tailScratch);
  if (hint) hint.tailBound = sorted[wanted - 1];
  return sorted;
}
