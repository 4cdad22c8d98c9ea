// Test support: alert rows written straight into risk_alerts, for tests of parts that react to
// alerts (notifications, escalation) without running the alert engine.
import { eq } from 'drizzle-orm';
import type { Alert } from '../../../shared/domain';
import { riskAlerts } from './schema';
import type { Store } from './store';

/** Inserts an open alert and returns it as the alert engine would report it. */
export function insertAlertRow(store: Store, fields: Partial<Alert> = {}): Alert {
  const at = fields.triggered_at ?? new Date(store.clock.now()).toISOString();
  const a = {
    portfolio_id: 'global_macro',
    threshold_id: null,
    metric_type: 'var_95',
    severity: 'CRITICAL' as const,
    status: 'TRIGGERED' as const,
    comparison_type: 'less_than' as const,
    current_value: -0.0612,
    threshold_value: -0.05,
    worst_value: -0.0612,
    breach_count: 1,
    description: 'One-day 95% VaR beyond 5% of NAV',
    flapping: false,
    previous_alert_id: null,
    triggered_at: at,
    updated_at: at,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    resolution: null,
    ...fields,
  };
  const row = store.db
    .insert(riskAlerts)
    .values({
      portfolioId: a.portfolio_id,
      thresholdId: a.threshold_id,
      metricType: a.metric_type,
      severity: a.severity,
      status: a.status,
      comparisonType: a.comparison_type,
      currentValue: a.current_value,
      thresholdValue: a.threshold_value,
      worstValue: a.worst_value,
      breachCount: a.breach_count,
      description: a.description,
      flapping: a.flapping,
      previousAlertId: a.previous_alert_id,
      triggeredAt: a.triggered_at,
      updatedAt: a.updated_at,
      acknowledgedAt: a.acknowledged_at,
      acknowledgedBy: a.acknowledged_by,
      resolvedAt: a.resolved_at,
      resolvedBy: a.resolved_by,
      resolution: a.resolution,
    })
    .returning({ id: riskAlerts.id })
    .get();
  return { ...a, id: row.id };
}

/** Moves a fixture alert to a new state (what the alert engine would have written) and returns it. */
export function updateAlertRow(store: Store, alert: Alert, fields: Partial<Alert>): Alert {
  const next = { ...alert, ...fields };
  store.db
    .update(riskAlerts)
    .set({
      severity: next.severity,
      status: next.status,
      currentValue: next.current_value,
      updatedAt: next.updated_at,
      acknowledgedAt: next.acknowledged_at,
      acknowledgedBy: next.acknowledged_by,
      resolvedAt: next.resolved_at,
      resolvedBy: next.resolved_by,
      resolution: next.resolution,
      flapping: next.flapping,
    })
    .where(eq(riskAlerts.id, alert.id))
    .run();
  return next;
}
