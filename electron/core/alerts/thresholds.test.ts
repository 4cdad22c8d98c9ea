// Threshold and silence management through the engine: validation, edits that take effect at
// once, previews, and the audit trail.
import { afterAll, describe, expect, it } from 'vitest';
import type { ThresholdInput } from '../../../shared/domain';
import { ApiError } from '../api/dispatch';
import { tempDir } from '../testing';
import { Harness, snapshot } from './test-support';

const tmp = tempDir('risk-desk-alerts-thresholds-');
afterAll(() => tmp.cleanup());
let n = 0;
const harness = () => Harness.inDir(tmp.dir, `thr-${++n}`);

const VAR: ThresholdInput = { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH' };

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('threshold validation', () => {
  const cases: { name: string; input: Record<string, unknown>; field: string; reason: RegExp }[] = [
    { name: 'unknown metric path', input: { ...VAR, metric_type: 'concentration_risk.biggest' }, field: 'metric_type', reason: /unknown metric "concentration_risk.biggest"/ },
    { name: 'unknown comparison', input: { ...VAR, comparison_type: 'below' }, field: 'comparison_type', reason: /unknown comparison "below": expected one of less_than, /},
    { name: 'unknown severity', input: { ...VAR, severity: 'URGENT' }, field: 'severity', reason: /unknown severity "URGENT"/ },
    { name: 'non-finite threshold value', input: { ...VAR, threshold_value: Number.POSITIVE_INFINITY }, field: 'threshold_value', reason: /finite number, got Infinity/ },
    { name: 'NaN threshold value', input: { ...VAR, threshold_value: Number.NaN }, field: 'threshold_value', reason: /finite number, got NaN/ },
    { name: 'a value that is not a number', input: { ...VAR, threshold_value: '-0.05' }, field: 'threshold_value', reason: /number/ },
    { name: 'non-finite clear value', input: { ...VAR, clear_value: Number.NEGATIVE_INFINITY }, field: 'clear_value', reason: /finite number/ },
    { name: 'clear value on the breach side of a lower limit', input: { ...VAR, clear_value: -0.06 }, field: 'clear_value', reason: /-0.06 is on the breach side of the lower limit -0.05 .* must be above -0.05/ },
    { name: 'clear value equal to the limit', input: { ...VAR, clear_value: -0.05 }, field: 'clear_value', reason: /breach side/ },
    {
      name: 'clear value on the breach side of an upper limit',
      input: { portfolio_id: '*', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than', severity: 'HIGH', clear_value: 3.5 },
      field: 'clear_value',
      reason: /must be below 3/,
    },
    { name: 'clear value with equal', input: { ...VAR, comparison_type: 'equal', clear_value: -0.04 }, field: 'clear_value', reason: /"equal" has no safe side/ },
    { name: 'unknown portfolio', input: { ...VAR, portfolio_id: 'nope' }, field: 'portfolio_id', reason: /unknown portfolio "nope"/ },
    { name: 'negative pending duration', input: { ...VAR, pending_seconds: -1 }, field: 'pending_seconds', reason: /./ },
    { name: 'warn level above 100%', input: { ...VAR, warn_utilisation_pct: 120 }, field: 'warn_utilisation_pct', reason: /./ },
    { name: 'an unknown field', input: { ...VAR, threshold: 1 }, field: 'threshold', reason: /unknown field/ },
    { name: 'a missing field', input: { portfolio_id: '*', metric_type: 'var_95', comparison_type: 'less_than', severity: 'HIGH' }, field: 'threshold_value', reason: /./ },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}, naming the field, and stores nothing`, () => {
      const h = harness();
      const audit = h.store.audit.list().length;
      const err = errorOf(() => h.engine.createThreshold(c.input, 'alice'));
      expect(err).toMatchObject({ status: 400, code: 'bad_request' });
      expect(err.issues?.map((i) => i.field)).toContain(c.field);
      expect(err.issues?.find((i) => i.field === c.field)?.reason).toMatch(c.reason);
      expect(err.message).toContain(c.field);
      expect(h.store.thresholds.list()).toEqual([]);
      expect(h.store.audit.list()).toHaveLength(audit);
      h.close();
    });
  }

  it('reports every bad field at once', () => {
    const h = harness();
    const err = errorOf(() => h.engine.createThreshold({ ...VAR, portfolio_id: 'nope', clear_value: -0.07 }, 'alice'));
    expect(err.issues?.map((i) => i.field).sort()).toEqual(['clear_value', 'portfolio_id']);
    h.close();
  });

  it('an invalid update leaves the stored threshold as it was; an unknown id is 404', () => {
    const h = harness();
    const t = h.threshold(VAR);
    expect(errorOf(() => h.engine.updateThreshold(t.id, { ...VAR, clear_value: -0.09 }, 'bob')).issues).toMatchObject([{ field: 'clear_value' }]);
    expect(h.store.thresholds.get(t.id)).toEqual(t);
    expect(h.store.audit.list({ entity: 'threshold' })).toHaveLength(1);
    expect(errorOf(() => h.engine.updateThreshold(999, VAR, 'bob')).status).toBe(404);
    // The API's update input carries the path id: accepted when it matches, rejected otherwise.
    expect(h.engine.updateThreshold(t.id, { ...VAR, id: t.id, threshold_value: -0.06 }, 'bob').threshold_value).toBe(-0.06);
    expect(errorOf(() => h.engine.updateThreshold(t.id, { ...VAR, id: t.id + 1 }, 'bob')).issues).toMatchObject([{ field: 'id' }]);
    expect(errorOf(() => h.engine.deleteThreshold(999, 'bob')).status).toBe(404);
    h.close();
  });
});

describe('threshold edits take effect at once', () => {
  it('a new threshold fires against the latest snapshot; loosening it resolves; tightening fires again', () => {
    const h = harness();
    h.feed('p1', { var_95: -0.06 });
    h.feed('p2', { var_95: -0.02 });
    const t = h.threshold(VAR);
    expect(h.engine.openAlerts()).toMatchObject([{ portfolio_id: 'p1', threshold_id: t.id, current_value: -0.06 }]);
    h.engine.updateThreshold(t.id, { ...VAR, threshold_value: -0.07 }, 'bob');
    expect(h.engine.openAlerts()).toEqual([]);
    expect(h.alerts()[0]).toMatchObject({ status: 'RESOLVED', resolution: 'recovered' });
    h.engine.updateThreshold(t.id, { ...VAR, threshold_value: -0.01 }, 'bob');
    expect(h.engine.openAlerts().map((a) => a.portfolio_id).sort()).toEqual(['p1', 'p2']);
    h.close();
  });

  it('an edit of the limit keeps the open alert and shows the new limit; a raised severity upgrades it', () => {
    const h = harness();
    const t = h.threshold(VAR);
    h.feed('p1', { var_95: -0.06 });
    const id = h.engine.openAlerts()[0].id;
    h.engine.updateThreshold(t.id, { ...VAR, threshold_value: -0.055, description: 'tighter' }, 'bob');
    expect(h.engine.get(id)).toMatchObject({ status: 'TRIGGERED', threshold_value: -0.055, description: 'tighter', severity: 'HIGH' });
    h.engine.updateThreshold(t.id, { ...VAR, threshold_value: -0.055, severity: 'CRITICAL' }, 'bob');
    expect(h.engine.get(id)).toMatchObject({ severity: 'CRITICAL' });
    expect(h.transitions.map((e) => e.transition)).toEqual(['triggered', 'updated', 'upgraded']);
    expect(h.transitions[1]).toMatchObject({ notify: false, actor: 'bob', reason: `threshold #${t.id} changed by bob` });
    h.close();
  });

  it('deleting or disabling a threshold resolves the alerts it holds, naming who and why', () => {
    const h = harness();
    const a = h.threshold(VAR);
    const b = h.threshold({ ...VAR, metric_type: 'var_99' });
    h.feed('p1', { var_95: -0.06, var_99: -0.09 });
    h.engine.deleteThreshold(a.id, 'carol');
    h.engine.updateThreshold(b.id, { ...VAR, metric_type: 'var_99', enabled: false }, 'dave');
    expect(h.engine.openAlerts()).toEqual([]);
    expect(h.alerts().map((x) => [x.metric_type, x.resolved_by, x.resolution])).toEqual([
      ['var_95', 'carol', `threshold #${a.id} deleted by carol`],
      ['var_99', 'dave', `threshold #${b.id} disabled by dave`],
    ]);
    expect(h.store.alerts.listConditions()).toEqual([]);
    h.close();
  });

  it('removing the graver of two thresholds hands a continuing breach to a new alert at the lesser severity', () => {
    const h = harness();
    h.threshold({ ...VAR, threshold_value: -0.03, severity: 'MEDIUM' });
    const crit = h.threshold({ ...VAR, threshold_value: -0.05, severity: 'CRITICAL' });
    h.feed('p1', { var_95: -0.06 });
    const first = h.engine.openAlerts()[0];
    expect(first.severity).toBe('CRITICAL');
    h.engine.deleteThreshold(crit.id, 'carol');
    expect(h.engine.openAlerts()).toMatchObject([{ severity: 'MEDIUM', previous_alert_id: first.id }]);
    h.close();
  });

  it('does not use a snapshot that is stale, or older than the re-evaluation limit', () => {
    const h = Harness.inDir(tmp.dir, `thr-${++n}`, { maxSnapshotAgeMs: 60_000 });
    h.feed('p1', { var_95: -0.06 }, true);
    h.feed('p2', { var_95: -0.06 });
    h.advance(61);
    h.threshold(VAR);
    expect(h.engine.openAlerts()).toEqual([]);
    h.close();
  });
});

