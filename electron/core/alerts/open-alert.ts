// The one shape of a newly triggered alert. The alert engine builds every open alert with it;
// test harnesses use it too, so their alerts are exactly what the engine would store.
import type { Alert, Threshold } from '../../../shared/domain';

export interface Breach {
  portfolioId: string;
  /** The threshold breached; id null when none is recorded (a harness's hand-made alert). */
  threshold: Pick<Threshold, 'metric_type' | 'severity' | 'comparison_type' | 'threshold_value' | 'description'> & { id: number | null };
  /** The figure that breached it. */
  value: number;
  /** When it triggered (ISO). */
  at: string;
  /** The last alert of the same portfolio, metric and side, if any (links re-openings for flap detection). */
  previousAlertId?: number | null;
}

/** The values of a TRIGGERED alert for one breach: worst value and updated time start at the trigger, nobody has acted yet. */
export function openAlertValues(b: Breach): Omit<Alert, 'id'> {
  const t = b.threshold;
  return {
    portfolio_id: b.portfolioId,
    threshold_id: t.id,
    metric_type: t.metric_type,
    severity: t.severity,
    status: 'TRIGGERED',
    comparison_type: t.comparison_type,
    current_value: b.value,
    threshold_value: t.threshold_value,
    worst_value: b.value,
    breach_count: 1,
    description: t.description,
    flapping: false,
    previous_alert_id: b.previousAlertId ?? null,
    triggered_at: b.at,
    updated_at: b.at,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    resolution: null,
  };
}
