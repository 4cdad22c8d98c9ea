// The alert contract beyond domain.ts: limit utilisation and the traffic-light rule (one
// definition, used by the engine to decide and by the dashboard to colour), silences, the
// alert timeline, statistics and threshold previews. docs/alerts.md explains each rule.
import { z } from 'zod';
import { ALERT_STATUSES, type ComparisonType, ComparisonType as ComparisonTypeSchema, MetricPathSchema, SEVERITIES, type Severity, Severity as SeveritySchema, type Threshold } from './domain';

/** Which way a limit points: an upper limit breaches above it, a lower limit below it. */
export type LimitSide = 'upper' | 'lower' | 'equal';

export function limitSide(comparison: ComparisonType): LimitSide {
  switch (comparison) {
    case 'greater_than':
    case 'greater_than_or_equal':
      return 'upper';
    case 'less_than':
    case 'less_than_or_equal':
      return 'lower';
    case 'equal':
      return 'equal';
  }
}

/** The comparison types that share a side (an alert groups the thresholds of one side). */
export const SIDE_COMPARISONS: Record<LimitSide, ComparisonType[]> = {
  upper: ['greater_than', 'greater_than_or_equal'],
  lower: ['less_than', 'less_than_or_equal'],
  equal: ['equal'],
};

/**
 * `equal` on doubles: the value matches when within a relative 1e-9 of the limit (absolute
 * 1e-9 for limits under 1 in size), so a figure computed as 0.30000000000000004 equals 0.3.
 */
export const EQUAL_TOLERANCE = 1e-9;

/** Does a (finite) value breach the limit? */
export function isBreached(value: number, comparison: ComparisonType, limit: number): boolean {
  switch (comparison) {
    case 'greater_than':
      return value > limit;
    case 'greater_than_or_equal':
      return value >= limit;
    case 'less_than':
      return value < limit;
    case 'less_than_or_equal':
      return value <= limit;
    case 'equal':
      return Math.abs(value - limit) <= EQUAL_TOLERANCE * Math.max(1, Math.abs(limit));
  }
}

/**
 * Hysteresis: with a clear level set, an open alert recovers only once the value is at or past
 * it on the safe side; without one, as soon as the value no longer breaches.
 */
export function isRecovered(value: number, t: Pick<Threshold, 'comparison_type' | 'threshold_value' | 'clear_value'>): boolean {
  if (t.clear_value === null || t.clear_value === undefined) return !isBreached(value, t.comparison_type, t.threshold_value);
  switch (limitSide(t.comparison_type)) {
    case 'upper':
      return value <= t.clear_value;
    case 'lower':
      return value >= t.clear_value;
    case 'equal':
      return !isBreached(value, t.comparison_type, t.threshold_value);
  }
}

/** Is `a` further into breach territory than `b` (the worst value an alert has seen)? */
export function isWorse(a: number, b: number, comparison: ComparisonType, limit: number): boolean {
  switch (limitSide(comparison)) {
    case 'upper':
      return a > b;
    case 'lower':
      return a < b;
    case 'equal':
      return Math.abs(a - limit) < Math.abs(b - limit);
  }
}

/** What utilisation and the light need of a threshold. */
export type LimitLike = Pick<Threshold, 'threshold_value' | 'comparison_type'> & Partial<Pick<Threshold, 'warn_utilisation_pct'>>;

/** Utilisation is rounded to a millionth of a percent so that -0.04 against -0.05 is exactly 80. */
const UTILISATION_DECIMALS = 1e6;

/**
 * How much of a limit is used, in percent: 100 = at the limit, above 100 = beyond it.
 *
 *   utilisation = 100 * (1 - headroom / |limit|), floored at 0
 *
 * where headroom is the distance from the value to the limit on the safe side (upper limit:
 * limit - value; lower limit: value - limit; equal: |value - limit|). For the usual limits,
 * those that bound a size away from zero (leverage above 3, VaR below -5%), this is simply
 * value / limit: leverage 2.4 against 3 is 80%, VaR -0.04 against -0.05 is 80%. For a limit
 * on the other side of zero (Sharpe below 0.5) it measures the headroom left in units of the
 * limit: Sharpe 0.6 is 80%, 1.0 is 0%, 0.25 is 150%.
 *
 * null when the value is unknown, or when the limit is 0 (there is no scale to measure by).
 */
