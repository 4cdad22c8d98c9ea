// The engine as the desk hosts it: created on desk.events, desk.store and desk.clock.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/domain';
import { Desk } from '../desk';
import { ManualClock } from '../ports';
import { tempDir } from '../testing';
import { snapshot, T0 } from './test-support';
import type { AlertTransitionEvent } from './transitions';

const tmp = tempDir('risk-desk-alerts-desk-');
afterAll(() => tmp.cleanup());

describe('desk.alerts', () => {
  it('consumes the desk\'s metrics events, publishes alert events and calls registered hooks', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(tmp.dir, 'desk.db');
    // Not live: this test drives the metrics itself (the monitor would publish the demo book's real figures).
    const desk = Desk.open({ dbFile: file, clock, alertTickMs: 0, live: false });
    // The demo book's default limits are live: VaR 95% beyond 3.5% is HIGH for every portfolio.
    const book = desk.store.book.listPortfolios()[0].id;
    const hooked: AlertTransitionEvent[] = [];
    const published: Alert[] = [];
    desk.alerts.addTransitionHook((e) => hooked.push(e));
    desk.events.on('new_alert', ({ alert }) => published.push(alert));
    desk.events.emit('metrics', { snapshot: snapshot(book, { var_95: -0.036 }) });
    expect(published).toMatchObject([{ portfolio_id: book, metric_type: 'var_95', severity: 'HIGH', status: 'TRIGGERED' }]);
    expect(hooked).toMatchObject([{ transition: 'triggered', notify: true, actor: 'system' }]);
    clock.advance(1000);
    desk.events.emit('metrics', { snapshot: snapshot(book, { var_95: -0.04 }) });
    await desk.close();

    // A second desk on the same file resumes: same alert, the figures written on close.
    const again = Desk.open({ dbFile: file, clock, alertTickMs: 0, live: false });
    expect(again.alerts.openAlerts()).toMatchObject([{ id: published[0].id, current_value: -0.04, worst_value: -0.04, breach_count: 2 }]);
    await again.close();
  });
});
