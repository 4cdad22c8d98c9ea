// Alert helpers the views share: ordering, wording, statistics.
import { type Alert, type AlertStatus, type ComparisonType, SEVERITY_RANK } from '../../../shared/domain';
import { isMetricPath, METRIC_INFO } from '../../../shared/metrics';
import { formatMetric, formatNumber } from '../format';

export const COMPARISON_SYMBOL: Record<ComparisonType, string> = { less_than: '<', less_than_or_equal: '≤', greater_than: '>', greater_than_or_equal: '≥', equal: '=' };

const STATUS_RANK: Record<AlertStatus, number> = { TRIGGERED: 3, ACKNOWLEDGED: 2, RESOLVED: 1 };

/** Needs action first: unacknowledged, then most severe, then newest. */
export function compareAlerts(a: Alert, b: Alert): number {
  return STATUS_RANK[b.status] - STATUS_RANK[a.status] || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.triggered_at.localeCompare(a.triggered_at) || b.id - a.id;
}

export function metricLabel(metric: string): string {
  return isMetricPath(metric) ? METRIC_INFO[metric].label : metric;
}

export function metricValue(metric: string, v: number | null, currency = 'USD'): string {
  return isMetricPath(metric) ? formatMetric(metric, v, currency) : formatNumber(v, 4);
}

/** "−5.21% < −5.00%": the current figure against the limit it crossed. */
export function breachText(a: Alert, currency = 'USD'): string {
  return `${metricValue(a.metric_type, a.current_value, currency)} ${COMPARISON_SYMBOL[a.comparison_type]} ${metricValue(a.metric_type, a.threshold_value, currency)}`;
}

export interface DurationStats {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
  max: number | null;
}

function durationStats(ms: number[]): DurationStats {
  if (ms.length === 0) return { count: 0, mean: null, median: null, p90: null, max: null };
  const s = [...ms].sort((x, y) => x - y);
  // Nearest-rank percentiles: every figure shown is a real alert's duration.
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { count: s.length, mean: s.reduce((x, y) => x + y, 0) / s.length, median: rank(0.5), p90: rank(0.9), max: s[s.length - 1] };
}

/** What the dashboard adds to the engine's alerts.stats: spread of response times and where alerts come from. */
export interface AlertSpread {
  total: number;
  /** Portfolios with the most alerts first. */
  byPortfolio: { portfolio_id: string; count: number }[];
  byMetric: { metric: string; count: number }[];
  /** Triggered to first acknowledgement, for alerts that were acknowledged. */
  timeToAcknowledge: DurationStats;
  /** Triggered to resolution, for resolved alerts. */
  timeToResolve: DurationStats;
}

export function alertStats(alerts: readonly Alert[]): AlertSpread {
  const portfolios = new Map<string, number>();
  const metrics = new Map<string, number>();
  const ack: number[] = [];
  const res: number[] = [];
  for (const a of alerts) {
    portfolios.set(a.portfolio_id, (portfolios.get(a.portfolio_id) ?? 0) + 1);
    metrics.set(a.metric_type, (metrics.get(a.metric_type) ?? 0) + 1);
    const t0 = Date.parse(a.triggered_at);
    if (a.acknowledged_at) ack.push(Date.parse(a.acknowledged_at) - t0);
    if (a.resolved_at) res.push(Date.parse(a.resolved_at) - t0);
  }
  const ranked = <K extends string>(m: Map<string, number>, key: K) =>
    [...m].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([k, count]) => ({ [key]: k, count }) as { [P in K]: string } & { count: number });
  return {
    total: alerts.length,
    byPortfolio: ranked(portfolios, 'portfolio_id'),
    byMetric: ranked(metrics, 'metric'),
    timeToAcknowledge: durationStats(ack.filter((x) => x >= 0)),
    timeToResolve: durationStats(res.filter((x) => x >= 0)),
  };
}