export function utilisation(value: number | null, t: LimitLike): number | null {
  const limit = t.threshold_value;
  if (value === null || !Number.isFinite(value) || !Number.isFinite(limit) || limit === 0) return null;
  let headroom: number;
  switch (limitSide(t.comparison_type)) {
    case 'upper':
      headroom = limit - value;
      break;
    case 'lower':
      headroom = value - limit;
      break;
    case 'equal':
      headroom = Math.abs(value - limit);
      break;
  }
  const pct = Math.max(0, 100 * (1 - headroom / Math.abs(limit)));
  return Math.round(pct * UTILISATION_DECIMALS) / UTILISATION_DECIMALS;
}

export const LIGHTS = ['green', 'amber', 'red', 'grey'] as const;
export type Light = (typeof LIGHTS)[number];

/** The default start of the amber band, in percent of the limit. */
export const DEFAULT_WARN_UTILISATION_PCT = 80;

/**
 * The traffic light for one value against one threshold: grey when the data is stale or the
 * value unknown (no colour is claimed on data we do not trust), red when the value breaches,
 * amber when utilisation has reached the threshold's warn level (default 80%), else green.
 */
export function lightFor(value: number | null, t: LimitLike, stale: boolean): Light {
  if (stale || value === null || !Number.isFinite(value)) return 'grey';
  if (isBreached(value, t.comparison_type, t.threshold_value)) return 'red';
  const u = utilisation(value, t);
  if (u !== null && u >= (t.warn_utilisation_pct ?? DEFAULT_WARN_UTILISATION_PCT)) return 'amber';
  return 'green';
}

const LIGHT_RANK: Record<Light, number> = { green: 0, grey: 1, amber: 2, red: 3 };

/** Several lights combined (a metric with several thresholds, a portfolio): red > amber > grey > green; no lights is green. */
export function worstLight(lights: Iterable<Light>): Light {
  let worst: Light = 'green';
  for (const l of lights) if (LIGHT_RANK[l] > LIGHT_RANK[worst]) worst = l;
  return worst;
}

/**
 * The thresholds that apply to a portfolio: its own enabled thresholds, plus the enabled `*`
 * thresholds it does not override. A portfolio's own threshold overrides the `*` thresholds
 * of the same metric, side and severity (a looser VaR limit for one book replaces the desk-wide
 * one instead of being pre-empted by it).
 */
export function thresholdsFor<T extends Pick<Threshold, 'portfolio_id' | 'metric_type' | 'comparison_type' | 'severity' | 'enabled'>>(
  portfolioId: string,
  thresholds: readonly T[],
): T[] {
  const own = thresholds.filter((t) => t.enabled && t.portfolio_id === portfolioId);
  const overridden = new Set(own.map((t) => `${t.metric_type}|${limitSide(t.comparison_type)}|${t.severity}`));
  const wildcard = thresholds.filter(
    (t) => t.enabled && t.portfolio_id === '*' && !overridden.has(`${t.metric_type}|${limitSide(t.comparison_type)}|${t.severity}`),
  );
  return [...own, ...wildcard];
}

const isoTime = z.string().datetime({ offset: true });

/**
 * A silence: while active, transitions of matching alerts notify nobody (the alerts are still
 * recorded and shown). A silence matches on every field it sets; at least one must be set.
 */
