// The metric contract: names, shapes and paths every layer agrees on.
// Definitions live in docs/metrics.md; the numbers come from electron/core/risk.

/** A figure that could not be computed is null (see `null_reasons`), never NaN or Infinity. */
export type MetricValue = number | null;

export interface ConcentrationRisk {
  max_position: MetricValue;
  hhi: MetricValue;
  effective_positions: MetricValue;
  top5: MetricValue;
}

/** Every scalar metric of docs/metrics.md, keyed by its contract name. */
export const SCALAR_METRICS = [
  'var_95',
  'var_99',
  'cvar_95',
  'cvar_99',
  'parametric_var_95',
  'parametric_var_99',
  'cornish_fisher_var_95',
  'cornish_fisher_var_99',
  'var_95_amount',
  'var_99_amount',
  'cvar_95_amount',
  'cvar_99_amount',
  'parametric_var_95_amount',
  'parametric_var_99_amount',
  'volatility',
  'ewma_volatility',
  'max_drawdown',
  'sharpe_ratio',
  'sortino_ratio',
  'calmar_ratio',
  'gross_exposure',
  'net_exposure',
  'leverage_ratio',
  'nav',
] as const;
export type ScalarMetric = (typeof SCALAR_METRICS)[number];

export const CONCENTRATION_METRICS = ['max_position', 'hhi', 'effective_positions', 'top5'] as const;
export type ConcentrationMetric = (typeof CONCENTRATION_METRICS)[number];

/** Every metric a threshold may watch: scalar names and nested `concentration_risk.*` paths. */
export const METRIC_PATHS = [
  ...SCALAR_METRICS,
  ...CONCENTRATION_METRICS.map((m) => `concentration_risk.${m}` as const),
] as const;
export type MetricPath = (typeof METRIC_PATHS)[number];

export type RiskMetrics = { [K in ScalarMetric]: MetricValue } & { concentration_risk: ConcentrationRisk };

/** One portfolio's metrics at one moment, as the CLI, the API and the dashboard show them. */
export interface RiskSnapshot extends RiskMetrics {
  portfolio_id: string;
  /** Date (YYYY-MM-DD) of the latest price used. */
  as_of: string;
  /** Number of portfolio returns in the window (T). */
  observations: number;
  /** ISO time the snapshot was computed. */
  timestamp: string;
  /** Why each null metric is null, keyed by metric path. */
  null_reasons: Partial<Record<MetricPath, string>>;
  /** True when a held symbol or the feed has been silent past the stale limit. */
  stale: boolean;
}

export function isMetricPath(path: string): path is MetricPath {
  return (METRIC_PATHS as readonly string[]).includes(path);
}

/** Reads a metric by contract path (`var_95`, `concentration_risk.hhi`). */
export function readMetric(metrics: RiskMetrics, path: MetricPath): MetricValue {
  if (path.startsWith('concentration_risk.')) {
    return metrics.concentration_risk[path.slice('concentration_risk.'.length) as ConcentrationMetric];
  }
  return metrics[path as ScalarMetric];
}

/** Writes a metric by contract path. */
export function setMetric(metrics: RiskMetrics, path: MetricPath, value: MetricValue): void {
  if (path.startsWith('concentration_risk.')) {
    metrics.concentration_risk[path.slice('concentration_risk.'.length) as ConcentrationMetric] = value;
  } else metrics[path as ScalarMetric] = value;
}

