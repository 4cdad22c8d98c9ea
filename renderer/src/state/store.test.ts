import { describe, expect, it } from 'vitest';
import { DeskClientError } from '../../../shared/client';
import { FakeDeskClient } from '../testing/fake-client';
import { alert, portfolio, snapshot, threshold } from '../testing/fixtures';
import { DeskModel } from './store';

function setup() {
  const client = new FakeDeskClient({
    'portfolios.list': () => [portfolio('a'), portfolio('b')],
    'thresholds.list': () => [threshold({ metric_type: 'var_95', threshold_value: -0.05 })],
    'alerts.list': (args) => ({ items: args.status === 'TRIGGERED' ? [alert({ id: 10, portfolio_id: 'a' })] : [], next_cursor: null }),
    health: () => ({ status: 'ok', version: '0.1.0', uptime_seconds: 1, feed: null, last_cycle_at: null }),
    'risk.latest': () => [snapshot('a', { timestamp: '2026-11-26T14:30:00.000Z' }), snapshot('b', { timestamp: '2026-11-26T14:30:00.000Z' })],
    // Answered, so that a load falling back to one call per portfolio would be seen (and counted), not fail.
    'portfolios.metrics': (args) => snapshot(args.id, { timestamp: '2026-11-26T14:30:00.000Z' }),
  });
  // A manual scheduler: flushes happen only when the test says so.
  const pending: (() => void)[] = [];
  const model = new DeskModel(client, { scheduler: (f) => (pending.push(f), () => pending.splice(pending.indexOf(f), 1)) });
  const frame = () => pending.splice(0).forEach((f) => f());
  return { client, model, frame };
}

