// Builders for contract objects in tests: a complete, valid object with the fields a test
// cares about overridden.
import type { PortfolioSummary } from '../types';
import type { Alert, Threshold } from '../../../shared/domain';
import { type RiskSnapshot, SCALAR_METRICS } from '../../../shared/metrics';

export const T0 = '2026-11-26T14:30:00.000Z';

export function portfolio(id: string, over: Partial<PortfolioSummary> = {}): PortfolioSummary {
  return { id, name: id.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()), nav: 10_000_000, currency: 'USD', positions: 10, stale: false, ...over };
}

type SnapshotOverrides = Partial<Omit<RiskSnapshot, 'concentration_risk'>> & { concentration_risk?: Partial<RiskSnapshot['concentration_risk']> };

export function snapshot(portfolioId: string, over: SnapshotOverrides = {}): RiskSnapshot {
  const base = Object.fromEntries(SCALAR_METRICS.map((m) => [m, 0])) as Record<(typeof SCALAR_METRICS)[number], number>;
  const { concentration_risk, ...rest } = over;
  return {
    ...base,
    var_95: -0.02,
    var_99: -0.03,
    cvar_95: -0.028,
    cvar_99: -0.04,
    volatility: 0.15,
    ewma_volatility: 0.14,
    max_drawdown: -0.08,
    sharpe_ratio: 1.1,
    sortino_ratio: 1.5,
    calmar_ratio: 0.9,
    leverage_ratio: 1,
    nav: 10_000_000,
    gross_exposure: 10_000_000,
    net_exposure: 10_000_000,
    var_95_amount: -200_000,
    var_99_amount: -300_000,
    ...rest,
    concentration_risk: { max_position: 0.1, hhi: 0.08, effective_positions: 12.5, top5: 0.4, ...concentration_risk },
    portfolio_id: portfolioId,
    as_of: '2026-11-26',
    observations: 252,
    timestamp: over.timestamp ?? T0,
    null_reasons: over.null_reasons ?? {},
    stale: over.stale ?? false,
  };
}

let nextThresholdId = 1;
export function threshold(over: Partial<Threshold> = {}): Threshold {
  return {
    id: nextThresholdId++,
    portfolio_id: '*',
    metric_type: 'var_95',
    threshold_value: -0.025,
    comparison_type: 'less_than',
    severity: 'HIGH',
    description: '',
    enabled: true,
    pending_seconds: 0,
    clear_value: null,
    recovery_seconds: 0,
    warn_utilisation_pct: 80,
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}

let nextAlertId = 1;
export function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: nextAlertId++,
    portfolio_id: 'p1',
    threshold_id: 1,
    metric_type: 'var_95',
    severity: 'HIGH',
    status: 'TRIGGERED',
    comparison_type: 'less_than',
    current_value: -0.031,
    threshold_value: -0.025,
    worst_value: -0.031,
    breach_count: 1,
    description: 'VaR 95% below limit',
    flapping: false,
    previous_alert_id: null,
    triggered_at: T0,
    updated_at: T0,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    resolution: null,
    ...over,
  };
}
