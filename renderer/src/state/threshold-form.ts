// The threshold editor's model: what the user types (limits in the metric's display unit:
// percent for returns and shares), the API input it becomes, and validation with the contract's
// own zod schema. "Would this fire now?" is the engine's answer (thresholds.preview).
import { type ComparisonType, type Severity, type Threshold, ThresholdInput, type ThresholdSettings } from '../../../shared/domain';
import { METRIC_INFO, type MetricPath } from '../../../shared/metrics';

export interface ThresholdDraft {
  portfolio_id: string;
  metric_type: MetricPath;
  comparison_type: ComparisonType;
  /** As typed, in the display unit. */
  threshold_value: string;
  severity: Severity;
  description: string;
  enabled: boolean;
  pending_seconds: string;
  clear_value: string;
  recovery_seconds: string;
  warn_utilisation_pct: string;
}

/** Returns and shares are entered in percent; everything else as stored. */
export function entersAsPercent(metric: MetricPath): boolean {
  const k = METRIC_INFO[metric].kind;
  return k === 'return' || k === 'share';
}

function toDisplay(metric: MetricPath, v: number | null): string {
  if (v === null) return '';
  return entersAsPercent(metric) ? String(Number((v * 100).toPrecision(12))) : String(v);
}

function fromDisplay(metric: MetricPath, s: string): number | string {
  const t = s.trim();
  if (t === '') return '';
  const n = Number(t.replace(/\u2212/g, '-'));
  if (!Number.isFinite(n)) return t; // left as text: the schema names it
  return entersAsPercent(metric) ? Number((n / 100).toPrecision(12)) : n;
}

export function emptyDraft(): ThresholdDraft {
  return {
    portfolio_id: '*',
    metric_type: 'var_95',
    comparison_type: 'less_than',
    threshold_value: '',
    severity: 'HIGH',
    description: '',
    enabled: true,
    pending_seconds: '0',
    clear_value: '',
    recovery_seconds: '0',
    warn_utilisation_pct: '80',
  };
}

export function draftFrom(t: Threshold): ThresholdDraft {
  return {
    portfolio_id: t.portfolio_id,
    metric_type: t.metric_type,
    comparison_type: t.comparison_type,
    threshold_value: toDisplay(t.metric_type, t.threshold_value),
    severity: t.severity,
    description: t.description,
    enabled: t.enabled,
    pending_seconds: String(t.pending_seconds),
    clear_value: toDisplay(t.metric_type, t.clear_value),
    recovery_seconds: String(t.recovery_seconds),
    warn_utilisation_pct: String(t.warn_utilisation_pct),
  };
}

function int(s: string): number | string {
  const t = s.trim();
  if (t === '') return '';
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The request body a draft becomes (before validation). */
export function draftToInput(d: ThresholdDraft): Record<string, unknown> {
  const clear = fromDisplay(d.metric_type, d.clear_value);
  return {
    portfolio_id: d.portfolio_id,
    metric_type: d.metric_type,
    comparison_type: d.comparison_type,
    threshold_value: fromDisplay(d.metric_type, d.threshold_value),
    severity: d.severity,
    description: d.description,
    enabled: d.enabled,
    pending_seconds: int(d.pending_seconds),
    clear_value: clear === '' ? null : clear,
    recovery_seconds: int(d.recovery_seconds),
    warn_utilisation_pct: int(d.warn_utilisation_pct),
  };
}

export type FieldErrors = Partial<Record<keyof ThresholdDraft | '(body)', string>>;

/** Validates with the contract's schema; errors keyed by field, in words a user can act on. */
export function validateDraft(d: ThresholdDraft): { ok: true; value: ThresholdSettings } | { ok: false; errors: FieldErrors } {
  const raw = draftToInput(d);
  const parsed = ThresholdInput.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = (issue.path[0] as keyof ThresholdDraft | undefined) ?? '(body)';
    if (errors[field]) continue;
    errors[field] = raw[field as string] === '' ? 'required' : issue.message;
  }
  return { ok: false, errors };
}
