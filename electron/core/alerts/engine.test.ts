import { afterAll, describe, expect, it } from 'vitest';
import type { AlertStatus, ThresholdInput } from '../../../shared/domain';
import type { MetricPath } from '../../../shared/metrics';
import { tempDir } from '../testing';
import { type EngineSettings, Harness } from './test-support';
import type { AlertTransition } from './transitions';

const tmp = tempDir('risk-desk-alerts-');
afterAll(() => tmp.cleanup());
let n = 0;
const harness = (settings?: EngineSettings) => Harness.inDir(tmp.dir, `engine-${++n}`, settings);

const VAR_HIGH: ThresholdInput = { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH', description: 'VaR beyond 5%' };

/**
 * One step of a scenario: at `t` seconds, portfolio p1 reports `v` for the metric (a number,
 * null = unknown, or ['stale', x] = x on stale data), or a user acts. Then the open alert of p1
 * must be as expected and the transitions seen at this step must be exactly `tr`.
 */
interface Step {
  t: number;
  v?: number | null | ['stale', number];
  act?: 'ack' | 'resolve' | 'tick';
  open?: { status: AlertStatus; severity?: string; count?: number; worst?: number; flapping?: boolean } | null;
  tr?: AlertTransition[];
  notify?: boolean[];
}

interface Scenario {
  name: string;
  thresholds: ThresholdInput[];
  settings?: EngineSettings;
  metric?: MetricPath;
  steps: Step[];
  /** Alerts in the database at the end. */
  alerts?: number;
}

const scenarios: Scenario[] = [
  {
    name: 'fires at once with no pending duration and resolves on recovery',
    thresholds: [VAR_HIGH],
    steps: [
      { t: 0, v: -0.04, open: null, tr: [] },
      { t: 1, v: -0.06, open: { status: 'TRIGGERED', severity: 'HIGH', count: 1 }, tr: ['triggered'], notify: [true] },
      { t: 2, v: -0.07, open: { status: 'TRIGGERED', count: 2, worst: -0.07 }, tr: [] },
      { t: 3, v: -0.055, open: { status: 'TRIGGERED', count: 3, worst: -0.07 }, tr: [] },
      { t: 4, v: -0.049, open: null, tr: ['resolved'] },
    ],
    alerts: 1,
  },
  {
    name: 'the boundary follows the comparison: less_than at the limit is not a breach, less_than_or_equal is',
    thresholds: [{ ...VAR_HIGH, comparison_type: 'less_than' }, { ...VAR_HIGH, comparison_type: 'less_than_or_equal', threshold_value: -0.06, severity: 'CRITICAL' }],
    steps: [
      { t: 0, v: -0.05, open: null, tr: [] },
      { t: 1, v: -0.06, open: { status: 'TRIGGERED', severity: 'CRITICAL' }, tr: ['triggered'] },
    ],
  },
  {
    name: 'a pending duration: the breach must hold for T before firing',
    thresholds: [{ ...VAR_HIGH, pending_seconds: 60 }],
    steps: [
      { t: 0, v: -0.06, open: null, tr: [] },
      { t: 30, v: -0.06, open: null, tr: [] },
      { t: 59, v: -0.07, open: null, tr: [] },
      { t: 60, v: -0.06, open: { status: 'TRIGGERED', worst: -0.06 }, tr: ['triggered'] },
    ],
  },
  {
    name: 'a pending breach that does not hold starts over',
    thresholds: [{ ...VAR_HIGH, pending_seconds: 60 }],
    steps: [
      { t: 0, v: -0.06, open: null },
      { t: 30, v: -0.04, open: null },
      { t: 60, v: -0.06, open: null, tr: [] },
      { t: 119, v: -0.06, open: null, tr: [] },
      { t: 120, v: -0.06, open: { status: 'TRIGGERED' }, tr: ['triggered'] },
    ],
  },
  {
    name: 'a null value is neither breach nor recovery (pending and open alerts carry on)',
    thresholds: [{ ...VAR_HIGH, pending_seconds: 60 }],
    steps: [
      { t: 0, v: -0.06, open: null },
      { t: 30, v: null, open: null, tr: [] },
      { t: 60, v: -0.06, open: { status: 'TRIGGERED' }, tr: ['triggered'] },
      { t: 70, v: null, open: { status: 'TRIGGERED', count: 1 }, tr: [] },
      { t: 80, v: -0.04, open: null, tr: ['resolved'] },
    ],
  },
  {
    name: 'stale data never fires and never resolves',
    thresholds: [VAR_HIGH],
    steps: [
      { t: 0, v: ['stale', -0.09], open: null, tr: [] },
      { t: 1, v: -0.06, open: { status: 'TRIGGERED', worst: -0.06 }, tr: ['triggered'] },
      { t: 2, v: ['stale', -0.01], open: { status: 'TRIGGERED', count: 1 }, tr: [] },
      { t: 3, v: ['stale', -0.2], open: { status: 'TRIGGERED', count: 1, worst: -0.06 }, tr: [] },
      { t: 4, v: -0.01, open: null, tr: ['resolved'] },
    ],
  },
  {
    name: 'hysteresis: once open, the alert recovers only past the clear level',
    thresholds: [{ ...VAR_HIGH, clear_value: -0.04 }],
    steps: [
      { t: 0, v: -0.06, open: { status: 'TRIGGERED' }, tr: ['triggered'] },
      { t: 1, v: -0.045, open: { status: 'TRIGGERED', count: 1 }, tr: [] },
      { t: 2, v: -0.041, open: { status: 'TRIGGERED' }, tr: [] },
      { t: 3, v: -0.052, open: { status: 'TRIGGERED', count: 2 }, tr: [] },
      { t: 4, v: -0.04, open: null, tr: ['resolved'] },
      // Re-entering the band between limit and clear level opens nothing: it is not a breach.
      { t: 5, v: -0.045, open: null, tr: [] },
    ],
  },
  {
    name: 'a recovery dwell: recovery must hold before the alert resolves; a new breach restarts it',
    thresholds: [{ ...VAR_HIGH, recovery_seconds: 120 }],
    steps: [
      { t: 0, v: -0.06, open: { status: 'TRIGGERED' }, tr: ['triggered'] },
      { t: 10, v: -0.04, open: { status: 'TRIGGERED' }, tr: [] },
      { t: 70, v: -0.06, open: { status: 'TRIGGERED', count: 2 }, tr: [] },
      { t: 80, v: -0.04, open: { status: 'TRIGGERED' }, tr: [] },
      { t: 199, v: -0.04, open: { status: 'TRIGGERED' }, tr: [] },
      { t: 200, v: -0.04, open: null, tr: ['resolved'] },
    ],
    alerts: 1,
  },
  {
    name: 'timers run without new data: a pending breach fires and a dwell ends on tick',
    thresholds: [{ ...VAR_HIGH, pending_seconds: 30, recovery_seconds: 30 }],
    steps: [
      { t: 0, v: -0.06, open: null },
      { t: 29, act: 'tick', open: null, tr: [] },
      { t: 30, act: 'tick', open: { status: 'TRIGGERED' }, tr: ['triggered'] },
      { t: 40, v: -0.01, open: { status: 'TRIGGERED' } },
      { t: 70, act: 'tick', open: null, tr: ['resolved'] },
    ],
  },
  {
    name: 'a breach after RESOLVED opens a new alert linked to the previous one',
    thresholds: [VAR_HIGH],
    steps: [
      { t: 0, v: -0.06, tr: ['triggered'] },
      { t: 1, v: -0.01, open: null, tr: ['resolved'] },
      { t: 3600, v: -0.06, open: { status: 'TRIGGERED', count: 1 }, tr: ['triggered'] },
    ],
    alerts: 2,
  },
  {
    name: 'acknowledge, then recovery resolves the acknowledged alert',
    thresholds: [VAR_HIGH],
    steps: [
      { t: 0, v: -0.06, tr: ['triggered'] },
      { t: 60, act: 'ack', open: { status: 'ACKNOWLEDGED' }, tr: ['acknowledged'] },
      { t: 61, v: -0.07, open: { status: 'ACKNOWLEDGED', count: 2 }, tr: [] },
      { t: 62, v: -0.02, open: null, tr: ['resolved'] },
    ],
  },
  {
    name: 'a more severe threshold on the same portfolio and metric upgrades the open alert and notifies at once, even if acknowledged',
    thresholds: [
      { ...VAR_HIGH, threshold_value: -0.03, severity: 'HIGH' },
      { ...VAR_HIGH, threshold_value: -0.05, severity: 'CRITICAL' },
    ],
    steps: [
      { t: 0, v: -0.04, open: { status: 'TRIGGERED', severity: 'HIGH' }, tr: ['triggered'] },
      { t: 10, act: 'ack', open: { status: 'ACKNOWLEDGED', severity: 'HIGH' }, tr: ['acknowledged'] },
      { t: 20, v: -0.06, open: { status: 'TRIGGERED', severity: 'CRITICAL', worst: -0.06 }, tr: ['upgraded'], notify: [true] },
      // Back under the CRITICAL limit, still over the HIGH one: the episode stays open at its worst severity.
      { t: 30, v: -0.04, open: { status: 'TRIGGERED', severity: 'CRITICAL' }, tr: [] },
      { t: 40, v: -0.02, open: null, tr: ['resolved'] },
    ],
    alerts: 1,
  },
  {
    name: 'severity by duration: a breach still pending on a graver threshold keeps the alert open, then upgrades it',
    thresholds: [
      { ...VAR_HIGH, threshold_value: -0.05, severity: 'MEDIUM' },
      { ...VAR_HIGH, threshold_value: -0.03, severity: 'HIGH', pending_seconds: 60 },
    ],
    steps: [
      { t: 0, v: -0.06, open: { status: 'TRIGGERED', severity: 'MEDIUM' }, tr: ['triggered'] },
      { t: 10, v: -0.04, open: { status: 'TRIGGERED', severity: 'MEDIUM' }, tr: [] },
      { t: 60, v: -0.04, open: { status: 'TRIGGERED', severity: 'HIGH' }, tr: ['upgraded'] },
      { t: 70, v: -0.02, open: null, tr: ['resolved'] },
    ],
    alerts: 1,
  },
  {
    name: 'two thresholds breached at once open one alert at the higher severity',
    thresholds: [
      { ...VAR_HIGH, threshold_value: -0.03, severity: 'MEDIUM' },
      { ...VAR_HIGH, threshold_value: -0.05, severity: 'CRITICAL' },
    ],
    steps: [{ t: 0, v: -0.08, open: { status: 'TRIGGERED', severity: 'CRITICAL' }, tr: ['triggered'] }],
    alerts: 1,
  },
  {
    name: 'flap guard: the third opening within the window is held open as flapping, notified once, then resolves after a quiet window',
    thresholds: [VAR_HIGH],
    settings: { flap: { openings: 3, windowMinutes: 10 } },
    steps: [
      { t: 0, v: -0.06, tr: ['triggered'] },
      { t: 10, v: -0.04, open: null, tr: ['resolved'] },
      { t: 20, v: -0.06, tr: ['triggered'] },
      { t: 30, v: -0.04, open: null, tr: ['resolved'] },
      { t: 40, v: -0.06, tr: ['triggered'] },
      { t: 50, v: -0.04, open: { status: 'TRIGGERED', flapping: true }, tr: ['flapping'], notify: [true] },
      { t: 60, v: -0.06, open: { status: 'TRIGGERED', flapping: true }, tr: [] },
      { t: 70, v: -0.04, open: { status: 'TRIGGERED', flapping: true }, tr: [] },
      { t: 80, v: -0.06, tr: [] },
      { t: 90, v: -0.04, tr: [] },
      { t: 689, v: -0.04, open: { status: 'TRIGGERED', flapping: true }, tr: [] },
      { t: 690, v: -0.04, open: null, tr: ['resolved'] },
    ],
    alerts: 3,
  },
  {
    name: 'flap guard off: every opening is its own alert',
    thresholds: [VAR_HIGH],
    settings: { flap: null },
    steps: [
      { t: 0, v: -0.06, tr: ['triggered'] },
      { t: 10, v: -0.04, tr: ['resolved'] },
      { t: 20, v: -0.06, tr: ['triggered'] },
      { t: 30, v: -0.04, tr: ['resolved'] },
      { t: 40, v: -0.06, tr: ['triggered'] },
      { t: 50, v: -0.04, open: null, tr: ['resolved'] },
    ],
    alerts: 3,
  },
  {
    name: 'acknowledgement timeout: still breached T after the acknowledgement, the alert is reopened and re-escalated',
    thresholds: [VAR_HIGH],
    settings: { ackTimeoutMinutes: 30 },
    steps: [
      { t: 0, v: -0.06, tr: ['triggered'] },
      { t: 60, act: 'ack', open: { status: 'ACKNOWLEDGED' }, tr: ['acknowledged'] },
      { t: 60 + 1799, v: -0.06, open: { status: 'ACKNOWLEDGED' }, tr: [] },
      { t: 60 + 1800, v: -0.06, open: { status: 'TRIGGERED' }, tr: ['reopened'], notify: [true] },
      { t: 60 + 1900, act: 'ack', open: { status: 'ACKNOWLEDGED' }, tr: ['acknowledged'] },
      { t: 60 + 3700, v: -0.065, open: { status: 'TRIGGERED' }, tr: ['reopened'] },
    ],
  },
  {
    name: 'acknowledgement timeout does not reopen an alert that is no longer breached (held by hysteresis)',
    thresholds: [{ ...VAR_HIGH, clear_value: -0.03 }],
    settings: { ackTimeoutMinutes: 30 },
    steps: [
      { t: 0, v: -0.06, tr: ['triggered'] },
      { t: 60, act: 'ack', tr: ['acknowledged'] },
      { t: 120, v: -0.04, open: { status: 'ACKNOWLEDGED' } },
      { t: 4000, v: -0.04, open: { status: 'ACKNOWLEDGED' }, tr: [] },
    ],
  },
  {
    name: 'resolving by hand a breach that persists opens a new alert on the next update',
    thresholds: [VAR_HIGH],
    steps: [
      { t: 0, v: -0.06, tr: ['triggered'] },
      { t: 10, act: 'resolve', open: null, tr: ['resolved'] },
      { t: 11, v: -0.06, open: { status: 'TRIGGERED', count: 1 }, tr: ['triggered'] },
    ],
    alerts: 2,
  },
  {
    name: 'an upper limit (leverage above 3) with equal-or-greater',
    thresholds: [{ portfolio_id: 'p1', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than_or_equal', severity: 'CRITICAL' }],
    metric: 'leverage_ratio',
    steps: [
      { t: 0, v: 2.99, open: null },
      { t: 1, v: 3, open: { status: 'TRIGGERED', worst: 3 }, tr: ['triggered'] },
      { t: 2, v: 3.4, open: { status: 'TRIGGERED', worst: 3.4 } },
      { t: 3, v: 3.1, open: { status: 'TRIGGERED', worst: 3.4 } },
      { t: 4, v: 2.5, open: null, tr: ['resolved'] },
    ],
  },
  {
    name: 'a nested metric path (concentration_risk.max_position)',
    thresholds: [{ portfolio_id: '*', metric_type: 'concentration_risk.max_position', threshold_value: 0.3, comparison_type: 'greater_than', severity: 'HIGH' }],
    metric: 'concentration_risk.max_position',
    steps: [
      { t: 0, v: 0.29, open: null },
      { t: 1, v: 0.31, open: { status: 'TRIGGERED' }, tr: ['triggered'] },
    ],
  },
  {
    name: 'equal: fires when the value matches within the tolerance',
    thresholds: [{ portfolio_id: '*', metric_type: 'nav', threshold_value: 0.3, comparison_type: 'equal', severity: 'LOW' }],
    metric: 'nav',
    steps: [
      { t: 0, v: 0.31, open: null },
      { t: 1, v: 0.1 + 0.2, open: { status: 'TRIGGERED' }, tr: ['triggered'] },
      { t: 2, v: 0.3001, open: null, tr: ['resolved'] },
    ],
  },
  {
    name: 'a disabled threshold never fires',
    thresholds: [{ ...VAR_HIGH, enabled: false }],
    steps: [{ t: 0, v: -0.5, open: null, tr: [] }],
    alerts: 0,
  },
];

function runScenario(sc: Scenario): Harness {
  const h = harness(sc.settings);
  for (const t of sc.thresholds) h.threshold(t);
  const metric = sc.metric ?? 'var_95';
  let clockAt = 0;
  for (const [i, step] of sc.steps.entries()) {
    h.advance(step.t - clockAt);
    clockAt = step.t;
    const from = h.transitions.length;
    const openBefore = h.engine.openAlerts().find((a) => a.portfolio_id === 'p1');
    if (step.act === 'ack') h.engine.acknowledge(openBefore!.id, 'bob', 'looking');
    else if (step.act === 'resolve') h.engine.resolve(openBefore!.id, 'bob', 'hedged');
    else if (step.act === 'tick') h.engine.tick();
    if (step.v !== undefined) {
      if (Array.isArray(step.v)) h.feed('p1', { [metric]: step.v[1] }, true);
      else h.feed('p1', { [metric]: step.v });
    }
    const where = `${sc.name}, step ${i} (t=${step.t})`;
    // 'updated' (throttled figures, never notified) is covered by its own test below.
    const seen = h.transitions.slice(from).filter((e) => e.transition !== 'updated');
    if (step.tr) expect(seen.map((e) => e.transition), where).toEqual(step.tr);
    if (step.notify) expect(seen.map((e) => e.notify), where).toEqual(step.notify);
    const open = h.engine.openAlerts().filter((a) => a.portfolio_id === 'p1');
    expect(open.length, where).toBeLessThanOrEqual(1);
    if (step.open === null) expect(open, where).toEqual([]);
    else if (step.open) {
      expect(open.length, where).toBe(1);
      const a = open[0];
      expect(a.status, where).toBe(step.open.status);
      if (step.open.severity) expect(a.severity, where).toBe(step.open.severity);
      if (step.open.count !== undefined) expect(a.breach_count, where).toBe(step.open.count);
      if (step.open.worst !== undefined) expect(a.worst_value, where).toBe(step.open.worst);
      if (step.open.flapping !== undefined) expect(a.flapping, where).toBe(step.open.flapping);
    }
    expect(h.engine.counters.errors, where).toBe(0);
  }
  if (sc.alerts !== undefined) expect(h.alerts().length, sc.name).toBe(sc.alerts);
  // Memory and the database agree on what is open.
  h.engine.flush(true);
  expect(h.openInDb().map((a) => a.id).sort()).toEqual(h.engine.openAlerts().map((a) => a.id).sort());
  return h;
}

describe('alert transitions', () => {
  for (const sc of scenarios) {
    it(sc.name, () => {
      runScenario(sc).close();
    });
  }

  it('links a new alert to the previous one of the same portfolio and metric', () => {
    const h = runScenario(scenarios.find((s) => s.name.startsWith('a breach after RESOLVED'))!);
    const [first, second] = h.alerts();
    expect(second.previous_alert_id).toBe(first.id);
    expect(first.previous_alert_id).toBeNull();
    expect(first.resolved_by).toBe('system');
    expect(first.resolution).toBe('recovered');
    h.close();
  });

  it('records who acknowledged, when and the comment; who resolved by hand and why', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: -0.06 });
    const id = h.engine.openAlerts()[0].id;
    h.advance(90);
    const acked = h.engine.acknowledge(id, 'bob', 'hedging with puts');
    expect(acked).toMatchObject({ status: 'ACKNOWLEDGED', acknowledged_by: 'bob', acknowledged_at: '2026-01-02T14:01:30.000Z' });
    expect(h.store.alerts.listAcknowledgments(id)).toMatchObject([{ user: 'bob', comment: 'hedging with puts', at: '2026-01-02T14:01:30.000Z' }]);
    h.advance(30);
    const resolved = h.engine.resolve(id, 'carol', 'position closed');
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolved_by: 'carol', resolution: 'position closed', resolved_at: '2026-01-02T14:02:00.000Z' });
    expect(h.store.alerts.get(id)).toMatchObject({ status: 'RESOLVED', resolved_by: 'carol' });
    h.close();
  });

  it('rejects acting on a resolved, already acknowledged or unknown alert with a clear error', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: -0.06 });
    const id = h.engine.openAlerts()[0].id;
    h.engine.acknowledge(id, 'bob');
    expect(() => h.engine.acknowledge(id, 'carol')).toThrow(/already acknowledged by bob/);
    expect(() => h.engine.resolve(id, 'carol', '  ')).toThrow(expect.objectContaining({ status: 400, issues: [{ field: 'reason', reason: 'a manual resolution needs a reason' }] }));
    h.engine.resolve(id, 'carol', 'done');
    expect(() => h.engine.resolve(id, 'carol', 'again')).toThrow(expect.objectContaining({ status: 409, code: 'conflict' }));
    expect(() => h.engine.acknowledge(id, 'carol')).toThrow(/already RESOLVED/);
    expect(() => h.engine.acknowledge(999, 'carol')).toThrow(expect.objectContaining({ status: 404 }));
    h.close();
  });

  it('keeps portfolios apart: one threshold for every portfolio, one alert each', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: -0.06 });
    h.feed('p2', { var_95: -0.07 });
    h.feed('p1', { var_95: -0.06 });
    expect(h.engine.openAlerts().map((a) => a.portfolio_id).sort()).toEqual(['p1', 'p2']);
    h.close();
  });

  it("a portfolio's own threshold overrides the '*' threshold of the same metric, side and severity", () => {
    const h = harness();
    h.threshold(VAR_HIGH); // -5% for everyone
    h.threshold({ ...VAR_HIGH, portfolio_id: 'p1', threshold_value: -0.08 }); // p1 may run to -8%
    h.feed('p1', { var_95: -0.06 });
    h.feed('p2', { var_95: -0.06 });
    expect(h.engine.openAlerts().map((a) => a.portfolio_id)).toEqual(['p2']);
    h.feed('p1', { var_95: -0.09 });
    expect(h.engine.openAlerts().find((a) => a.portfolio_id === 'p1')).toMatchObject({ threshold_value: -0.08 });
    h.close();
  });

  it("a '*' threshold applies to a portfolio the engine first hears of in a metrics event", () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    h.feed('newbook', { var_95: -0.2 });
    expect(h.engine.openAlerts()).toMatchObject([{ portfolio_id: 'newbook', severity: 'HIGH' }]);
    h.close();
  });

  it('counts a value that is not a finite number and treats it as unknown', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: Number.NaN });
    h.feed('p1', { var_95: Number.NEGATIVE_INFINITY });
    expect(h.engine.openAlerts()).toEqual([]);
    expect(h.engine.counters.bad_values).toBe(2);
    h.events.emit('metrics', { snapshot: {} as never });
    expect(h.engine.counters.bad_snapshots).toBe(1);
    h.close();
  });
});

