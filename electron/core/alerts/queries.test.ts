// Reading alerts: list with filters and cursor pagination, get, open alerts, timeline, stats.
import { afterAll, describe, expect, it } from 'vitest';
import type { ThresholdInput } from '../../../shared/domain';
import { tempDir } from '../testing';
import { Harness } from './test-support';

const tmp = tempDir('risk-desk-alerts-queries-');
afterAll(() => tmp.cleanup());
let n = 0;
const harness = () => Harness.inDir(tmp.dir, `q-${++n}`, { flap: null }, ['p1', 'p2', 'p3']);

const VAR: ThresholdInput = { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH' };
const LEV: ThresholdInput = { portfolio_id: '*', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than', severity: 'CRITICAL' };

describe('list', () => {
  it('newest first, filtered by status, severity, portfolio and time, paged by cursor', () => {
    const h = harness();
    h.threshold(VAR);
    h.threshold(LEV);
    for (const p of ['p1', 'p2', 'p3']) {
      h.advance(60);
      h.feed(p, { var_95: -0.06, leverage_ratio: 4 });
    }
    h.advance(60);
    h.feed('p1', { var_95: -0.01, leverage_ratio: 4 });
    const all = h.engine.list({ limit: 100 });
    expect(all.items.map((a) => a.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(all.next_cursor).toBeNull();
    expect(h.engine.list({ status: 'RESOLVED' }).items.map((a) => [a.portfolio_id, a.metric_type])).toEqual([['p1', 'var_95']]);
    expect(h.engine.list({ severity: 'CRITICAL' }).items.map((a) => a.portfolio_id)).toEqual(['p3', 'p2', 'p1']);
    expect(h.engine.list({ portfolio_id: 'p2' }).items.map((a) => a.metric_type).sort()).toEqual(['leverage_ratio', 'var_95']);
    expect(h.engine.list({ since: '2026-01-02T14:02:00Z' }).items.map((a) => a.portfolio_id)).toEqual(['p3', 'p3', 'p2', 'p2']);

    const pages: number[][] = [];
    let cursor: string | undefined;
    do {
      const page = h.engine.list({ limit: 4, cursor });
      pages.push(page.items.map((a) => a.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([
      [6, 5, 4, 3],
      [2, 1],
    ]);
    h.close();
  });

  it('rejects a bad cursor, limit, status or time with the field named', () => {
    const h = harness();
    expect(() => h.engine.list({ cursor: 'abc' })).toThrow(expect.objectContaining({ status: 400, issues: [{ field: 'cursor', reason: expect.any(String) }] }));
    expect(() => h.engine.list({ limit: 0 })).toThrow(expect.objectContaining({ issues: [{ field: 'limit', reason: expect.any(String) }] }));
    expect(() => h.engine.list({ status: 'OPEN' as never })).toThrow(expect.objectContaining({ issues: [{ field: 'status', reason: expect.any(String) }] }));
    expect(() => h.engine.list({ since: 'yesterday' })).toThrow(expect.objectContaining({ issues: [{ field: 'since', reason: expect.any(String) }] }));
    expect(() => h.engine.stats({ since: '2026-13-45' })).toThrow(expect.objectContaining({ status: 400 }));
    h.close();
  });

  it('list, get and openAlerts show live figures even before they are written', () => {
    const h = harness();
    h.threshold(VAR);
    h.feed('p1', { var_95: -0.06 });
    h.clock.advance(100);
    h.feed('p1', { var_95: -0.09 });
    const id = h.engine.openAlerts()[0].id;
    expect(h.store.alerts.get(id)!.current_value).toBe(-0.06);
    expect(h.engine.get(id)).toMatchObject({ current_value: -0.09, worst_value: -0.09, breach_count: 2 });
    expect(h.engine.list().items[0]).toMatchObject({ current_value: -0.09 });
    expect(h.engine.openAlerts()[0]).toMatchObject({ current_value: -0.09 });
    expect(() => h.engine.get(404)).toThrow(expect.objectContaining({ status: 404 }));
    h.close();
  });
});

describe('timeline', () => {
  it('trigger, acknowledgements, upgrade and resolution in order, with contributed entries merged', () => {
    const h = harness();
    h.threshold({ ...VAR, threshold_value: -0.03 });
    h.threshold({ ...VAR, threshold_value: -0.05, severity: 'CRITICAL' });
    h.engine.addTimelineSource('notify', (alert) => [
      { at: alert.triggered_at, source: 'notify', kind: 'notification', actor: 'system', summary: 'email to on-call' },
      { at: '2026-01-02T14:00:30.000Z', source: 'escalation', kind: 'escalation', actor: 'system', summary: 'step 1: head of risk' },
    ]);
    h.feed('p1', { var_95: -0.04 });
    const id = h.engine.openAlerts()[0].id;
    h.advance(60);
    h.engine.acknowledge(id, 'bob', 'hedging');
    h.advance(60);
    h.feed('p1', { var_95: -0.06 });
    h.advance(60);
    h.feed('p1', { var_95: -0.07 });
    h.advance(60);
    h.feed('p1', { var_95: -0.01 });
    const tl = h.engine.timeline(id);
    expect(tl.map((e) => [e.at.slice(11, 19), e.source, e.kind, e.actor])).toEqual([
      ['14:00:00', 'alerts', 'triggered', 'system'],
      ['14:00:00', 'notify', 'notification', 'system'],
      ['14:00:30', 'escalation', 'escalation', 'system'],
      ['14:01:00', 'alerts', 'acknowledged', 'bob'],
      ['14:02:00', 'alerts', 'upgraded', 'system'],
      ['14:04:00', 'alerts', 'resolved', 'system'],
    ]);
    expect(tl[0].summary).toBe('HIGH var_95 -0.04 breached less_than -0.03');
    expect(tl[3].summary).toBe('acknowledged: hedging');
    expect(tl[4].summary).toMatch(/^severity HIGH -> CRITICAL/);
    expect(tl[5].summary).toBe('resolved: recovered');
    h.close();
  });

  it('shows the latest figures of a continuing breach, and survives a failing contributor', () => {
    const h = harness();
    h.threshold(VAR);
    h.engine.addTimelineSource('broken', () => {
      throw new Error('no');
    });
    h.feed('p1', { var_95: -0.06 });
    h.advance(5);
    h.feed('p1', { var_95: -0.08 });
    const tl = h.engine.timeline(h.engine.openAlerts()[0].id);
    expect(tl.map((e) => e.kind)).toEqual(['triggered', 'updated']);
    expect(tl[1]).toMatchObject({ at: '2026-01-02T14:00:05.000Z', data: { current_value: -0.08, worst_value: -0.08, breach_count: 2 } });
    h.close();
  });
});

describe('stats', () => {
  it('counts by severity and status, and the mean times to acknowledge and to resolve', () => {
    const h = harness();
    h.threshold(VAR);
    h.threshold(LEV);
    h.feed('p1', { var_95: -0.06 });
    h.feed('p2', { leverage_ratio: 4 });
    h.feed('p3', { var_95: -0.06 });
    const [a3, a2, a1] = h.engine.openAlerts();
    h.advance(60);
    h.engine.acknowledge(a1.id, 'bob');
    h.advance(60);
    h.engine.acknowledge(a2.id, 'bob'); // 120 s
    h.advance(180);
    h.engine.resolve(a1.id, 'bob', 'done'); // 300 s
    h.advance(300);
    h.feed('p2', { leverage_ratio: 1 }); // 600 s
    const s = h.engine.stats();
    expect(s).toEqual({
      since: null,
      total: 3,
      by_severity: { LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 1 },
      by_status: { TRIGGERED: 1, ACKNOWLEDGED: 0, RESOLVED: 2 },
      flapping: 0,
      mean_time_to_acknowledge_seconds: 90,
      mean_time_to_resolve_seconds: 450,
    });
    expect(a3.status).toBe('TRIGGERED');
    expect(h.engine.stats({ since: '2026-01-02T15:00:00Z' })).toMatchObject({ total: 0, mean_time_to_acknowledge_seconds: null, mean_time_to_resolve_seconds: null });
    h.close();
  });
});
