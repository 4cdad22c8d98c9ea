import { describe, expect, it } from 'vitest';
import { portfolio, snapshot, threshold } from '../testing/fixtures';
import { draftFrom, draftToInput, emptyDraft, previewThreshold, validateDraft } from './threshold-form';

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

describe('previewThreshold', () => {
  const portfolios = [portfolio('a', { name: 'A' }), portfolio('b', { name: 'B' }), portfolio('c', { name: 'C' })];
  const snaps = { a: snapshot('a', { var_95: -0.06 }), b: snapshot('b', { var_95: -0.03 }), c: snapshot('c', { var_95: null }) };

  it('says which portfolios it would fire on now, breaches first', () => {
    const v = validateDraft({ ...emptyDraft(), threshold_value: '-5' });
    if (!v.ok) throw new Error('draft should be valid');
    const rows = previewThreshold(v.value, portfolios, snaps);
    expect(rows.map((r) => [r.portfolio.id, r.fires, r.light])).toEqual([
      ['a', true, 'red'],
      ['b', false, 'green'],
      ['c', false, 'grey'],
    ]);
    expect(rows[0].utilisation).toBeCloseTo(120);
  });

  it('marks portfolios whose own threshold overrides a desk-wide one, which then does not fire there', () => {
    const v = validateDraft({ ...emptyDraft(), threshold_value: '-5' });
    if (!v.ok) throw new Error('draft should be valid');
    const own = threshold({ id: 9, portfolio_id: 'a', metric_type: 'var_95', comparison_type: 'less_than', severity: 'HIGH', threshold_value: -0.08 });
    const a = previewThreshold(v.value, portfolios, snaps, [own]).find((r) => r.portfolio.id === 'a')!;
    expect(a).toMatchObject({ overridden: true, breached: true, fires: false });
    // Editing that very threshold: it does not override itself.
    expect(previewThreshold(v.value, portfolios, snaps, [own], 9).find((r) => r.portfolio.id === 'a')!.overridden).toBe(false);
  });

  it('covers one portfolio when one is named, and never fires when disabled', () => {
    const v = validateDraft({ ...emptyDraft(), portfolio_id: 'a', threshold_value: '-5', enabled: false });
    if (!v.ok) throw new Error('draft should be valid');
    const rows = previewThreshold(v.value, portfolios, snaps);
    expect(rows).toHaveLength(1);
    expect(rows[0].fires).toBe(false);
  });
});