describe('noise control', () => {
  it('a silence mutes notifications of matching alerts (still recorded), and only while active', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    const s = h.engine.createSilence({ portfolio_id: 'p1', ends_at: '2026-01-02T15:00:00Z', reason: 'rebalancing' }, 'alice');
    h.feed('p1', { var_95: -0.06 });
    h.feed('p2', { var_95: -0.06 });
    const byPortfolio = Object.fromEntries(h.transitions.map((e) => [e.alert.portfolio_id, e]));
    expect(byPortfolio.p1).toMatchObject({ transition: 'triggered', notify: false, reason: `silenced by #${s.id} (rebalancing)` });
    expect(byPortfolio.p2).toMatchObject({ transition: 'triggered', notify: true });
    expect(h.engine.openAlerts()).toHaveLength(2);
    // After the silence ends, the next transition notifies again.
    h.advance(3600);
    const from = h.transitions.length;
    h.feed('p1', { var_95: -0.01 });
    expect(h.transitions.slice(from)).toMatchObject([{ transition: 'resolved', notify: true }]);
    h.close();
  });

  it('silences match on metric and severity too', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    h.threshold({ portfolio_id: '*', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than', severity: 'MEDIUM' });
    h.engine.createSilence({ metric_type: 'leverage_ratio', severity: 'MEDIUM', ends_at: '2026-01-03T00:00:00Z', reason: 'known' }, 'alice');
    h.feed('p1', { var_95: -0.06, leverage_ratio: 4 });
    const notify = Object.fromEntries(h.transitions.map((e) => [e.alert.metric_type, e.notify]));
    expect(notify).toEqual({ var_95: true, leverage_ratio: false });
    h.close();
  });

  it('inhibition: an open CRITICAL mutes lesser alerts on the same portfolio and metric, not on others', () => {
    const h = harness();
    h.threshold({ portfolio_id: '*', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than', severity: 'CRITICAL' });
    h.threshold({ portfolio_id: '*', metric_type: 'leverage_ratio', threshold_value: 3.5, comparison_type: 'less_than', severity: 'HIGH', description: 'under-deployed' });
    h.threshold({ ...VAR_HIGH, severity: 'MEDIUM' });
    h.feed('p1', { leverage_ratio: 4, var_95: -0.01 });
    h.feed('p1', { leverage_ratio: 3.2, var_95: -0.06 });
    const byKey = Object.fromEntries(h.transitions.map((e) => [`${e.alert.metric_type}/${e.alert.severity}`, e]));
    expect(byKey['leverage_ratio/CRITICAL']).toMatchObject({ transition: 'triggered', notify: true });
    expect(byKey['leverage_ratio/HIGH']).toMatchObject({ transition: 'triggered', notify: false });
    expect(byKey['leverage_ratio/HIGH'].reason).toMatch(/^inhibited by CRITICAL #\d+$/);
    expect(byKey['var_95/MEDIUM']).toMatchObject({ notify: true });
    h.close();
  });

  it('continuing breaches write figures at most once per persist interval; transitions always at once', () => {
    const h = harness({ persistIntervalMs: 5000 });
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: -0.06 });
    const id = h.engine.openAlerts()[0].id;
    const dbRow = () => h.store.alerts.get(id)!;
    for (let i = 1; i <= 49; i++) {
      h.clock.advance(100);
      h.feed('p1', { var_95: -0.06 - i / 10_000 });
    }
    expect(dbRow()).toMatchObject({ current_value: -0.06, breach_count: 1 });
    expect(h.engine.get(id)).toMatchObject({ current_value: -0.0649, breach_count: 50, worst_value: -0.0649 });
    expect(h.engine.counters.value_writes).toBe(0);
    h.clock.advance(100);
    h.feed('p1', { var_95: -0.061 });
    expect(dbRow()).toMatchObject({ current_value: -0.061, worst_value: -0.0649, breach_count: 51 });
    expect(h.engine.counters.value_writes).toBe(1);
    expect(h.transitions.at(-1)).toMatchObject({ transition: 'updated', notify: false });
    // One value write per alert per interval: 10 s of 10 updates a second is 2 writes, not 100.
    for (let i = 0; i < 100; i++) {
      h.clock.advance(100);
      h.feed('p1', { var_95: -0.062 });
    }
    expect(h.engine.counters.value_writes).toBe(3);
    // Figures never written by an update are written on close.
    h.clock.advance(100);
    h.feed('p1', { var_95: -0.07 });
    h.restart();
    expect(dbRow()).toMatchObject({ current_value: -0.07, worst_value: -0.07 });
    h.close();
  });

  it('writes nothing at all while every threshold is fine', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    const changes = () => (h.store.sqlite.prepare('select total_changes() as n').get() as { n: number }).n;
    const before = changes();
    for (let i = 0; i < 200; i++) h.feed(i % 2 ? 'p1' : 'p2', { var_95: -0.01 - i / 100_000 });
    expect(changes()).toBe(before);
    h.close();
  });
});

