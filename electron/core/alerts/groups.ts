// The alert engine's in-memory model. Thresholds are compiled once; each portfolio holds its
// applicable thresholds grouped by (metric, side): one group raises at most one alert, whose
// severity follows the most severe threshold of the group that has fired (see docs/alerts.md).
import { type LimitSide, limitSide } from '../../../shared/alerts';
import { type Alert, type ComparisonType, SEVERITY_RANK, type Threshold } from '../../../shared/domain';
import { type ConcentrationMetric, type MetricPath, type RiskSnapshot, type ScalarMetric } from '../../../shared/metrics';
import type { ConditionState } from '../store/repositories/alerts';

export interface CompiledThreshold {
  id: number;
  t: Threshold;
  side: LimitSide;
  rank: number;
  limit: number;
  comparison: ComparisonType;
  clear: number | null;
  pendingMs: number;
  recoveryMs: number;
}

export function compile(t: Threshold): CompiledThreshold {
  return {
    id: t.id,
    t,
    side: limitSide(t.comparison_type),
    rank: SEVERITY_RANK[t.severity],
    limit: t.threshold_value,
    comparison: t.comparison_type,
    clear: t.clear_value,
    pendingMs: t.pending_seconds * 1000,
    recoveryMs: t.recovery_seconds * 1000,
  };
}

/** Evaluation state of one (portfolio, threshold) that is not simply fine. */
export interface Condition {
  /**
   * pending: breached, waiting out pending_seconds. firing: breached and confirmed.
   * holding: no longer breached but not past the clear level. recovering: past it, waiting out
   * the recovery dwell.
   */
  state: ConditionState;
  /** Epoch ms the state began. */
  since: number;
  lastValue: number | null;
}

export interface Slot {
  c: CompiledThreshold;
  cond: Condition | null;
}

export interface OpenAlert {
  /** The live alert (values may be ahead of the database by up to the persist interval). */
  alert: Alert;
  groupKey: string;
  /** Values changed since the last write. */
  dirty: boolean;
  /** Epoch ms of the last write. */
  persistedAt: number;
  /** The alert as last written (the `previous` of an 'updated' transition). */
  persisted: Alert;
}

export type Reader = (s: RiskSnapshot) => unknown;

export interface Group {
  key: string;
  portfolioId: string;
  metric: MetricPath;
  side: LimitSide;
  read: Reader;
  /** Most severe first. */
  slots: Slot[];
  open: OpenAlert | null;
}

export interface PortfolioState {
  id: string;
  groups: Group[];
  /** The latest snapshot seen and when (engine clock), for re-evaluation after threshold edits and timers. */
  latest: RiskSnapshot | null;
  latestAt: number;
}

export const groupKey = (portfolioId: string, metric: string, side: LimitSide) => `${portfolioId}\u0000${metric}\u0000${side}`;
export const alertGroupKey = (a: Pick<Alert, 'portfolio_id' | 'metric_type' | 'comparison_type'>) => groupKey(a.portfolio_id, a.metric_type, limitSide(a.comparison_type));
export const conditionKey = (portfolioId: string, thresholdId: number) => `${portfolioId}\u0000${thresholdId}`;

const readers = new Map<MetricPath, Reader>();

/** A reader for one metric path, built once (the hot path does no string work). */
export function metricReader(path: MetricPath): Reader {
  let r = readers.get(path);
  if (!r) {
    if (path.startsWith('concentration_risk.')) {
      const k = path.slice('concentration_risk.'.length) as ConcentrationMetric;
      r = (s) => s.concentration_risk?.[k] ?? null;
    } else {
      const k = path as ScalarMetric;
      r = (s) => s[k] ?? null;
    }
    readers.set(path, r);
  }
  return r;
}

/** Builds a portfolio's groups from its applicable thresholds, linking durable conditions and open alerts. */
export function buildGroups(
  portfolioId: string,
  applicable: CompiledThreshold[],
  conditions: Map<string, Condition>,
  openByGroup: Map<string, OpenAlert>,
): Group[] {
  const byKey = new Map<string, Group>();
  for (const c of applicable) {
    const key = groupKey(portfolioId, c.t.metric_type, c.side);
    let g = byKey.get(key);
    if (!g) {
      g = { key, portfolioId, metric: c.t.metric_type, side: c.side, read: metricReader(c.t.metric_type), slots: [], open: openByGroup.get(key) ?? null };
      byKey.set(key, g);
    }
    g.slots.push({ c, cond: conditions.get(conditionKey(portfolioId, c.id)) ?? null });
  }
  for (const g of byKey.values()) g.slots.sort((a, b) => b.c.rank - a.c.rank || a.c.id - b.c.id);
  return [...byKey.values()];
}
