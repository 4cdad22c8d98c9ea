// Every metric of docs/metrics.md for one portfolio, from its P&L series and market values.
// A figure that cannot be computed is null with a reason; nothing here returns NaN or Infinity.
import type { MetricPath, RiskMetrics, RiskSnapshot } from '../../../shared/metrics';
import { InputError } from '../book/types';
import { exposure } from './exposure';
import { EWMA_LAMBDA, TAIL_95, TAIL_99, type TailCandidates, Z_95, Z_99, cagrOf, cornishFisherVarOf, cvarFromSorted, sharpeOf, smallest, sortinoOf, summarizeScaled, tailSize, varFromSorted } from './stats';

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

/** The value, or null with its reason recorded; a value that is not finite is null too (never NaN or Infinity). */
function figure(reasons: NullReasons, path: MetricPath, value: number | null, reason: string): number | null {
  if (value !== null && Number.isFinite(value)) return value;
  reasons[path] = reason || `not a finite number (${value}): the inputs overflow this figure`;
  return null;
}

/** Scratch for the tail selection and its candidates, reused across calls (this runs on every tick). */
let tailScratch = new Float64Array(64);
const candidates: TailCandidates = { bound: NaN, values: new Float64Array(64), count: 0 };

/** How many order statistics past the tail a portfolio's candidate bound keeps, so ticks rarely push one out. */
const TAIL_MARGIN = 6;

/**
 * What a caller keeps per portfolio between calls: the bound below which the lower tail was found
 * last time. It only makes the selection cheaper; the figures are the same with or without it.
 */
export interface TailHint {
  tailBound: number;
}

/**
 * Every metric for one portfolio. `returns` is scratch space of at least pnl.length (reused across
 * calls on the hot path); it receives the portfolio return series r[t] = pnl[t] / NAV.
 */
export function computeMetrics(p: PortfolioFigures, opts: RiskOptions, returns: Float64Array = new Float64Array(p.pnl.length), hint?: TailHint): MetricsResult {
  const reasons: NullReasons = {};
  const n = p.marketValues.length;
  const exp = exposure(p.marketValues);
  const nav = navOf(p.marketValues, p.nav);
  const navBad = navProblem(n, p.nav, nav);
  const T = p.pnl.length;
  const noReturns = n === 0 ? NO_POSITIONS : (navBad ?? (T === 0 ? 'no returns: the price history has a single date' : null));

  // Return figures: NaN until computed; a skipped figure gets its reason (v() turns both into null + reason).
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
    const sum = summarizeScaled(p.pnl, nav, r, mar, EWMA_LAMBDA, useHint ? candidates : undefined);
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
  const v95 = figure(reasons, 'var_95', var95, tailWhy);
  const v99 = figure(reasons, 'var_99', var99, tailWhy);
  const c95 = figure(reasons, 'cvar_95', cvar95, tailWhy);
  const c99 = figure(reasons, 'cvar_99', cvar99, tailWhy);
  const p95 = figure(reasons, 'parametric_var_95', pvar95, devWhy);
  const p99 = figure(reasons, 'parametric_var_99', pvar99, devWhy);
  const metrics: RiskMetrics = {
    var_95: v95,
    var_99: v99,
    cvar_95: c95,
    cvar_99: c99,
    parametric_var_95: p95,
    parametric_var_99: p99,
    cornish_fisher_var_95: figure(reasons, 'cornish_fisher_var_95', cf95, cfWhy),
    cornish_fisher_var_99: figure(reasons, 'cornish_fisher_var_99', cf99, cfWhy),
    // An amount is null, with the same reason, when its return figure is.
    var_95_amount: figure(reasons, 'var_95_amount', v95 === null ? null : v95 * nav, reasons.var_95 ?? ''),
    var_99_amount: figure(reasons, 'var_99_amount', v99 === null ? null : v99 * nav, reasons.var_99 ?? ''),
    cvar_95_amount: figure(reasons, 'cvar_95_amount', c95 === null ? null : c95 * nav, reasons.cvar_95 ?? ''),
    cvar_99_amount: figure(reasons, 'cvar_99_amount', c99 === null ? null : c99 * nav, reasons.cvar_99 ?? ''),
    parametric_var_95_amount: figure(reasons, 'parametric_var_95_amount', p95 === null ? null : p95 * nav, reasons.parametric_var_95 ?? ''),
    parametric_var_99_amount: figure(reasons, 'parametric_var_99_amount', p99 === null ? null : p99 * nav, reasons.parametric_var_99 ?? ''),
    volatility: figure(reasons, 'volatility', vol, devWhy),
    ewma_volatility: figure(reasons, 'ewma_volatility', ewma, devWhy),
    max_drawdown: figure(reasons, 'max_drawdown', mdd, tailWhy),
    sharpe_ratio: figure(reasons, 'sharpe_ratio', sharpeRatio, sharpeWhy),
    sortino_ratio: figure(reasons, 'sortino_ratio', sortinoRatio, sortinoWhy),
    calmar_ratio: figure(reasons, 'calmar_ratio', calmarRatio, calmarWhy),
    gross_exposure: figure(reasons, 'gross_exposure', exp.gross, ''),
    net_exposure: figure(reasons, 'net_exposure', exp.net, ''),
    leverage_ratio: figure(reasons, 'leverage_ratio', navBad ? null : exp.gross / nav, navBad ?? ''),
    nav: figure(reasons, 'nav', n === 0 && p.nav === null ? null : nav, navBad ?? ''),
    concentration_risk: {
      max_position: figure(reasons, 'concentration_risk.max_position', n === 0 || navBad ? null : exp.largest / nav, n === 0 ? NO_POSITIONS : (navBad ?? '')),
      hhi: figure(reasons, 'concentration_risk.hhi', exp.gross > 0 ? exp.hhi : null, n === 0 ? NO_POSITIONS : NO_GROSS),
      effective_positions: figure(reasons, 'concentration_risk.effective_positions', exp.gross > 0 ? 1 / exp.hhi : null, n === 0 ? NO_POSITIONS : NO_GROSS),
      top5: figure(reasons, 'concentration_risk.top5', exp.gross > 0 ? exp.top5 : null, n === 0 ? NO_POSITIONS : NO_GROSS),
    },
  };
  return { metrics, null_reasons: hasKeys(reasons) ? reasons : NO_NULL_REASONS };
}

/** The null_reasons of a portfolio with every figure computed: one shared object, so the snapshots kept live hold one object less each. */
const NO_NULL_REASONS: NullReasons = Object.freeze({});

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * The k smallest returns, ascending. With a hint whose bound let the scan collect at least k
 * candidates (and no more than the buffer holds), they are the k smallest of those: every return
 * below the k-th smallest was collected. Otherwise one selection over the whole series, which
 * also sets the bound for next time a few order statistics past the tail.
 */
function tailOf(r: Float64Array, k: number, hint: TailHint | undefined): Float64Array {
  const c = candidates.count;
  if (hint && c >= k && c <= candidates.values.length) {
    const sorted = insertionSort(candidates.values, c);
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

/** Sorts the first `count` values in place, ascending (a few dozen at most). */
function insertionSort(values: Float64Array, count: number): Float64Array {
  for (let i = 1; i < count; i++) {
    const v = values[i];
    let j = i;
    while (j > 0 && values[j - 1] > v) {
      values[j] = values[j - 1];
      j--;
    }
    values[j] = v;
  }
  return values;
}