describe('transition hooks', () => {
  it('run inside the transaction that records the transition: their writes land with it', () => {
    const h = harness();
    const seen: { inTx: boolean; rowStatus: string | undefined }[] = [];
    h.engine.addTransitionHook((e) => {
      seen.push({ inTx: h.store.sqlite.inTransaction, rowStatus: h.store.alerts.get(e.alert.id)?.status });
      h.store.audit.record({ actor: 'notify', entity: 'outbox', entityId: e.alert.id, action: e.transition });
    });
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: -0.06 });
    h.feed('p1', { var_95: -0.01 });
    expect(seen).toEqual([
      { inTx: true, rowStatus: 'TRIGGERED' },
      { inTx: true, rowStatus: 'RESOLVED' },
    ]);
    expect(h.store.audit.list({ entity: 'outbox' }).map((r) => r.action)).toEqual(['resolved', 'triggered']);
    h.close();
  });

  it('a failing hook loses only its own writes: the transition is recorded and the other hooks run', () => {
    const h = harness();
    h.engine.addTransitionHook((e) => {
      h.store.audit.record({ actor: 'bad', entity: 'outbox', entityId: e.alert.id, action: 'half-written' });
      throw new Error('boom');
    });
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: -0.06 });
    expect(h.engine.openAlerts()).toHaveLength(1);
    expect(h.transitions.map((e) => e.transition)).toEqual(['triggered']);
    expect(h.store.audit.list({ entity: 'outbox' })).toEqual([]);
    expect(h.engine.counters.hook_errors).toBe(1);
    h.close();
  });

  it('publishes new_alert and alert_updated on the bus only after the transaction commits', () => {
    const h = harness();
    const committed: boolean[] = [];
    h.events.on('new_alert', () => committed.push(!h.store.sqlite.inTransaction));
    h.threshold(VAR_HIGH);
    h.feed('p1', { var_95: -0.06 });
    h.engine.acknowledge(h.engine.openAlerts()[0].id, 'bob');
    expect(committed).toEqual([true]);
    expect(h.published.map((p) => [p.name, p.alert.status])).toEqual([
      ['new_alert', 'TRIGGERED'],
      ['alert_updated', 'ACKNOWLEDGED'],
    ]);
    h.close();
  });

  it('a failed write rolls back and reloads: the breach fires on the next update instead of being lost', () => {
    const h = harness();
    h.threshold(VAR_HIGH);
    // A trigger that makes the alert insert fail once (as a full disk or a locked file would).
    h.store.sqlite.exec(`create temp trigger fail_once before insert on risk_alerts when (select count(*) from temp_fail) = 0
      begin select raise(abort, 'disk full'); end; create temp table temp_fail(x);`);
    h.feed('p1', { var_95: -0.06 });
    expect(h.engine.counters.errors).toBe(1);
    expect(h.engine.openAlerts()).toEqual([]);
    expect(h.store.alerts.listConditions()).toEqual([]);
    h.store.sqlite.exec('insert into temp_fail values (1)');
    h.feed('p1', { var_95: -0.06 });
    expect(h.engine.openAlerts()).toHaveLength(1);
    expect(h.transitions.map((e) => e.transition)).toEqual(['triggered']);
    h.close();
  });
});
