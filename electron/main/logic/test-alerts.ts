// Alerts for the shell's tests: a valid Alert (checked against the contract's schema) with overrides.
import { Alert } from '../../../shared/domain';

let nextId = 1;

export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return Alert.parse({
    id: nextId++,
    portfolio_id: 'p1',
    threshold_id: 1,
    metric_type: 'var_95',
    severity: 'HIGH',
    status: 'TRIGGERED',
    comparison_type: 'less_than',
    current_value: -0.0612,
    threshold_value: -0.05,
    worst_value: -0.0612,
    breach_count: 1,
    description: '',
    flapping: false,
    previous_alert_id: null,
    triggered_at: '2026-01-02T14:00:00.000Z',
    updated_at: '2026-01-02T14:00:00.000Z',
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    resolution: null,
    ...overrides,
  });
}
