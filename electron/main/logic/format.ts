// How an alert reads in a desktop notification: the metric's name, its value and the limit in
// the unit a risk manager reads them in (returns as percentages, amounts with separators).
import type { Alert, ComparisonType } from '../../../shared/domain';

const PERCENT_METRICS = new Set([
  'var_95',
  'var_99',
  'cvar_95',
  'cvar_99',
  'parametric_var_95',
  'parametric_var_99',
  'cornish_fisher_var_95',
  'cornish_fisher_var_99',
  'volatility',
  'ewma_volatility',
  'max_drawdown',
  'concentration_risk.max_position',
  'concentration_risk.top5',
]);
const AMOUNT_METRICS = new Set(['var_95_amount', 'var_99_amount', 'cvar_95_amount', 'cvar_99_amount', 'parametric_var_95_amount', 'parametric_var_99_amount', 'gross_exposure', 'net_exposure', 'nav']);

const LABELS: Record<string, string> = {
  var_95: 'VaR 95%',
  var_99: 'VaR 99%',
  cvar_95: 'CVaR 95%',
  cvar_99: 'CVaR 99%',
  parametric_var_95: 'Parametric VaR 95%',
  parametric_var_99: 'Parametric VaR 99%',
  cornish_fisher_var_95: 'Cornish-Fisher VaR 95%',
  cornish_fisher_var_99: 'Cornish-Fisher VaR 99%',
  var_95_amount: 'VaR 95% amount',
  var_99_amount: 'VaR 99% amount',
  cvar_95_amount: 'CVaR 95% amount',
  cvar_99_amount: 'CVaR 99% amount',
  parametric_var_95_amount: 'Parametric VaR 95% amount',
  parametric_var_99_amount: 'Parametric VaR 99% amount',
  volatility: 'Volatility',
  ewma_volatility: 'EWMA volatility',
  max_drawdown: 'Max drawdown',
  sharpe_ratio: 'Sharpe ratio',
  sortino_ratio: 'Sortino ratio',
  calmar_ratio: 'Calmar ratio',
  gross_exposure: 'Gross exposure',
  net_exposure: 'Net exposure',
  leverage_ratio: 'Leverage',
  nav: 'NAV',
  'concentration_risk.max_position': 'Largest position',
  'concentration_risk.hhi': 'Concentration (HHI)',
  'concentration_risk.effective_positions': 'Effective positions',
  'concentration_risk.top5': 'Top-5 share',
};

export function metricLabel(metric: string): string {
  return LABELS[metric] ?? metric;
}

/** A metric value in its reading unit; null (not computable) reads as "n/a". */
export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  if (PERCENT_METRICS.has(metric)) return `${(value * 100).toFixed(2)}%`;
  if (AMOUNT_METRICS.has(metric)) return Math.round(value).toLocaleString('en-US');
  if (metric === 'leverage_ratio') return `${value.toFixed(2)}x`;
  if (metric === 'concentration_risk.hhi') return value.toFixed(4);
  if (metric === 'concentration_risk.effective_positions') return value.toFixed(1);
  return value.toFixed(2);
}

const COMPARISON_WORDS: Record<ComparisonType, string> = {
  less_than: 'below',
  less_than_or_equal: 'at or below',
  greater_than: 'above',
  greater_than_or_equal: 'at or above',
  equal: 'at',
};

/** "VaR 95% -6.12% vs limit -5.00% (alerts below)" */
export function valueAgainstLimit(alert: Pick<Alert, 'metric_type' | 'current_value' | 'threshold_value' | 'comparison_type'>): string {
  const m = alert.metric_type;
  return `${metricLabel(m)} ${formatMetricValue(m, alert.current_value)} vs limit ${formatMetricValue(m, alert.threshold_value)} (alerts ${COMPARISON_WORDS[alert.comparison_type]})`;
}