describe('threshold preview', () => {
  it('shows per portfolio the value, utilisation, light and whether it would fire now', () => {
    const h = harness();
    h.threshold({ ...VAR, portfolio_id: 'p2', threshold_value: -0.08 });
    const snaps = [
      snapshot('p1', { var_95: -0.04 }),
      snapshot('p2', { var_95: -0.06 }),
      snapshot('p3', { var_95: -0.03 }),
      snapshot('p4', { var_95: -0.09 }, true),
      snapshot('p5', { var_95: null }),
    ];
    const p = h.engine.previewThreshold(VAR, snaps);
    expect(p.rows).toEqual([
      { portfolio_id: 'p1', value: -0.04, utilisation: 80, light: 'amber', stale: false, breached: false, would_fire: false, overridden: false },
      { portfolio_id: 'p2', value: -0.06, utilisation: 120, light: 'red', stale: false, breached: true, would_fire: false, overridden: true },
      { portfolio_id: 'p3', value: -0.03, utilisation: 60, light: 'green', stale: false, breached: false, would_fire: false, overridden: false },
      { portfolio_id: 'p4', value: -0.09, utilisation: 180, light: 'grey', stale: true, breached: true, would_fire: false, overridden: false },
      { portfolio_id: 'p5', value: null, utilisation: null, light: 'grey', stale: false, breached: false, would_fire: false, overridden: false },
    ]);
    expect(p.summary).toEqual({ portfolios: 5, red: 1, amber: 1, green: 1, grey: 2, would_fire: 0 });
    expect(h.engine.previewThreshold({ ...VAR, portfolio_id: 'p1', threshold_value: -0.035 }, snaps).rows).toMatchObject([{ portfolio_id: 'p1', would_fire: true }]);
    expect(h.engine.previewThreshold({ ...VAR, portfolio_id: 'p1', threshold_value: -0.035, pending_seconds: 30 }, snaps).rows).toMatchObject([{ would_fire: false, breached: true }]);
    // Nothing stored.
    expect(h.store.thresholds.list()).toHaveLength(1);
    h.close();
  });

  it("defaults to the engine's latest snapshots and validates like create", () => {
    const h = harness();
    h.feed('p1', { var_95: -0.07 });
    expect(h.engine.previewThreshold(VAR).rows).toMatchObject([{ portfolio_id: 'p1', would_fire: true }]);
    expect(errorOf(() => h.engine.previewThreshold({ ...VAR, metric_type: 'var' })).issues).toMatchObject([{ field: 'metric_type' }]);
    h.close();
  });
});

