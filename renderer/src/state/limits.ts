// The traffic-light rule as the dashboard applies it: which thresholds bind a portfolio's
// metric, how far each limit is used, and the light that follows. The per-threshold
// arithmetic (utilisation, breach, light) is the alert engine's, from shared/alerts.ts.
import type { Threshold } from '../../../shared/domain';
import type { MetricValue } from '../../../shared/metrics';
import { breaches, utilisation, lightFor } from './limit-rule';

/** green/amber/red from utilisation; grey = figure not trustworthy (stale, disconnected) or absent; none = no limit set. */
export type Light = 'green' | 'amber' | 'red' | 'grey' | 'none';

/** Worse lights rank higher: the order of the desk grid. */
export const LIGHT_RANK: Record<Light, number> = { red: 4, amber: 3, grey: 2, green: 1, none: 0 };

export interface MetricLight {
  light: Light;
  value: MetricValue;
  /** Highest utilisation among the thresholds on this metric (1 = at the limit), or null. */
  utilisation: number | null;
  /** The threshold that sets the light (highest utilisation), or null when none applies. */
  threshold: Threshold | null;
  breached: boolean;
}

export function appliesTo(t: Threshold, portfolioId: string): boolean {
  return t.enabled && (t.portfolio_id === portfolioId || t.portfolio_id === '*');
}

/**
 * The light of one figure against the thresholds that watch it. Grey when the figure is
 * stale or missing: a stale number shown green would be a false all-clear.
 */
export function metricLight(value: MetricValue, thresholds: readonly Threshold[], stale: boolean): MetricLight {
  let best: { u: number | null; t: Threshold; breached: boolean } | null = null;
  for (const t of thresholds) {
    if (value === null) {
      best ??= { u: null, t, breached: false };
      continue;
    }
    const b = breaches(value, t);
    const u = utilisation(value, t);
    // A breach outranks any utilisation figure; otherwise the highest utilisation binds.
    if (!best || (b && !best.breached) || (b === best.breached && (u ?? -Infinity) > (best.u ?? -Infinity))) best = { u, t, breached: b };
  }
  if (!best) return { light: value === null || stale ? 'grey' : 'none', value, utilisation: null, threshold: null, breached: false };
  if (stale || value === null) return { light: 'grey', value, utilisation: best.u, threshold: best.t, breached: best.breached };
  return { light: lightFor(best.u, best.t, best.breached), value, utilisation: best.u, threshold: best.t, breached: best.breached };
}
