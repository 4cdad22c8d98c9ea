import { describe, expect, it } from 'vitest';
import { threshold } from '../testing/fixtures';
import { draftFrom, draftToInput, emptyDraft, validateDraft } from './threshold-form';

describe('threshold drafts', () => {
  it('takes return limits in percent and sends fractions', () => {
    const d = { ...emptyDraft(), metric_type: 'var_95' as const, threshold_value: '−5', clear_value: '-4.5' };
    expect(draftToInput(d)).toMatchObject({ threshold_value: -0.05, clear_value: -0.045 });
    const lev = { ...emptyDraft(), metric_type: 'leverage_ratio' as const, comparison_type: 'greater_than' as const, threshold_value: '3.5' };
    expect(draftToInput(lev)).toMatchObject({ threshold_value: 3.5, clear_value: null });
  });

  it('round-trips a stored threshold through the editor unchanged', () => {
    const t = threshold({ metric_type: 'concentration_risk.max_position', threshold_value: 0.35, comparison_type: 'greater_than', clear_value: 0.3, pending_seconds: 60 });
    const v = validateDraft(draftFrom(t));
    expect(v.ok && v.value).toMatchObject({ threshold_value: 0.35, clear_value: 0.3, pending_seconds: 60, metric_type: 'concentration_risk.max_position' });
  });

  it('names each bad field with the contract schema’s reason', () => {
    const v = validateDraft({ ...emptyDraft(), threshold_value: '', pending_seconds: '-3', warn_utilisation_pct: 'lots' });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.threshold_value).toBe('required');
    expect(v.errors.pending_seconds).toMatch(/>=\s*0|too small/i);
    expect(v.errors.warn_utilisation_pct).toBeTruthy();
    expect(v.errors.severity).toBeUndefined();
  });
});
