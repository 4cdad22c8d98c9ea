// PROVISIONAL: the per-threshold rule belongs to the alert engine (shared/alerts.ts, branch
// `alerts`). This file only mirrors the documented rule until that module lands, and is then
// reduced to a re-export of it, so the dashboard and the engine can never disagree.
import type { ComparisonType, Threshold } from '../../../shared/domain';

export function compare(value: number, op: ComparisonType, limit: number): boolean {
  switch (op) {
    case 'less_than':
      return value < limit;
    case 'less_than_or_equal':
      return value <= limit;
    case 'greater_than':
      return value > limit;
    case 'greater_than_or_equal':
      return value >= limit;
    case 'equal':
      return value === limit;
  }
}

export function breaches(value: number, t: Pick<Threshold, 'comparison_type' | 'threshold_value'>): boolean {
  return compare(value, t.comparison_type, t.threshold_value);
}

/** `metric / threshold` (metrics.md "limit utilisation"); for a floor on a positive figure the ratio is inverted. */
export function utilisation(value: number, t: Pick<Threshold, 'comparison_type' | 'threshold_value'>): number | null {
  const limit = t.threshold_value;
  if (limit === 0) return null;
  const floor = t.comparison_type === 'less_than' || t.comparison_type === 'less_than_or_equal';
  if (floor && limit > 0) return value <= 0 ? Infinity : limit / value;
  return value / limit;
}

export function lightFor(u: number | null, t: Pick<Threshold, 'warn_utilisation_pct'>, breached: boolean): 'green' | 'amber' | 'red' {
  if (breached) return 'red';
  if (u !== null && u * 100 >= t.warn_utilisation_pct) return 'amber';
  return 'green';
}