export const SilenceInput = z
  .object({
    portfolio_id: z.string().min(1).max(128).nullable().default(null),
    metric_type: MetricPathSchema.nullable().default(null),
    /** Matches alerts of exactly this severity. */
    severity: SeveritySchema.nullable().default(null),
    /** Defaults to now. */
    starts_at: isoTime.optional(),
    ends_at: isoTime,
    reason: z.string().trim().min(1, 'a silence needs a reason').max(500),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.portfolio_id === null && s.metric_type === null && s.severity === null) {
      ctx.addIssue({ code: 'custom', path: ['portfolio_id'], message: 'a silence must match on at least one of portfolio_id, metric_type, severity' });
    }
    if (s.starts_at !== undefined && Date.parse(s.ends_at) <= Date.parse(s.starts_at)) {
      ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'ends_at must be after starts_at' });
    }
  });
export type SilenceInput = z.input<typeof SilenceInput>;

export const Silence = z.object({
  id: z.number().int(),
  portfolio_id: z.string().nullable(),
  metric_type: MetricPathSchema.nullable(),
  severity: SeveritySchema.nullable(),
  starts_at: isoTime,
  ends_at: isoTime,
  reason: z.string(),
  author: z.string(),
  created_at: isoTime,
});
export type Silence = z.infer<typeof Silence>;

/** Does a silence cover an alert of this portfolio, metric and severity at time `at` (ISO)? */
export function silenceMatches(s: Silence, a: { portfolio_id: string; metric_type: string; severity: Severity }, at: string): boolean {
  return (
    s.starts_at <= at &&
    at < s.ends_at &&
    (s.portfolio_id === null || s.portfolio_id === a.portfolio_id) &&
    (s.metric_type === null || s.metric_type === a.metric_type) &&
    (s.severity === null || s.severity === a.severity)
  );
}

/**
 * One line of an alert's history. The alert engine contributes the lifecycle (trigger, upgrades,
 * acknowledgements, reopenings, resolution); other modules (notifications, escalation) contribute
 * their own entries under their own `source`.
 */
export const AlertTimelineEntry = z.object({
  at: isoTime,
  /** 'alerts', 'notify', 'escalation', ... */
  source: z.string(),
  /** triggered, upgraded, updated, acknowledged, reopened, flapping, resolved, notification, escalation, ... */
  kind: z.string(),
  actor: z.string(),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type AlertTimelineEntry = z.infer<typeof AlertTimelineEntry>;

const countsBy = <K extends readonly [string, ...string[]]>(keys: K) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K[number], z.ZodNumber>);

export const AlertStats = z.object({
  /** Alerts triggered at or after this time (null = all time). */
  since: isoTime.nullable(),
  total: z.number().int(),
  by_severity: countsBy(SEVERITIES),
  by_status: countsBy(ALERT_STATUSES),
  flapping: z.number().int(),
  /** Mean seconds from trigger to first acknowledgement, over acknowledged alerts (null if none). */
  mean_time_to_acknowledge_seconds: z.number().nullable(),
  /** Mean seconds from trigger to resolution, over resolved alerts (null if none). */
  mean_time_to_resolve_seconds: z.number().nullable(),
});
export type AlertStats = z.infer<typeof AlertStats>;

export const ThresholdPreviewRow = z.object({
  portfolio_id: z.string(),
  value: z.number().nullable(),
  utilisation: z.number().nullable(),
  light: z.enum(LIGHTS),
  stale: z.boolean(),
  breached: z.boolean(),
  /** Breached on fresh data with no pending duration: saving the threshold opens an alert at once. */
  would_fire: z.boolean(),
  /** A `*` threshold this portfolio overrides with its own threshold of the same metric, side and severity. */
  overridden: z.boolean(),
});
export type ThresholdPreviewRow = z.infer<typeof ThresholdPreviewRow>;

export const ThresholdPreview = z.object({
  comparison_type: ComparisonTypeSchema,
  threshold_value: z.number(),
  rows: z.array(ThresholdPreviewRow),
  summary: z.object({ portfolios: z.number().int(), red: z.number().int(), amber: z.number().int(), green: z.number().int(), grey: z.number().int(), would_fire: z.number().int() }),
});
export type ThresholdPreview = z.infer<typeof ThresholdPreview>;
