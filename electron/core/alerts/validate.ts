// Validation of thresholds and silences before anything is stored: the contract's zod schema
// first, then the rules a schema cannot express (settings that contradict each other, a
// portfolio that does not exist). Every problem is reported with the field it concerns.
import type { z } from 'zod';
import { type SilenceValues } from '../store/repositories/alerts';
import { SilenceInput, limitSide } from '../../../shared/alerts';
import { COMPARISON_TYPES, SEVERITIES, ThresholdInput, type ThresholdSettings } from '../../../shared/domain';
import { METRIC_PATHS } from '../../../shared/metrics';
import { ApiError } from '../api/dispatch';

export type Issue = { field: string; reason: string };

function fail(what: string, issues: Issue[]): never {
  throw new ApiError(400, 'bad_request', `invalid ${what}: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v));

/** zod's issues with reasons a risk manager can act on for the fields people get wrong most. */
function issuesOf(error: z.ZodError, input: unknown): Issue[] {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  return error.issues.map((i) => {
    const field = i.path.length ? i.path.join('.') : '(body)';
    const value = i.path.length === 1 ? raw[String(i.path[0])] : undefined;
    if (i.code === 'invalid_value' || (i.code === 'invalid_type' && value !== undefined && typeof value === 'string')) {
      if (field === 'metric_type') return { field, reason: `unknown metric ${show(value)}: use a name or nested path such as var_95 or concentration_risk.max_position (one of ${METRIC_PATHS.length} metric paths)` };
      if (field === 'comparison_type') return { field, reason: `unknown comparison ${show(value)}: expected one of ${COMPARISON_TYPES.join(', ')}` };
      if (field === 'severity') return { field, reason: `unknown severity ${show(value)}: expected one of ${SEVERITIES.join(', ')}` };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { field, reason: `must be a finite number, got ${String(value)}` };
    if (i.code === 'unrecognized_keys') return { field: i.keys.join(', '), reason: 'unknown field' };
    return { field, reason: i.message };
  });
}

/**
 * A threshold input checked and completed with defaults, or an ApiError 400 naming every bad
 * field. `portfolioExists` rejects limits on portfolios the desk does not hold (a typo would
 * otherwise be a limit that silently never fires).
 */
export function validateThreshold(input: unknown, portfolioExists: (id: string) => boolean): ThresholdSettings {
  const parsed = ThresholdInput.safeParse(input);
  if (!parsed.success) fail('threshold', issuesOf(parsed.error, input));
  const t = parsed.data;
  const issues: Issue[] = [];
  if (t.portfolio_id !== '*' && !portfolioExists(t.portfolio_id)) {
    issues.push({ field: 'portfolio_id', reason: `unknown portfolio "${t.portfolio_id}" (use "*" for every portfolio)` });
  }
  if (t.clear_value !== null) {
    const side = limitSide(t.comparison_type);
    if (side === 'equal') {
      issues.push({ field: 'clear_value', reason: 'a clear level needs an upper or lower limit: "equal" has no safe side to clear towards' });
    } else if (side === 'upper' && !(t.clear_value < t.threshold_value)) {
      issues.push({ field: 'clear_value', reason: `${t.clear_value} is on the breach side of the upper limit ${t.threshold_value} (${t.comparison_type}): it must be below ${t.threshold_value}` });
    } else if (side === 'lower' && !(t.clear_value > t.threshold_value)) {
      issues.push({ field: 'clear_value', reason: `${t.clear_value} is on the breach side of the lower limit ${t.threshold_value} (${t.comparison_type}): it must be above ${t.threshold_value}` });
    }
  }
  if (issues.length) fail('threshold', issues);
  return t;
}

/** A silence input checked against `now` (ms), with its start defaulted to now. */
export function validateSilence(input: unknown, now: number, portfolioExists: (id: string) => boolean): SilenceValues {
  const parsed = SilenceInput.safeParse(input);
  if (!parsed.success) fail('silence', issuesOf(parsed.error, input));
  const s = parsed.data;
  const startsAt = s.starts_at !== undefined ? new Date(Date.parse(s.starts_at)).toISOString() : new Date(now).toISOString();
  const endsAt = new Date(Date.parse(s.ends_at)).toISOString();
  const issues: Issue[] = [];
  if (Date.parse(endsAt) <= now) issues.push({ field: 'ends_at', reason: `${s.ends_at} is already past: a silence must end in the future` });
  if (Date.parse(endsAt) <= Date.parse(startsAt)) issues.push({ field: 'ends_at', reason: 'ends_at must be after starts_at' });
  if (s.portfolio_id !== null && !portfolioExists(s.portfolio_id)) issues.push({ field: 'portfolio_id', reason: `unknown portfolio "${s.portfolio_id}"` });
  if (issues.length) fail('silence', issues);
  return { portfolio_id: s.portfolio_id, metric_type: s.metric_type, severity: s.severity, starts_at: startsAt, ends_at: endsAt, reason: s.reason };
}