/** How the dashboard labels and formats each metric. `kind` picks the unit. */
export const METRIC_INFO: Record<MetricPath, { label: string; kind: 'return' | 'amount' | 'ratio' | 'share' | 'count' }> = {
  var_95: { label: 'VaR 95%', kind: 'return' },
  var_99: { label: 'VaR 99%', kind: 'return' },
  cvar_95: { label: 'CVaR 95%', kind: 'return' },
  cvar_99: { label: 'CVaR 99%', kind: 'return' },
  parametric_var_95: { label: 'Parametric VaR 95%', kind: 'return' },
  parametric_var_99: { label: 'Parametric VaR 99%', kind: 'return' },
  cornish_fisher_var_95: { label: 'Cornish-Fisher VaR 95%', kind: 'return' },
  cornish_fisher_var_99: { label: 'Cornish-Fisher VaR 99%', kind: 'return' },
  var_95_amount: { label: 'VaR 95% amount', kind: 'amount' },
  var_99_amount: { label: 'VaR 99% amount', kind: 'amount' },
  cvar_95_amount: { label: 'CVaR 95% amount', kind: 'amount' },
  cvar_99_amount: { label: 'CVaR 99% amount', kind: 'amount' },
  parametric_var_95_amount: { label: 'Parametric VaR 95% amount', kind: 'amount' },
  parametric_var_99_amount: { label: 'Parametric VaR 99% amount', kind: 'amount' },
  volatility: { label: 'Volatility (ann.)', kind: 'return' },
  ewma_volatility: { label: 'EWMA volatility (ann.)', kind: 'return' },
  max_drawdown: { label: 'Max drawdown', kind: 'return' },
  sharpe_ratio: { label: 'Sharpe', kind: 'ratio' },
  sortino_ratio: { label: 'Sortino', kind: 'ratio' },
  calmar_ratio: { label: 'Calmar', kind: 'ratio' },
  gross_exposure: { label: 'Gross exposure', kind: 'amount' },
  net_exposure: { label: 'Net exposure', kind: 'amount' },
  leverage_ratio: { label: 'Leverage', kind: 'ratio' },
  nav: { label: 'NAV', kind: 'amount' },
  'concentration_risk.max_position': { label: 'Largest position', kind: 'share' },
  'concentration_risk.hhi': { label: 'HHI', kind: 'ratio' },
  'concentration_risk.effective_positions': { label: 'Effective positions', kind: 'count' },
  'concentration_risk.top5': { label: 'Top 5 share', kind: 'share' },
};

/** Component VaR of one position: its share of the portfolio VaR (a return, like `var_95`); the components sum to the portfolio figure. */
export interface ComponentVar {
  historical_95: MetricValue;
  historical_99: MetricValue;
  parametric_95: MetricValue;
  parametric_99: MetricValue;
}

/** One holding as the risk engine sees it. */
export interface PositionRisk {
  symbol: string;
  quantity: number;
  multiplier: number;
  /** Latest price (carried forward when the symbol had no close on the latest date). */
  price: number;
  /** quantity * multiplier * price */
  market_value: number;
  /** market_value / NAV; null when NAV is not positive. */
  weight: MetricValue;
  component_var: ComponentVar;
}

/** Kupiec proportion-of-failures test of a historical VaR over the window. */
export interface VarBacktest {
  /** 0.95 or 0.99 */
  confidence: number;
  /** Days tested (each against the VaR of the `window` returns before it). */
  days: number;
  exceptions: number;
  expected: number;
  lr_statistic: number;
  /** chi-square(1) survival of the LR statistic. */
  p_value: number;
  /** Not rejected at the 95% level (p_value >= 0.05). */
  passed: boolean;
}

/** Everything the dashboard draws for one portfolio beyond the headline metrics. */
export interface RiskDetail {
  portfolio_id: string;
  as_of: string;
  observations: number;
  metrics: RiskMetrics;
  null_reasons: Partial<Record<MetricPath, string>>;
  /** Holdings, ordered by symbol. */
  positions: PositionRisk[];
  /** Pearson correlation of the holdings' returns over the window; `matrix[i][j]` pairs symbols[i] and symbols[j]; null where a holding's returns do not vary. */
  correlation: { symbols: string[]; matrix: MetricValue[][] };
  backtest: { var_95: VarBacktest | null; var_99: VarBacktest | null };
  /** Why a detail figure is null: keys `component_var.historical`, `component_var.parametric`, `correlation`, `backtest`. */
  detail_null_reasons: Record<string, string>;
}