describe('silences', () => {
  it('create, update, list and delete, each audited', () => {
    const h = harness();
    const s = h.engine.createSilence({ portfolio_id: 'p1', severity: 'LOW', ends_at: '2026-01-02T16:00:00+01:00', reason: 'maintenance' }, 'alice');
    expect(s).toMatchObject({ portfolio_id: 'p1', metric_type: null, severity: 'LOW', starts_at: '2026-01-02T14:00:00.000Z', ends_at: '2026-01-02T15:00:00.000Z', author: 'alice' });
    const u = h.engine.updateSilence(s.id, { portfolio_id: 'p1', ends_at: '2026-01-02T18:00:00Z', reason: 'longer maintenance' }, 'bob');
    expect(u).toMatchObject({ severity: null, ends_at: '2026-01-02T18:00:00.000Z', reason: 'longer maintenance', author: 'alice' });
    expect(h.engine.listSilences({ active: true }).map((x) => x.id)).toEqual([s.id]);
    h.engine.deleteSilence(s.id, 'carol');
    expect(h.engine.listSilences()).toEqual([]);
    const trail = h.store.audit.list({ entity: 'silence', entityId: String(s.id) });
    expect(trail.map((e) => [e.actor, e.action])).toEqual([
      ['carol', 'delete'],
      ['bob', 'update'],
      ['alice', 'create'],
    ]);
    expect(trail[1].before).toMatchObject({ reason: 'maintenance' });
    expect(trail[1].after).toMatchObject({ reason: 'longer maintenance' });
    h.close();
  });

  it('rejects a silence that matches nothing in particular, has ended, has no reason, or ends before it starts', () => {
    const h = harness();
    const bad: [Record<string, unknown>, string][] = [
      [{ ends_at: '2026-01-02T15:00:00Z', reason: 'x' }, 'portfolio_id'],
      [{ portfolio_id: 'p1', ends_at: '2026-01-02T13:00:00Z', reason: 'x' }, 'ends_at'],
      [{ portfolio_id: 'p1', ends_at: '2026-01-02T15:00:00Z', reason: '  ' }, 'reason'],
      [{ portfolio_id: 'p1', starts_at: '2026-01-02T16:00:00Z', ends_at: '2026-01-02T15:00:00Z', reason: 'x' }, 'ends_at'],
      [{ portfolio_id: 'nope', ends_at: '2026-01-02T15:00:00Z', reason: 'x' }, 'portfolio_id'],
      [{ metric_type: 'var', ends_at: '2026-01-02T15:00:00Z', reason: 'x' }, 'metric_type'],
      [{ portfolio_id: 'p1', ends_at: 'tomorrow', reason: 'x' }, 'ends_at'],
    ];
    for (const [input, field] of bad) {
      const err = errorOf(() => h.engine.createSilence(input, 'alice'));
      expect(err.issues?.map((i) => i.field), JSON.stringify(input)).toContain(field);
    }
    expect(h.engine.listSilences()).toEqual([]);
    expect(h.store.audit.list({ entity: 'silence' })).toEqual([]);
    expect(errorOf(() => h.engine.deleteSilence(42, 'alice')).status).toBe(404);
    h.close();
  });

  it('a silence that starts later does not mute until it starts', () => {
    const h = harness();
    h.threshold(VAR);
    h.engine.createSilence({ portfolio_id: 'p1', starts_at: '2026-01-02T14:30:00Z', ends_at: '2026-01-02T15:00:00Z', reason: 'later' }, 'alice');
    h.feed('p1', { var_95: -0.06 });
    expect(h.transitions[0]).toMatchObject({ transition: 'triggered', notify: true });
    h.close();
  });
});

