// The traffic-light rule as the dashboard applies it to a grid cell: the engine's rule from
// shared/alerts.ts (utilisation, lightFor, thresholdsFor) over every threshold that watches
// the figure, the binding one being the worst.
import { isBreached, lightFor, type Light as RuleLight, thresholdsFor, utilisation } from '../../../shared/alerts';
import type { Threshold } from '../../../shared/domain';
import type { MetricValue } from '../../../shared/metrics';

/** The engine's lights, plus `none` for a figure no threshold watches (shown, not judged). */
export type Light = RuleLight | 'none';

/** Worse lights rank higher: the order of the desk grid (the engine's order, `none` last). */
export const LIGHT_RANK: Record<Light, number> = { red: 4, amber: 3, grey: 2, green: 1, none: 0 };

export interface MetricLight {
  light: Light;
  value: MetricValue;
  /** Utilisation of the binding threshold in percent (100 = at the limit), or null. */
  utilisation: number | null;
  /** The threshold that sets the light (the worst light, then the highest utilisation), or null when none applies. */
  threshold: Threshold | null;
  breached: boolean;
}

/** The thresholds that apply to a portfolio (its own override the desk-wide `*` ones). */
export function applicable(portfolioId: string, thresholds: readonly Threshold[]): Threshold[] {
  return thresholdsFor(portfolioId, thresholds);
}

/**
 * The light of one figure against the thresholds that watch it. Grey when the figure is stale or
 * missing: a stale number shown green would be a false all-clear.
 */
export function metricLight(value: MetricValue, thresholds: readonly Threshold[], stale: boolean): MetricLight {
  let best: MetricLight | null = null;
  for (const t of thresholds) {
    const light = lightFor(value, t, stale);
    const u = utilisation(value, t);
    const breached = value !== null && Number.isFinite(value) && isBreached(value, t.comparison_type, t.threshold_value);
    if (!best || LIGHT_RANK[light] > LIGHT_RANK[best.light] || (light === best.light && (u ?? -Infinity) > (best.utilisation ?? -Infinity))) {
      best = { light, value, utilisation: u, threshold: t, breached };
    }
  }
  return best ?? { light: value === null || stale ? 'grey' : 'none', value, utilisation: null, threshold: null, breached: false };
}