describe('DeskModel', () => {
  it('loads the book, limits, open alerts and latest figures, and subscribes to every portfolio', async () => {
    const { client, model } = setup();
    model.start();
    await model.load();
    const s = model.store.getState();
    expect(client.subscriptions).toEqual([['*']]);
    expect(Object.keys(s.portfolios)).toEqual(['a', 'b']);
    expect(Object.keys(s.snapshots).sort()).toEqual(['a', 'b']);
    expect(s.alerts[10].status).toBe('TRIGGERED');
    expect(s.board.rows.a.openAlerts).toBe(1);
    expect(s.loaded).toBe(true);
    model.stop();
  });

  it("reads every portfolio's latest snapshot in one call, on the first load and on the reload after a reconnect", async () => {
    const { client, model } = setup();
    const ids = Array.from({ length: 200 }, (_, i) => `p${i}`);
    client.handlers['portfolios.list'] = () => ids.map((id) => portfolio(id));
    // One portfolio has no figures yet: it is simply absent from the answer.
    client.handlers['risk.latest'] = () => ids.slice(1).map((id, i) => snapshot(id, { var_95: -0.01 - i / 100_000, timestamp: '2026-11-26T14:30:00.000Z' }));
    model.start();
    await expect.poll(() => model.store.getState().loaded).toBe(true);
    const s = model.store.getState();
    expect(client.callsOf('risk.latest')).toEqual([{}]);
    expect(client.callsOf('portfolios.metrics')).toEqual([]);
    expect(Object.keys(s.snapshots)).toHaveLength(199);
    expect(s.snapshots.p0).toBeUndefined();
    expect(s.snapshots.p199.var_95).toBeCloseTo(-0.01 - 198 / 100_000, 12);
    expect(s.board.rows.p199.light).toBe('green');
    expect(s.board.rows.p0.light).not.toBe('green');

    client.setConnection('reconnecting');
    client.setConnection('open');
    await expect.poll(() => client.callsOf('risk.latest').length).toBe(2);
    await expect.poll(() => client.callsOf('portfolios.list').length).toBe(2);
    expect(client.callsOf('portfolios.metrics')).toEqual([]);
    model.stop();
  });

  it('keeps a snapshot pushed during the load when it is newer than the fetched one, and takes the fetched one when it is newer', async () => {
    const { client, model, frame } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    client.handlers['risk.latest'] = async () => {
      await gate;
      return [snapshot('a', { var_95: -0.03, timestamp: '2026-11-26T14:30:00.000Z' }), snapshot('b', { var_95: -0.03, timestamp: '2026-11-26T14:30:00.000Z' })];
    };
    model.start();
    // Pushed while the load waits: a is newer than what the load will bring, b older.
    client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:31:00.000Z', portfolio_id: 'a', metrics: snapshot('a', { var_95: -0.07, timestamp: '2026-11-26T14:31:00.000Z' }) });
    client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:29:00.000Z', portfolio_id: 'b', metrics: snapshot('b', { var_95: -0.08, timestamp: '2026-11-26T14:29:00.000Z' }) });
    frame();
    expect(model.store.getState().snapshots.a.var_95).toBe(-0.07);
    expect(model.store.getState().loaded).toBe(false);
    release();
    await expect.poll(() => model.store.getState().loaded).toBe(true);
    expect(model.store.getState().snapshots.a).toMatchObject({ var_95: -0.07, timestamp: '2026-11-26T14:31:00.000Z' });
    expect(model.store.getState().snapshots.b).toMatchObject({ var_95: -0.03, timestamp: '2026-11-26T14:30:00.000Z' });
    model.stop();
  });

  it('a newer push still buffered when the load lands wins at its frame; an older one does not', async () => {
    const { client, model, frame } = setup();
    model.start();
    await expect.poll(() => model.store.getState().loaded).toBe(true);
    client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:31:00.000Z', portfolio_id: 'a', metrics: snapshot('a', { var_95: -0.07, timestamp: '2026-11-26T14:31:00.000Z' }) });
    client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:29:00.000Z', portfolio_id: 'b', metrics: snapshot('b', { var_95: -0.08, timestamp: '2026-11-26T14:29:00.000Z' }) });
    // A second load (a reconnect) lands before the frame that applies the pushes.
    await model.load();
    expect(model.store.getState().snapshots.a.timestamp).toBe('2026-11-26T14:30:00.000Z');
    frame();
    expect(model.store.getState().snapshots.a).toMatchObject({ var_95: -0.07, timestamp: '2026-11-26T14:31:00.000Z' });
    expect(model.store.getState().snapshots.b.timestamp).toBe('2026-11-26T14:30:00.000Z');
    model.stop();
  });

  it('applies a burst of pushed events in one store update per frame, latest snapshot winning', async () => {
    const { client, model, frame } = setup();
    model.start();
    await model.load();
    let updates = 0;
    const off = model.store.subscribe(() => updates++);
    for (let i = 0; i < 200; i++) {
      const ts = new Date(Date.parse('2026-11-26T14:31:00Z') + i).toISOString();
      client.emit({ type: 'risk_metrics_update', timestamp: ts, portfolio_id: i % 2 ? 'a' : 'b', metrics: snapshot(i % 2 ? 'a' : 'b', { var_95: -0.01 - i / 10_000, timestamp: ts }) });
    }
    expect(updates).toBe(0);
    frame();
    expect(updates).toBe(1);
    const s = model.store.getState();
    expect(s.snapshots.a.var_95).toBeCloseTo(-0.01 - 199 / 10_000);
    expect(s.snapshots.b.var_95).toBeCloseTo(-0.01 - 198 / 10_000);
    expect(s.eventsApplied).toBe(200);
    off();
    model.stop();
  });

  it('spreads a burst of many portfolios over a few frames, oldest first, without losing any', async () => {
    const { client, model, frame } = setup();
    model.start();
    let updates = 0;
    const off = model.store.subscribe(() => updates++);
    const ids = Array.from({ length: 150 }, (_, i) => `q${i}`);
    for (const id of ids) client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:31:00.000Z', portfolio_id: id, metrics: snapshot(id, { timestamp: '2026-11-26T14:31:00.000Z' }) });
    frame();
    const first = Object.keys(model.store.getState().snapshots);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(150);
    expect(first).toEqual(ids.slice(0, first.length));
    for (let i = 0; i < 10 && Object.keys(model.store.getState().snapshots).length < 150; i++) frame();
    expect(Object.keys(model.store.getState().snapshots)).toHaveLength(150);
    expect(model.store.getState().eventsApplied).toBe(150);
    expect(updates).toBeGreaterThan(1);
    expect(updates).toBeLessThanOrEqual(5);
    off();
    model.stop();
  });

  it('never lets an older snapshot or alert overwrite a newer one', async () => {
    const { client, model, frame } = setup();
    model.start();
    await model.load();
    client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:29:00.000Z', portfolio_id: 'a', metrics: snapshot('a', { var_95: -0.9, timestamp: '2026-11-26T14:29:00.000Z' }) });
    client.emit({ type: 'alert_updated', timestamp: '2026-11-26T14:40:00.000Z', alert: alert({ id: 10, portfolio_id: 'a', status: 'ACKNOWLEDGED', updated_at: '2026-11-26T14:40:00.000Z' }) });
    client.emit({ type: 'alert_updated', timestamp: '2026-11-26T14:35:00.000Z', alert: alert({ id: 10, portfolio_id: 'a', status: 'TRIGGERED', updated_at: '2026-11-26T14:35:00.000Z' }) });
    frame();
    const s = model.store.getState();
    expect(s.snapshots.a.var_95).toBe(-0.02);
    expect(s.alerts[10].status).toBe('ACKNOWLEDGED');
    model.stop();
  });

  it('tracks feed state and the last cycle from system events, keeping warnings as notices', async () => {
    const { client, model, frame } = setup();
    model.start();
    client.emit({ type: 'system', timestamp: '2026-11-26T14:30:01.000Z', level: 'info', message: 'cycle done', cycle: { duration_ms: 12, portfolios: 2 } });
    client.emit({
      type: 'system',
      timestamp: '2026-11-26T14:30:02.000Z',
      level: 'warning',
      message: 'feed reconnecting',
      feed: { kind: 'websocket', source: 'ws://feed', state: 'reconnecting', last_message_at: null, ticks_total: 5, dropped: {} },
    });
    frame();
    const s = model.store.getState();
    expect(s.lastCycle).toEqual({ at: '2026-11-26T14:30:01.000Z', duration_ms: 12, portfolios: 2 });
    expect(s.feed?.state).toBe('reconnecting');
    expect(s.notices.map((n) => n.message)).toEqual(['feed reconnecting']);
    model.stop();
  });

  it('greys the board while disconnected and reloads when the connection comes back', async () => {
    const { client, model } = setup();
    model.start();
    await model.load();
    client.setConnection('reconnecting');
    expect(model.store.getState().board.rows.a.light).toBe('grey');
    const before = client.callsOf('portfolios.list').length;
    client.setConnection('open');
    await expect.poll(() => client.callsOf('portfolios.list').length).toBe(before + 1);
    await expect.poll(() => model.store.getState().board.rows.a.light).toBe('green');
    model.stop();
  });

  it('says why the book could not be loaded and tries again until it can', async () => {
    const { client, model } = setup();
    const list = client.handlers['portfolios.list']!;
    let failures = 1;
    client.handlers['portfolios.list'] = (a) => {
      if (failures-- > 0) throw new DeskClientError('internal', 'internal error', 500);
      return list(a);
    };
    // Starting on an open connection loads at once: that first load fails.
    model.start();
    await expect.poll(() => model.store.getState().loadError).toBe('internal error');
    await expect.poll(() => model.store.getState().loadError, { timeout: 3000 }).toBeNull();
    expect(Object.keys(model.store.getState().portfolios)).toEqual(['a', 'b']);
    model.stop();
  });

  it('applies the alert an acknowledgement returns at once', async () => {
    const { client, model } = setup();
    client.handlers['alerts.acknowledge'] = (args) => alert({ id: args.id, portfolio_id: 'a', status: 'ACKNOWLEDGED', acknowledged_by: 'ana', updated_at: '2026-11-26T15:00:00.000Z' });
    model.start();
    await model.load();
    await model.acknowledge(10, 'looking');
    expect(client.callsOf('alerts.acknowledge')).toEqual([{ id: 10, comment: 'looking' }]);
    expect(model.store.getState().alerts[10].status).toBe('ACKNOWLEDGED');
    expect(model.store.getState().board.summary.unacknowledged).toBe(0);
    model.stop();
  });
});
