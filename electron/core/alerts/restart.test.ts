// Durability: a new engine on the same file (after the Store was closed and reopened) resumes
// exactly where the old one stopped.
import { afterAll, describe, expect, it } from 'vitest';
import type { ThresholdInput } from '../../../shared/domain';
import { tempDir } from '../testing';
import { Harness } from './test-support';

const tmp = tempDir('risk-desk-alerts-restart-');
afterAll(() => tmp.cleanup());
let n = 0;
const harness = (settings?: ConstructorParameters<typeof Harness>[1]) => Harness.inDir(tmp.dir, `restart-${++n}`, settings);

const VAR: ThresholdInput = { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH' };

describe('restart', () => {
  it('mid-breach: no duplicate alert, no re-notification; the alert carries on and resolves', () => {
    const h = harness();
    h.threshold(VAR);
    h.feed('p1', { var_95: -0.06 });
    h.advance(1);
    h.feed('p1', { var_95: -0.08 });
    const id = h.engine.openAlerts()[0].id;
    h.restart();
    const from = h.transitions.length;
    const published = h.published.length;
    expect(h.engine.openAlerts()).toMatchObject([{ id, status: 'TRIGGERED', worst_value: -0.08, breach_count: 2 }]);
    for (let i = 0; i < 20; i++) {
      h.advance(1);
      h.feed('p1', { var_95: -0.07 });
    }
    expect(h.alerts()).toHaveLength(1);
    // Only throttled figure writes, which never notify.
    expect(h.transitions.slice(from).every((e) => e.transition === 'updated' && !e.notify)).toBe(true);
    expect(h.published.slice(published).some((p) => p.name === 'new_alert')).toBe(false);
    expect(h.engine.get(id)).toMatchObject({ breach_count: 22, worst_value: -0.08, current_value: -0.07 });
    h.feed('p1', { var_95: -0.01 });
    expect(h.transitionsSince(from).filter((t) => t !== 'updated')).toEqual(['resolved']);
    h.close();
  });

  it('mid-pending: the pending since-time survives, so the alert fires when the breach has held T in total', () => {
    const h = harness();
    h.threshold({ ...VAR, pending_seconds: 60 });
    h.feed('p1', { var_95: -0.06 });
    h.advance(40);
    h.feed('p1', { var_95: -0.06 });
    h.restart();
    expect(h.store.alerts.listConditions()).toMatchObject([{ portfolioId: 'p1', state: 'pending', since: '2026-01-02T14:00:00.000Z' }]);
    h.advance(19);
    h.feed('p1', { var_95: -0.06 });
    expect(h.engine.openAlerts()).toEqual([]);
    h.advance(1);
    h.feed('p1', { var_95: -0.06 });
    expect(h.engine.openAlerts()).toMatchObject([{ portfolio_id: 'p1', triggered_at: '2026-01-02T14:01:00.000Z' }]);
    expect(h.transitions.map((e) => e.transition)).toEqual(['triggered']);
    h.close();
  });

  it('mid-recovery dwell: the recovery since-time survives', () => {
    const h = harness();
    h.threshold({ ...VAR, recovery_seconds: 300 });
    h.feed('p1', { var_95: -0.06 });
    h.advance(10);
    h.feed('p1', { var_95: -0.01 });
    h.restart();
    h.advance(299); // recovering since t=10, dwell 300 s: resolves at t=310
    h.feed('p1', { var_95: -0.01 });
    expect(h.engine.openAlerts()).toHaveLength(1);
    h.advance(1);
    h.feed('p1', { var_95: -0.01 });
    expect(h.engine.openAlerts()).toEqual([]);
    expect(h.alerts()[0]).toMatchObject({ status: 'RESOLVED', resolved_at: '2026-01-02T14:05:10.000Z' });
    h.close();
  });

  it('hysteresis state survives: a restarted engine does not resolve inside the clear band', () => {
    const h = harness();
    h.threshold({ ...VAR, clear_value: -0.03 });
    h.feed('p1', { var_95: -0.06 });
    h.feed('p1', { var_95: -0.04 });
    h.restart();
    h.feed('p1', { var_95: -0.04 });
    expect(h.engine.openAlerts()).toHaveLength(1);
    h.feed('p1', { var_95: -0.02 });
    expect(h.engine.openAlerts()).toEqual([]);
    h.close();
  });

  it('acknowledgement and its timeout survive', () => {
    const h = harness({ ackTimeoutMinutes: 10 });
    h.threshold(VAR);
    h.feed('p1', { var_95: -0.06 });
    const id = h.engine.openAlerts()[0].id;
    h.engine.acknowledge(id, 'bob', 'on it');
    h.restart();
    expect(h.engine.get(id)).toMatchObject({ status: 'ACKNOWLEDGED', acknowledged_by: 'bob' });
    h.advance(600);
    h.feed('p1', { var_95: -0.06 });
    expect(h.engine.get(id).status).toBe('TRIGGERED');
    expect(h.transitions.map((e) => e.transition).filter((t) => t !== 'updated')).toEqual(['triggered', 'acknowledged', 'reopened']);
    h.close();
  });

  it('flapping state survives: a held flapping alert is still held after a restart', () => {
    const h = harness({ flap: { openings: 2, windowMinutes: 5 } });
    h.threshold(VAR);
    h.feed('p1', { var_95: -0.06 });
    h.feed('p1', { var_95: -0.01 });
    h.advance(10);
    h.feed('p1', { var_95: -0.06 });
    h.feed('p1', { var_95: -0.01 });
    expect(h.engine.openAlerts()).toMatchObject([{ flapping: true }]);
    h.restart();
    h.advance(299);
    h.feed('p1', { var_95: -0.01 });
    expect(h.engine.openAlerts()).toHaveLength(1);
    h.advance(1);
    h.feed('p1', { var_95: -0.01 });
    expect(h.engine.openAlerts()).toEqual([]);
    h.close();
  });

  it('thresholds deleted while the engine was down: the next engine resolves their alerts at start', () => {
    const h = harness();
    const t = h.threshold(VAR);
    h.feed('p1', { var_95: -0.06 });
    h.engine.close();
    // Another process (the CLI) removes the threshold while the engine is down.
    h.store.thresholds.delete(t.id, 'ops');
    h.restart();
    const from = h.transitions.length;
    h.feed('p2', { var_95: -0.01 });
    expect(h.engine.openAlerts()).toEqual([]);
    // Resolved on first use, so hooks registered after the engine was created see it.
    expect(h.transitionsSince(from)).toEqual(['resolved']);
    // The foreign key cleared the alert's threshold_id with the row; the alert keeps its limit.
    expect(h.alerts()[0]).toMatchObject({ status: 'RESOLVED', resolution: 'threshold deleted', threshold_value: -0.05, resolved_by: 'system' });
    h.close();
  });
});