describe('audit trail', () => {
  it('threshold changes through the engine are audited with who, before and after', () => {
    const h = harness();
    const t = h.threshold(VAR, 'alice');
    h.engine.updateThreshold(t.id, { ...VAR, threshold_value: -0.04 }, 'bob');
    h.engine.deleteThreshold(t.id, 'carol');
    const trail = h.store.audit.list({ entity: 'threshold', entityId: String(t.id) });
    expect(trail.map((e) => [e.actor, e.action])).toEqual([
      ['carol', 'delete'],
      ['bob', 'update'],
      ['alice', 'create'],
    ]);
    expect(trail[1]).toMatchObject({ before: { threshold_value: -0.05 }, after: { threshold_value: -0.04 } });
    h.close();
  });

  it('every alert state change is audited in the same transaction; figure updates are not', () => {
    const h = harness();
    h.threshold({ ...VAR, threshold_value: -0.03 });
    h.threshold({ ...VAR, threshold_value: -0.05, severity: 'CRITICAL' });
    h.feed('p1', { var_95: -0.04 });
    const id = h.engine.openAlerts()[0].id;
    h.engine.acknowledge(id, 'bob', 'looking');
    h.advance(10);
    h.feed('p1', { var_95: -0.06 });
    h.advance(10);
    h.feed('p1', { var_95: -0.065 });
    h.engine.resolve(id, 'carol', 'cut the position');
    const trail = h.store.audit.list({ entity: 'alert', entityId: String(id) }).reverse();
    expect(trail.map((e) => [e.actor, e.action])).toEqual([
      ['system', 'triggered'],
      ['bob', 'acknowledged'],
      ['system', 'upgraded'],
      ['carol', 'resolved'],
    ]);
    expect(trail[0].before).toBeNull();
    expect(trail[2]).toMatchObject({ before: { severity: 'HIGH', status: 'ACKNOWLEDGED' }, after: { severity: 'CRITICAL', status: 'TRIGGERED', notify: true } });
    expect(trail[3].after).toMatchObject({ status: 'RESOLVED', reason: 'cut the position' });
    h.close();
  });
});
